"""Project numbers: six digits starting with 70, taken from a counter row locked FOR UPDATE.

The counter is read and advanced in the transaction that inserts the project, so a rolled-back
creation gives its number back (no gaps) and two creations never see the same value (no
duplicates; the unique constraint on ``projects.number`` is the last line of defence)."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from boa.kernel import clock
from boa.kernel.errors import Conflict, ValidationFailed
from boa.kernel.queries import insert_if_absent
from schemes.projects.models import FIRST_NUMBER, LAST_NUMBER, ProjectNumberCounter

COUNTER_ID = 1
NUMBER_RE = re.compile(r"^70\d{4}$")


def parse_number(value: str | int | None, *, field: str = "number") -> int:
    """A project number from the outside world; anything else is a validation error."""
    text = str(value if value is not None else "").strip()
    if not NUMBER_RE.fullmatch(text) or not FIRST_NUMBER <= int(text) <= LAST_NUMBER:
        raise ValidationFailed("A project number is six digits starting with 70 (e.g. 703794).",
                               field=field, code="malformed_project_number")
    return int(text)


def is_number(value: str | None) -> bool:
    try:
        parse_number(value)
    except ValidationFailed:
        return False
    return True


async def next_number(session: AsyncSession) -> int:
    query = select(ProjectNumberCounter).where(ProjectNumberCounter.id == COUNTER_ID).with_for_update()
    counter = await session.scalar(query)
    if counter is None:
        now = clock.now()
        await insert_if_absent(session, ProjectNumberCounter, id=COUNTER_ID, next_number=FIRST_NUMBER,
                               created_at=now, updated_at=now)
        counter = await session.scalar(query.execution_options(populate_existing=True))
    assert counter is not None
    number = counter.next_number
    if number > LAST_NUMBER:
        raise Conflict("All project numbers 700001-709999 are taken.", code="project_numbers_exhausted")
    counter.next_number = number + 1
    await session.flush()
    return number
