"""The sanctions' reminders (run by the worker, listed in the composition root; sent once each,
boa.kernel.reminders): a report and plan the office asked for and has not received 14 days later
(after the registration, or after a report was returned), to the person responsible for
authorisation and the substitutes; and a case not decided 8 Danish working days after its
adequate report (issue 15), to the office."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from boa.kernel import clock
from boa.kernel.reminders import Due, office, send_once
from boa.kernel.settings import get_settings
from boa.people.lookups import institution_label
from boa.people.models import Institution, User
from boa.sanctions.letters import responsible_people
from boa.sanctions.models import BreachCase
from boa.sanctions.states import TAKES_REPORT, UNDECIDED, ReportState
from boa.sanctions.working_days import DECISION_TARGET, decision_due

OVERDUE = timedelta(days=14)


async def breach_report_overdue(session: AsyncSession, now: datetime) -> int:
    rows = (await session.execute(select(BreachCase, User, Institution).join(
        User, User.id == BreachCase.user_id).join(Institution, Institution.id == BreachCase.institution_id).where(
        BreachCase.state.in_(TAKES_REPORT),
        BreachCase.report_state.in_((ReportState.REQUESTED, ReportState.RETURNED))).order_by(BreachCase.id)))
    due = []
    for case, user, institution in rows:
        asked = case.registered_at if case.report_state == ReportState.REQUESTED else case.report_assessed_at
        if asked is None or clock.aware(asked) + OVERDUE > now:
            continue
        since = clock.aware(asked)
        due.append(Due(f"breach_report_overdue:{case.id}:{case.report_state}:{since.date().isoformat()}",
                       "breach_report_overdue", await responsible_people(session, case.institution_id),
                       {"case_id": case.id, "user_name": user.name, "user_ident": user.ident,
                        "institution": institution_label(institution.authorisation_number, institution.name), "since": since,
                        "link": f"{get_settings().public_url}/breaches/{case.id}"}))
    return await send_once(session, due)


async def breach_decision_overdue(session: AsyncSession, now: datetime) -> int:
    rows = (await session.execute(select(BreachCase, User, Institution).join(
        User, User.id == BreachCase.user_id).join(Institution, Institution.id == BreachCase.institution_id).where(
        BreachCase.state.in_(UNDECIDED), BreachCase.report_state == ReportState.ADEQUATE).order_by(BreachCase.id)))
    today = clock.aware(now).astimezone(clock.OFFICE_TZ).date()
    due = []
    for case, user, institution in rows:
        if case.report_assessed_at is None:
            continue
        by = decision_due(case.report_assessed_at)
        if by >= today:
            continue
        due.append(Due(f"breach_decision_overdue:{case.id}:{by.isoformat()}", "breach_decision_overdue", [office()],
                       {"case_id": case.id, "user_name": user.name, "user_ident": user.ident,
                        "institution": institution_label(institution.authorisation_number, institution.name), "due": by, "target": DECISION_TARGET,
                        "adequate_at": clock.aware(case.report_assessed_at),
                        "link": f"{get_settings().public_url}/staff/breaches/{case.id}"}))
    return await send_once(session, due)
