"""The access decision: one function every gate asks (login, session use, project access, transfer).

The rules are pure: :func:`decide` looks only at :class:`Facts`; :mod:`boa.kernel.decisions`
loads them from the database. Each action lists its checks in :data:`CHECKS`, in one place.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

# portal: a session for the API and the admin pages (self-service, onboarding, administration);
# login: the research servers (what the remote-access gateway asks); then the project actions.
ACTIONS = ("portal", "login", "project_access", "transfer")


@dataclass(frozen=True)
class Reason:
    code: str
    scope: str
    message: str
    lock_id: str | None = None
    case_id: str | None = None
    until: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reasons: tuple[Reason, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {"allowed": self.allowed, "reasons": [r.as_dict() for r in self.reasons]}


@dataclass(frozen=True)
class LockFact:
    id: str
    scope: str
    case_id: str | None
    until: datetime | None
    open_end: str | None = None
    starts: datetime | None = None  # a lock decided to start later (None: already started)


@dataclass(frozen=True)
class ProjectFact:
    id: int
    number: str
    institution_id: int
    scheme: str
    state: str
    approved: bool
    end_date: datetime | None
    deleted: bool
    is_member: bool
    membership_pending: bool = False
    period_end: datetime | None = None
    closed: bool = False
    membership_requested: bool = False
    research_allowed: bool = True
    # The scheme's agreement, when it is not in force (the authority scheme's): the reason's code.
    agreement_refusal: str | None = None


@dataclass(frozen=True)
class Facts:
    now: datetime
    ident: str
    exists: bool = False
    user_id: int | None = None
    active: bool = False
    activated: bool = False  # the user has chosen a PIN with the activation code
    is_staff: bool = False
    certification_expires_at: datetime | None = None
    accepted_user_agreement: bool = False  # the current version
    approved_associations: int = 0
    has_active_token: bool = False
    locks: tuple[LockFact, ...] = ()
    project: ProjectFact | None = None


@dataclass(frozen=True)
class FactRequest:
    """What the loaders are asked for: the action, the project number (project actions), and a
    user row the caller has just loaded (saves the person's loader a query; ``None`` otherwise)."""

    action: str
    project: str | None = None
    known_user: object | None = None


Check = Callable[[Facts], list[Reason]]


def user_exists(f: Facts) -> list[Reason]:
    if not f.exists:
        return [Reason("user_unknown", "user", "No such user.")]
    if not f.active:
        return [Reason("user_inactive", "user", "The user is not active.")]
    return []


def user_activated(f: Facts) -> list[Reason]:
    if f.activated:
        return []
    return [Reason("not_activated", "user",
                   "The user has not chosen a PIN yet: use the activation code from the e-mail.")]


def certification_valid(f: Facts) -> list[Reason]:
    if f.is_staff:
        return []
    if f.certification_expires_at is None:
        return [Reason("certification_missing", "certification",
                       "The user has not passed the security certification.")]
    if f.certification_expires_at <= f.now:
        return [Reason("certification_expired", "certification",
                       "The security certification has expired.",
                       until=f.certification_expires_at.isoformat())]
    return []


def user_agreement_accepted(f: Facts) -> list[Reason]:
    if f.is_staff or f.accepted_user_agreement:
        return []
    return [Reason("user_agreement_missing", "user", "The user has not accepted the current user agreement.")]


def has_association(f: Facts) -> list[Reason]:
    if f.is_staff or f.approved_associations > 0:
        return []
    return [Reason("no_association", "membership",
                   "The user has no approved association or role at an institution.")]


def token_active(f: Facts) -> list[Reason]:
    if f.has_active_token:
        return []
    return [Reason("no_active_token", "token", "The user has no active second factor (token).")]


def _lock_reason(lock: LockFact) -> Reason:
    if lock.until is not None:
        message = f"Access is locked ({lock.scope}) until {lock.until.date().isoformat()}."
    elif lock.open_end == "until_decision":
        message = f"Access is suspended ({lock.scope}) until the breach case is decided."
    elif lock.open_end == "until_report_approved":
        message = f"Access is locked ({lock.scope}) until the report on the breach is approved."
    else:
        message = f"Access is locked ({lock.scope}) until further decision."
    return Reason("locked", lock.scope, message, lock_id=lock.id, case_id=lock.case_id,
                  until=lock.until.isoformat() if lock.until else None)


def lock_in_force(lock: LockFact, now: datetime) -> bool:
    return (lock.starts is None or lock.starts <= now) and (lock.until is None or lock.until > now)


def no_active_lock(f: Facts) -> list[Reason]:
    return [_lock_reason(lock) for lock in f.locks if lock_in_force(lock, f.now)]


AGREEMENT_REFUSALS = {
    "agreement_not_signed": "The scheme's agreement is not signed yet.",
    "agreement_not_active": "The scheme's agreement is signed but not active yet.",
    "agreement_terminated": "The scheme's agreement is terminated.",
}


def project_open(f: Facts) -> list[Reason]:
    p = f.project
    if p is None:
        return [Reason("project_unknown", "project_state", "No such project.")]
    if p.deleted:
        return [Reason("project_deleted", "project_state", "The project is deleted.")]
    if p.closed:
        return [Reason("project_closed", "project_state", "The project is closed.")]
    if not p.approved:
        return [Reason("project_not_approved", "project_state", "The project is not approved.")]
    if p.end_date is not None and p.end_date <= f.now:
        return [Reason("project_expired", "project_state", "The project has ended.",
                       until=p.end_date.isoformat())]
    if p.agreement_refusal is not None:
        return [Reason(p.agreement_refusal, "project_state", AGREEMENT_REFUSALS.get(
            p.agreement_refusal, "The scheme's agreement is not in force."))]
    if p.period_end is not None and p.period_end <= f.now:
        return [Reason("scheme_period_ended", "project_state", "The scheme's period has ended.",
                       until=p.period_end.isoformat())]
    return []


def is_member(f: Facts) -> list[Reason]:
    p = f.project
    if p is None or p.is_member:
        return []
    if p.membership_pending:
        return [Reason("membership_pending", "membership",
                       "The membership waits for the user's physical token to be activated.")]
    if p.membership_requested:
        return [Reason("membership_not_approved", "membership",
                       "The membership waits for approval by Research Services.")]
    return [Reason("not_member", "membership", "The user is not a member of the project.")]


def research_allowed(f: Facts) -> list[Reason]:
    p = f.project
    if p is None or p.research_allowed:
        return []
    return [Reason("no_research_on_project", "project_state",
                   "No research on a project database's main project; results leave from sub-projects.")]


# SPEC 2 "Two gates": the portal needs an activated user with no lock on them; the research servers
# and project work need everything of the portal plus the onboarding (certification, the current
# user agreement, an association or role, an active token), each with its own reason.
PORTAL_CHECKS: tuple[Check, ...] = (user_exists, user_activated, no_active_lock)
LOGIN_CHECKS: tuple[Check, ...] = (user_exists, user_activated, certification_valid, user_agreement_accepted,
                                   has_association, token_active, no_active_lock)
ONBOARDING_STEPS: dict[str, str] = {  # a login reason -> the onboarding step that removes it
    "user_agreement_missing": "user_agreement",
    "certification_missing": "certification",
    "certification_expired": "certification",
    "no_association": "association",
    "no_active_token": "token",
}
CHECKS: dict[str, tuple[Check, ...]] = {
    "portal": PORTAL_CHECKS,
    "login": LOGIN_CHECKS,
    "project_access": LOGIN_CHECKS + (project_open, is_member),
    "transfer": LOGIN_CHECKS + (project_open, is_member, research_allowed),
}


ONBOARDING_ORDER = ("token", "user_agreement", "certification", "association")


def missing_onboarding(decision: Decision) -> list[str]:
    """The onboarding steps a ``login`` decision still waits for, in the order a person takes them."""
    steps = {ONBOARDING_STEPS[r.code] for r in decision.reasons if r.code in ONBOARDING_STEPS}
    return [step for step in ONBOARDING_ORDER if step in steps]


def decide(action: str, facts: Facts) -> Decision:
    checks = CHECKS[action]
    reasons: list[Reason] = []
    for check in checks:
        found = check(facts)
        reasons.extend(found)
        if found and check is user_exists:
            break
    return Decision(allowed=not reasons, reasons=tuple(reasons))
