"""The audit log: every state change writes a hash-chained row in its own transaction."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from boa.kernel import clock
from boa.kernel.audit_actions import AuditAction
from boa.kernel.models import AuditEntry, AuditHead
from boa.kernel.queries import insert_if_absent

GENESIS = "0" * 64
HEAD_ID = 1


def _canonical(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str, sort_keys=True))


def entry_hash(prev_hash: str, *, seq: int, at: str, actor: str, action: str, subject: str,
               summary: Any) -> str:
    payload = json.dumps(
        {"seq": seq, "at": at, "actor": actor, "action": action, "subject": subject, "summary": summary},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256((prev_hash + payload).encode()).hexdigest()


def _stamp(value) -> str:
    return clock.aware(value).isoformat(timespec="microseconds")


async def record(
    session: AsyncSession,
    *,
    actor: str,
    action: AuditAction,
    subject: str,
    **summary: Any,
) -> AuditEntry:
    """Append one audit row; the head row lock serialises concurrent appends. ``action`` is a
    member of the log's vocabulary (:class:`AuditAction`), never a string built on the spot."""
    if not isinstance(action, AuditAction):
        raise TypeError(f"audit action {action!r} is not an AuditAction")
    name = action.value  # the row and the hash hold the plain string
    head = await _locked_head(session)
    at = clock.now()
    body = _canonical(summary)
    seq = head.seq + 1
    digest = entry_hash(head.hash, seq=seq, at=_stamp(at), actor=actor, action=name,
                        subject=subject, summary=body)
    entry = AuditEntry(seq=seq, at=at, actor=actor, action=name, subject=subject, summary=body,
                       prev_hash=head.hash, hash=digest)
    session.add(entry)
    head.seq, head.hash, head.count = seq, digest, head.count + 1
    await session.flush()
    return entry


async def _locked_head(session: AsyncSession) -> AuditHead:
    query = select(AuditHead).where(AuditHead.id == HEAD_ID).with_for_update()
    head = await session.scalar(query)
    if head is None:
        now = clock.now()
        await insert_if_absent(session, AuditHead, id=HEAD_ID, seq=0, hash=GENESIS, count=0, created_at=now,
                               updated_at=now)
        head = await session.scalar(query.execution_options(populate_existing=True))
    assert head is not None  # made just above if it was missing
    return head


@dataclass
class Verification:
    ok: bool
    checked: int
    first_bad: int | None = None
    problem: str | None = None

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"ok": self.ok, "checked": self.checked}
        if self.first_bad is not None:
            out["first_bad"] = self.first_bad
            out["problem"] = self.problem
        return out


async def verify(session: AsyncSession, batch: int = 5000) -> Verification:
    """Walk the chain in order; a changed, inserted or deleted row breaks it."""
    prev, expected_seq, checked, last_seq = GENESIS, 1, 0, 0
    while True:
        rows = (
            await session.scalars(
                select(AuditEntry).where(AuditEntry.seq > last_seq).order_by(AuditEntry.seq).limit(batch)
            )
        ).all()
        if not rows:
            break
        for row in rows:
            if row.seq != expected_seq:
                return Verification(False, checked, expected_seq, "missing row")
            if row.prev_hash != prev:
                return Verification(False, checked, row.seq, "broken link")
            digest = entry_hash(prev, seq=row.seq, at=_stamp(row.at), actor=row.actor, action=row.action,
                                subject=row.subject, summary=row.summary)
            if digest != row.hash:
                return Verification(False, checked, row.seq, "changed row")
            prev, expected_seq, checked, last_seq = row.hash, expected_seq + 1, checked + 1, row.seq
    head = await session.get(AuditHead, HEAD_ID)
    if head is not None and (head.seq != last_seq or head.hash != prev or head.count != checked):
        return Verification(False, checked, last_seq + 1, "missing tail")
    return Verification(True, checked)


async def entries(session: AsyncSession, *, since: datetime | None = None, until: datetime | None = None,
                  actor: str | None = None, subject: str | None = None, action: str | None = None,
                  limit: int | None = None, cursor: str | None = None, newest_first: bool = False,
                  max_limit: int | None = None) -> tuple[list[AuditEntry], str | None]:
    """One page of the log, filtered (``since`` inclusive, ``until`` exclusive); the cursor is the
    last ``seq`` seen (keyset paging either way). ``max_limit`` lifts the API's page cap for an export."""
    from boa.kernel.queries import MAX_LIMIT, parse_cursor, parse_limit

    size, after = parse_limit(limit, most=max_limit or MAX_LIMIT), parse_cursor(cursor)
    query = select(AuditEntry)
    if since is not None:
        query = query.where(AuditEntry.at >= since)
    if until is not None:
        query = query.where(AuditEntry.at < until)
    if actor:
        query = query.where(AuditEntry.actor == actor)
    if subject:
        query = query.where(AuditEntry.subject == subject)
    if action:
        query = query.where(AuditEntry.action == action)
    if after is not None:
        query = query.where(AuditEntry.seq < after if newest_first else AuditEntry.seq > after)
    order = AuditEntry.seq.desc() if newest_first else AuditEntry.seq
    rows = (await session.scalars(query.order_by(order).limit(size + 1))).all()
    return list(rows[:size]), str(rows[size - 1].seq) if len(rows) > size else None
