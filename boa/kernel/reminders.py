"""Reminders: mails that time sends (a certification about to expire, a project's end ...), each
sent once however often and on however many workers the reminders run.

Each capability writes its reminders as functions ``(session, now) -> number sent`` that find what
is due and hand it to :func:`send_once`; the composition root lists them
(``Extensions.reminders``) and the worker runs them, each in its own transaction
(:func:`run`). "Once" is a row of ``sent_reminders`` with the reminder's key, inserted
(``ON CONFLICT DO NOTHING``) in the same transaction as its mails: of two workers racing, the
second finds the key (PostgreSQL makes it wait for the first's commit) and sends nothing, and a
rolled-back run leaves neither the key nor the mails."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from boa.kernel import clock, mail
from boa.kernel.db import transaction
from boa.kernel.models import SentReminder
from boa.kernel.queries import dialect
from boa.kernel.settings import get_settings

log = logging.getLogger("boa.kernel.reminders")

Reminder = Callable[[AsyncSession, datetime], Awaitable[int]]
CHUNK = 1000  # keys looked up at a time (a new user agreement reminds every user)


class Reader(Protocol):
    """Whoever a reminder goes to: a user row, or the office's mailbox."""

    @property
    def email(self) -> str | None: ...

    @property
    def language(self) -> str: ...

    @property
    def name(self) -> str: ...


@dataclass(frozen=True)
class Mailbox:
    email: str | None
    language: str
    name: str


def office() -> Mailbox:
    """Research Services' mailbox (BOA_OFFICE_EMAIL), in Danish."""
    return Mailbox(get_settings().office_email, mail.OFFICE_LANGUAGE, "Forskningsservice")


@dataclass(frozen=True)
class Due:
    """One reminder that is due: its key, its template, who gets it and what it says (the
    template formats dates in each reader's language)."""

    key: str
    template: str
    readers: Sequence[Reader]
    context: dict[str, Any] = field(default_factory=dict)


def threshold(target: date | datetime, now: datetime, days: Iterable[int]) -> int | None:
    """The most urgent of the reminders ``days`` before ``target`` that is due at ``now``, or None.

    A day (a project's end date) counts in Copenhagen: 30 days before is from the start of that
    day, up to the day itself. A moment (an expiry) counts to the second and must still be ahead.
    Of 30 and 7 days, only the 7 is due once 7 days are left: a reminder that the worker missed is
    not sent late when a more urgent one has taken its place."""
    if isinstance(target, datetime):
        left = (clock.aware(target) - now) / timedelta(days=1)
        if left <= 0:
            return None
    else:
        left = (target - now.astimezone(mail.COPENHAGEN).date()).days
        if left < 0:
            return None
    return min((d for d in days if left <= d), default=None)


async def _claim(session: AsyncSession, key: str) -> bool:
    insert = pg_insert if dialect(session) == "postgresql" else sqlite_insert
    inserted = await session.scalar(insert(SentReminder).values(key=key, sent_at=clock.now())
                                    .on_conflict_do_nothing().returning(SentReminder.id))
    return inserted is not None


async def send_once(session: AsyncSession, due: Sequence[Due]) -> int:
    """Sends each due reminder whose key is not yet recorded, to each of its readers once, and
    records it; answers how many were sent."""
    if not due:
        return 0
    keys = [d.key for d in due]
    recorded: set[str] = set()
    for start in range(0, len(keys), CHUNK):
        recorded.update(await session.scalars(select(SentReminder.key).where(
            SentReminder.key.in_(keys[start:start + CHUNK]))))
    sent = 0
    for item in due:
        if item.key in recorded or not await _claim(session, item.key):
            continue
        addresses: set[str] = set()
        for reader in item.readers:
            if reader.email and reader.email not in addresses:
                addresses.add(reader.email)
                mail.send(session, to=reader.email, template=item.template, lang=reader.language, name=reader.name,
                          **item.context)
        sent += 1
    return sent


def name_of(reminder: Reminder) -> str:
    return f"{reminder.__module__}.{getattr(reminder, '__name__', repr(reminder))}"


async def run(engine: AsyncEngine, reminders: Sequence[Reminder]) -> dict[str, int]:
    """Runs each reminder in its own transaction; one that fails is logged and the others run."""
    results: dict[str, int] = {}
    for reminder in reminders:
        name = name_of(reminder)
        try:
            async with transaction(engine) as session:
                results[name] = await reminder(session, clock.now())
        except Exception:
            log.exception("reminder %s failed; it runs again with the next round", name)
            results[name] = -1
    return results
