"""The letters of a breach case, written to the outbox in the case's transaction (boa.kernel.mail),
each in its reader's language from the templates ``seed_data/mail/breach_*``.

Who hears what: the person responsible for authorisation (and the substitutes) gets the request
for report and plan, the assessment and the decision letter; the user is told of the suspension
(from when) and the decision; the office hears of self-reports and submitted reports. People are
named by name and IDENT."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from boa.kernel import mail
from boa.kernel.reminders import Reader, office
from boa.kernel.settings import get_settings
from boa.people.lookups import institution_label
from boa.people.models import Institution, InstitutionRole, User
from boa.sanctions.models import BreachCase, Lock
from boa.sanctions.rules import SanctionPlan
from boa.sanctions.tables import load_sanction_data
from boa.scanner.rules import load_rules


async def responsible_people(session: AsyncSession, institution_id: int) -> list[User]:
    """The person responsible for authorisation and the substitutes."""
    rows = await session.scalars(select(User).join(InstitutionRole, InstitutionRole.user_id == User.id).where(
        InstitutionRole.institution_id == institution_id, InstitutionRole.role.in_(("responsible", "substitute")))
        .order_by(InstitutionRole.role, User.ident))
    return list(dict.fromkeys(rows))


def _send(session: AsyncSession, readers: Iterable[Reader | None], template: str, **context: Any) -> None:
    sent: set[str] = set()
    for reader in readers:
        if reader is not None and reader.email and reader.email not in sent:
            sent.add(reader.email)
            mail.send(session, to=reader.email, template=template, lang=reader.language, name=reader.name, **context)


def lock_lines(locks: Sequence[Lock]) -> list[dict[str, Any]]:
    """The locks as the templates' ``words.locks`` lists them."""
    return [{"scope": lock.scope, "ends": lock.ends_at, "open_end": lock.open_end, "lifted": lock.lifted_at is not None}
            for lock in locks]


async def _about(session: AsyncSession, case: BreachCase) -> dict[str, Any]:
    user = await session.get(User, case.user_id)
    institution = await session.get(Institution, case.institution_id)
    assert user is not None and institution is not None  # foreign keys
    return {"case_id": case.id, "user_name": user.name, "user_ident": user.ident,
            "institution": institution_label(institution.authorisation_number, institution.name)}


async def guidance(session: AsyncSession, case: BreachCase, user: User, project: Any, *,
                   file_name: str | None) -> None:
    """A disclosure-control breach: guidance to the user (the rule and the file); no suspension.
    When it is repeated (flagged), the office hears of it."""
    context = {**await _about(session, case), "project_number": project.number if project is not None else None,
               "description": case.description, "file_name": file_name, "occurrence": case.occurrence,
               "threshold": load_transfer_threshold()}
    _send(session, [user], "breach_guidance", to_office=False, **context)
    if case.flagged:
        _send(session, [office()], "breach_guidance", to_office=True, **context)


def load_transfer_threshold() -> int:
    """The smallest number of observations a table's cell may show (the transfer rules)."""
    return int(load_rules().thresholds["min_cell_count"])


async def registered(session: AsyncSession, case: BreachCase, user: User, project: Any) -> None:
    locks = list(await session.scalars(select(Lock).where(Lock.case_id == case.id).order_by(Lock.id)))
    context = {**await _about(session, case), "project_number": project.number if project is not None else None,
               "self_reported": case.self_reported, "description": case.description,
               "suspended": case.registered_at, "locks": lock_lines(locks),
               "link": f"{get_settings().public_url}/breaches/{case.id}"}
    _send(session, [*await responsible_people(session, case.institution_id), user], "breach_registered",
          to_office=False, **context)
    if case.self_reported:
        _send(session, [office()], "breach_registered", to_office=True, **context)


async def report_submitted(session: AsyncSession, case: BreachCase) -> None:
    by = await session.get(User, case.report_submitted_by_id) if case.report_submitted_by_id else None
    _send(session, [office()], "breach_report_submitted", **await _about(session, case),
          submitted_by_name=by.name if by else "", submitted_by_ident=by.ident if by else "")


async def report_assessed(session: AsyncSession, case: BreachCase) -> None:
    _send(session, await responsible_people(session, case.institution_id), "breach_report_assessed",
          **await _about(session, case), adequate=case.report_state == "adequate", comment=case.assessment_comment)


async def decision(session: AsyncSession, case: BreachCase, locks: Sequence[Lock], plan: SanctionPlan) -> None:
    table = load_sanction_data().tables[plan.table]
    user = await session.get(User, case.user_id)
    active = [lock for lock in locks if lock.lifted_at is None]
    _send(session, [*await responsible_people(session, case.institution_id), user], "breach_decision",
          **await _about(session, case), severity=case.severity, occurrence=plan.occurrence,
          has_project=case.project_id is not None, further_sanctions=bool(active),
          table_titles=table.titles, locks=lock_lines(locks),
          termination_of=sorted(str(a) for a in plan.termination_of), comment=case.decision_comment)
