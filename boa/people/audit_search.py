"""The audit log searched as people type: an IDENT, a project number, an institution's authorisation
number, an action from the log's vocabulary and a range of the office's days. What the log stores
(``user:RESA``, ``project:700001``, ``institution:<row id>``) is worked out here, once, for the
pages and the export."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from boa.kernel import clock
from boa.kernel.audit_actions import AuditAction
from boa.kernel.domain import normalise_ident
from boa.kernel.errors import NotFound, ValidationFailed
from boa.kernel.inputs import check_day, check_line
from boa.people.lookups import institution_label, person_label
from boa.people.models import Institution

ACTIONS: tuple[str, ...] = tuple(sorted(action.value for action in AuditAction))


@dataclass(frozen=True)
class AuditSearch:
    """What the log's own columns are filtered by."""

    actor: str | None = None
    subject: str | None = None
    action: str | None = None
    since: datetime | None = None
    until: datetime | None = None


def _who(value: str) -> str | None:
    """``RESA`` or ``resa`` means the user; ``system:cli`` and ``user:RESA`` are taken as written."""
    value = check_line(value.strip(), "who", limit=100)
    if not value:
        return None
    if ":" in value:
        return value
    ident = normalise_ident(value)
    if ident is None:
        raise ValidationFailed(f"{value} is not an IDENT (three or four letters).", field="who", code="invalid_ident")
    return f"user:{ident}"


def _number(value: str, field: str) -> int | None:
    value = value.strip()
    if not value:
        return None
    if not value.isascii() or not value.isdigit() or len(value) > 9:
        raise ValidationFailed(f"{field} must be a number.", field=field, code="invalid_number")
    return int(value)


def _day(value: str, field: str) -> date | None:
    value = value.strip()
    if not value:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise ValidationFailed(f"{field} must be a date (YYYY-MM-DD).", field=field, code="invalid_date") from None
    try:
        return check_day(day, field)
    except ValidationFailed as exc:
        raise ValidationFailed(exc.detail, field=field, code="invalid_date") from None


async def audit_search(session: AsyncSession, *, who: str = "", project: str = "", institution: str = "",
                       subject: str = "", action: str = "", date_from: str = "", date_to: str = "") -> AuditSearch:
    """The filters as typed, checked; refused with the field named, never a silent empty result."""
    subjects = [f for f in (project, institution, subject) if f.strip()]
    if len(subjects) > 1:
        raise ValidationFailed("Search by one of project, institution or subject at a time.", field="subject",
                               code="one_subject")
    target = check_line(subject.strip(), "subject", limit=200) or None
    if (number := _number(project, "project")) is not None:
        target = f"project:{number}"
    if (authorisation := _number(institution, "institution")) is not None:
        row = await session.scalar(select(Institution.id).where(Institution.authorisation_number == authorisation))
        if row is None:
            raise NotFound(f"No institution has authorisation number {authorisation}.", code="institution_not_found")
        target = f"institution:{row}"
    action = action.strip()
    if action and action not in ACTIONS:
        raise ValidationFailed(f"{action} is not an action of the log.", field="action", code="unknown_audit_action")
    first, last = _day(date_from, "from"), _day(date_to, "to")
    if first and last and last < first:
        raise ValidationFailed("The last day lies before the first.", field="to", code="empty_range")
    since = clock.office_day(datetime.combine(first, datetime.min.time(), clock.OFFICE_TZ))[0] if first else None
    until = clock.office_day(datetime.combine(last, datetime.min.time(), clock.OFFICE_TZ))[1] if last else None
    return AuditSearch(actor=_who(who), subject=target, action=action or None, since=since, until=until)


async def names_in(session: AsyncSession, entries: list) -> dict[str, str]:
    """What a person reads for the log's ``user:IDENT`` and ``institution:<row id>``: the user's name
    with the IDENT, the institution's authorisation number and name; two queries for a whole page."""
    from boa.people.models import User

    idents = {e.actor[5:] for e in entries if e.actor.startswith("user:")}
    idents |= {e.subject[5:] for e in entries if e.subject.startswith("user:")}
    inst_ids = {int(e.subject[12:]) for e in entries
                if e.subject.startswith("institution:") and e.subject[12:].isdigit()}
    names: dict[str, str] = {}
    if idents:
        for ident, name in (await session.execute(select(User.ident, User.name).where(User.ident.in_(idents)))).all():
            names[f"user:{ident}"] = person_label(name, ident)
    if inst_ids:
        rows = await session.execute(select(Institution.id, Institution.authorisation_number, Institution.name)
                                     .where(Institution.id.in_(inst_ids)))
        for row_id, number, name in rows.all():
            names[f"institution:{row_id}"] = institution_label(number, name)
    return names
