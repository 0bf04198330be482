"""Access locks: creating them from the table's lock specs, lifting them, and the access-decision
loader that hands every lock covering a request to :func:`boa.kernel.access.no_active_lock`.

Which locks cover a request (SPEC 5 "Locks", issue 5):
- every action: the user's own locks (a user lock denies login and every project);
- project actions, in addition: locks on that project, on the project's institution, and on the
  project's scheme at that institution (a scheme lock denies all the scheme's users).
A lock is active while it is not lifted, has started, and its end (if any) is after now; expiry
therefore needs no job."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from sqlalchemy import ColumnElement, and_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from boa.kernel import audit, clock
from boa.kernel.access import FactRequest, Facts, LockFact
from boa.kernel.actor import Actor
from boa.kernel.audit_actions import AuditAction
from boa.kernel.errors import Conflict, PermissionDenied, ValidationFailed
from boa.kernel.queries import changed, get_or_404, keyset_page
from boa.people.lookups import user_by_ident
from boa.sanctions.models import BreachCase, Lock
from boa.sanctions.periods import lock_end
from boa.sanctions.tables import LockSpec, Scope

PROJECT_ACTIONS = ("project_access", "transfer")


def is_active(lock: Lock, now: datetime) -> bool:
    ends = clock.aware(lock.ends_at)
    return lock.lifted_at is None and clock.aware(lock.starts_at) <= now and (ends is None or ends > now)


def not_over(now: datetime | ColumnElement[datetime]):
    """SQL condition for a lock that is not lifted and has not ended at ``now`` (it may start later)."""
    return and_(Lock.lifted_at.is_(None), or_(Lock.ends_at.is_(None), Lock.ends_at > now))


def live(now: datetime):
    """SQL condition for an active lock at ``now``."""
    return and_(not_over(now), Lock.starts_at <= now)


def new_lock(case: BreachCase, spec: LockSpec, *, source: str, start: datetime, actor: Actor) -> Lock:
    """A lock for ``case`` of the scope the table names, pointed at the case's user/project/unit."""
    scope = str(spec.scope)
    target: dict[str, object] = {}
    if scope == "user":
        target = {"user_id": case.user_id}
    elif scope == "project":
        target = {"project_id": case.project_id}
    elif scope == "institution":
        target = {"institution_id": case.unit_institution_id}
    elif scope == "scheme":
        target = {"institution_id": case.unit_institution_id, "scheme": case.unit_scheme or case.scheme}
    what = "temporary suspension" if source == "suspension" else "sanction"
    return Lock(case_id=case.id, scope=scope, source=source, starts_at=start, ends_at=lock_end(start, spec.months),
                open_end=str(spec.open_end) if spec.open_end else None,
                reason=f"Breach case {case.id}: {what}.", created_by=actor.label, **target)


async def lock_to_lift(session: AsyncSession, *, actor: Actor, lock_id: str) -> Lock:
    """The lock ``actor`` may lift (what the confirmation page names before it is lifted)."""
    if not actor.has_staff_role("sanctions"):
        raise PermissionDenied("Only Research Services' sanction staff lift locks.")
    lock = await get_or_404(session, Lock, lock_id, "lock")
    if lock.lifted_at is not None:
        raise Conflict("The lock is already lifted.", code="already_lifted")
    return lock


async def lift(session: AsyncSession, *, actor: Actor, lock_id: str, comment: str) -> Lock:
    lock = await lock_to_lift(session, actor=actor, lock_id=lock_id)
    if not comment.strip():
        raise ValidationFailed("Give a comment when lifting a lock.", field="comment")
    now = clock.now()
    # A conditional update: two concurrent lifts cannot both succeed.
    done = await changed(session, update(Lock).where(Lock.id == lock.id, Lock.lifted_at.is_(None))
                                 .values(lifted_at=now, lifted_by=actor.label, lift_comment=comment.strip()))
    if done != 1:
        raise Conflict("The lock is already lifted.", code="already_lifted")
    await session.refresh(lock)
    await audit.record(session, actor=actor.label, action=AuditAction.LOCK_LIFTED, subject=f"lock:{lock.id}",
                       case=lock.case_id, comment=comment.strip())
    return lock


async def lift_for_case(session: AsyncSession, case: BreachCase, *, actor: Actor, open_end: str, why: str) -> list[int]:
    """Lifts the case's live locks with ``open_end`` (the suspension at the decision; the
    "until report approved" locks when the report is approved)."""
    now = clock.now()
    ids = list(await session.scalars(select(Lock.id).where(Lock.case_id == case.id, Lock.open_end == open_end,
                                                          Lock.lifted_at.is_(None))))
    if ids:
        await session.execute(update(Lock).where(Lock.id.in_(ids))
                              .values(lifted_at=now, lifted_by=actor.label, lift_comment=why))
        await audit.record(session, actor=actor.label, action=AuditAction.LOCK_LIFTED,
                           subject=f"case:{case.id}",
                           locks=ids, comment=why)
    return ids


def _fact(lock: Lock, now: datetime) -> LockFact:
    starts = clock.aware(lock.starts_at)
    return LockFact(id=str(lock.id), scope=lock.scope, case_id=str(lock.case_id) if lock.case_id else None,
                    until=clock.aware(lock.ends_at), open_end=lock.open_end,
                    starts=starts if starts is not None and starts > now else None)


async def load_lock_facts(session: AsyncSession, facts: Facts, request: FactRequest) -> Facts:
    """Adds every lock covering the user (and, for project actions, the project, its institution
    and its scheme) that is not lifted or over, including one that starts later: the facts then
    hold until something changes (:mod:`boa.kernel.access_cache`), and :func:`boa.kernel.access.lock_in_force`
    applies the time. Runs after the schemes' loader, which sets ``facts.project``."""
    if facts.user_id is None:
        return facts
    covers = [Lock.user_id == facts.user_id]
    project = facts.project
    if request.action in PROJECT_ACTIONS and project is not None:
        covers += [
            Lock.project_id == project.id,
            and_(Lock.scope == "institution", Lock.institution_id == project.institution_id),
            and_(Lock.scope == "scheme", Lock.institution_id == project.institution_id,
                 Lock.scheme == project.scheme),
        ]
    rows = await session.scalars(select(Lock).where(not_over(facts.now), or_(*covers)).order_by(Lock.id))
    found = tuple(_fact(lock, facts.now) for lock in rows)
    return replace(facts, locks=facts.locks + found) if found else facts


async def list_locks(session: AsyncSession, *, actor: Actor, active: bool | None, ident: str | None,
                     case_id: str | None, scope: str | None, limit: int | None,
                     cursor: str | None) -> tuple[Sequence[Lock], str | None]:
    if not actor.is_staff:
        raise PermissionDenied("Only Research Services see the locks.")
    query = select(Lock)
    now = clock.now()
    if active is True:
        query = query.where(live(now))
    elif active is False:
        query = query.where(~live(now))
    if ident:
        user = await user_by_ident(session, ident)
        query = query.where(Lock.user_id == user.id)
    if case_id:
        case = await get_or_404(session, BreachCase, case_id, "breach case")
        query = query.where(Lock.case_id == case.id)
    if scope is not None:
        if scope not in tuple(Scope):
            raise ValidationFailed(f"scope is one of {', '.join(Scope)}.", field="scope")
        query = query.where(Lock.scope == scope)
    return await keyset_page(session, query, Lock.id, limit, cursor)
