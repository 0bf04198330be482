"""The catalogue's read models: a searchable page of registers with their variables (two queries),
one register with its variables (two), and the codes and names for the search box's suggestions
(one). Public: nothing here asks who is reading."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from boa.kernel.errors import ValidationFailed
from boa.kernel.queries import parse_limit
from boa.registers import presenters, rules
from boa.registers.models import Register, RegisterVariable
from boa.registers.presenters import RegisterSummary, RegisterView
from boa.registers.service import register_by_code


def _contains(word: str) -> ColumnElement[bool]:
    """``search_text LIKE '%word%'`` with LIKE's own wildcards in the word taken literally."""
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return Register.search_text.like(f"%{escaped}%", escape="\\")


def search(q: str | None) -> Select[Register]:
    """Registers whose code, names or variable names hold every word of ``q`` (folded: case, and
    æ/ø/å as ae/oe/aa)."""
    return select(Register).where(*(_contains(w) for w in rules.search_words(q)))


def _after(cursor: str | None) -> str | None:
    if cursor in (None, ""):
        return None
    if not rules.CODE.fullmatch(cursor):
        raise ValidationFailed("Malformed cursor.", field="cursor")
    return cursor


async def _variables(session: AsyncSession, register_ids: Sequence[int]) -> dict[int, list[RegisterVariable]]:
    """The variables of these registers, in the order they were added (key variables first in the seed)."""
    out: dict[int, list[RegisterVariable]] = {i: [] for i in register_ids}
    if register_ids:
        rows = await session.scalars(select(RegisterVariable).where(RegisterVariable.register_id.in_(register_ids))
                                     .order_by(RegisterVariable.register_id, RegisterVariable.id))
        for row in rows:
            out[row.register_id].append(row)
    return out


async def catalogue(session: AsyncSession, *, q: str | None = None, lang: str | None = None,
                    limit: int | None = None, cursor: str | None = None) -> tuple[list[RegisterSummary], str | None]:
    """A page of the catalogue by code; the cursor is the last code shown."""
    language = rules.language(lang)
    size = parse_limit(limit)
    query = search(q)
    after = _after(cursor)
    if after is not None:
        query = query.where(Register.code > after)
    rows = (await session.scalars(query.order_by(Register.code).limit(size + 1))).all()
    page, more = rows[:size], len(rows) > size
    variables = await _variables(session, [r.id for r in page])
    return [presenters.summary(r, variables[r.id], language) for r in page], page[-1].code if more else None


async def register(session: AsyncSession, *, code: str, lang: str | None = None) -> RegisterView:
    language = rules.language(lang)
    row = await register_by_code(session, code)
    return presenters.register(row, (await _variables(session, [row.id]))[row.id], language)


async def suggestions(session: AsyncSession, lang: str | None = None) -> list[tuple[str, str]]:
    """Every register's code and name, for the search box's list of suggestions."""
    name = Register.name_en if rules.language(lang) == "en" else Register.name_da
    return [(code, text) for code, text in (await session.execute(
        select(Register.code, name).order_by(Register.code))).all()]


async def by_codes(session: AsyncSession, codes: Sequence[str], lang: str | None = None) -> dict[str, RegisterSummary]:
    """These registers with their variables (two queries, whatever their number); unknown codes are
    left out. For a proposal's variable pickers."""
    language = rules.language(lang)
    wanted = sorted({c for c in codes if c})
    if not wanted:
        return {}
    rows = (await session.scalars(select(Register).where(Register.code.in_(wanted)))).all()
    variables = await _variables(session, [r.id for r in rows])
    return {r.code: presenters.summary(r, variables[r.id], language) for r in rows}
