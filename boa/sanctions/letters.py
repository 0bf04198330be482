"""The letters of a breach case, queued on the session and sent after the commit (boa.kernel.mail).

Who hears what: the person responsible for authorisation (and the substitutes) gets the request
for report and plan, the assessment and the decision letter; the user is told of the suspension
and the decision; the office hears of self-reports and submitted reports."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from boa.kernel import mail
from boa.kernel.settings import get_settings
from boa.people.models import Institution, InstitutionRole, User


async def _responsible(session: AsyncSession, institution_id: int) -> list[User]:
    rows = await session.scalars(select(User).join(InstitutionRole, InstitutionRole.user_id == User.id).where(
        InstitutionRole.institution_id == institution_id, InstitutionRole.role.in_(("responsible", "substitute")))
        .order_by(InstitutionRole.role, User.ident))
    return list(dict.fromkeys(rows))


async def _send(session: AsyncSession, people: Sequence[User | str | None], subject: str, body: str) -> None:
    sent: set[str] = set()
    for who in people:
        address = who.email if isinstance(who, User) else who
        if address and address not in sent:
            sent.add(address)
            mail.queue(session, address, subject, body)


def _until(lock) -> str:
    if lock.lifted_at is not None:
        return "already lifted (" + (lock.lift_comment or "") + ")"
    if lock.ends_at is not None:
        return "until " + lock.ends_at.date().isoformat()
    return {"until_decision": "until the case is decided",
            "until_report_approved": "until the report and plan are approved",
            "case_by_case": "until a further decision"}.get(lock.open_end, "until further notice")


def _lock_lines(locks) -> str:
    return "\n".join(f"- {lock.scope} lock {lock.id}: {_until(lock)}" for lock in locks)


async def registered(session: AsyncSession, case, user: User, project) -> None:
    from boa.sanctions.models import Lock

    institution = await session.get(Institution, case.institution_id)
    assert institution is not None  # a case's institution is a foreign key
    locks = list(await session.scalars(select(Lock).where(Lock.case_id == case.id).order_by(Lock.id)))
    where = f"project {project.number}" if project is not None else f"institution {institution.name}"
    how = "reported by the user themself" if case.self_reported else "registered by Research Services"
    body = (f"Breach case {case.id} about {user.name} ({user.ident}), {where}, was {how}.\n\n"
            f"{case.description}\n\n"
            "The user and the project are temporarily suspended until the case is decided:\n"
            f"{_lock_lines(locks)}\n\n"
            "The person responsible for authorisation is asked to submit a report and a plan in BOA "
            "(the plan lists the measures taken, not intentions).")
    subject = f"Breach case {case.id}: temporary suspension"
    await _send(session, await _responsible(session, case.institution_id), subject, body)
    await _send(session, [user], subject, body)
    if case.self_reported:
        await _send(session, [get_settings().office_email], f"Self-reported breach, case {case.id}", body)


async def report_submitted(session: AsyncSession, case) -> None:
    await _send(session, [get_settings().office_email], f"Breach case {case.id}: report and plan submitted",
                f"The report and plan for breach case {case.id} are ready for assessment in BOA.")


async def report_assessed(session: AsyncSession, case) -> None:
    verdict = ("was judged adequate" if case.report_state == "adequate"
               else "was returned: please submit a new report and plan")
    body = f"The report and plan for breach case {case.id} {verdict}.\n\n{case.assessment_comment or ''}".rstrip()
    await _send(session, await _responsible(session, case.institution_id),
                f"Breach case {case.id}: report assessed", body)


async def decision(session: AsyncSession, case, locks, plan) -> None:
    user = await session.get(User, case.user_id)
    assert user is not None  # a case's user is a foreign key
    termination = ""
    if plan.termination_possible:
        agreements = " and/or ".join(sorted(str(a).replace("_", " ") for a in plan.termination_of))
        termination = f"\nTermination of the {agreements} is possible; the office will decide on it separately.\n"
    body = (f"Decision in breach case {case.id} about {user.name} ({user.ident}).\n\n"
            f"The breach is judged {case.severity}. It is the institution's breach number {plan.occurrence} "
            f"within two years on the {plan.table} table.\n\n"
            f"Sanction:\n{_lock_lines(locks) or '- none'}\n{termination}\n"
            f"{case.decision_comment or ''}").rstrip()
    subject = f"Decision in breach case {case.id}"
    await _send(session, await _responsible(session, case.institution_id), subject, body)
    await _send(session, [user], subject, body)
