"""Users: creation by Research Services, requests by administrators, contact details,
the user agreement and the security certification."""

from __future__ import annotations

import hmac
import json
import secrets
import string
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from sqlalchemy import bindparam, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from boa.kernel import audit, clock
from boa.kernel.actor import Actor
from boa.kernel.domain import STAFF_ROLES
from boa.kernel.errors import Conflict, NotFound, PermissionDenied, TooManyRequests, ValidationFailed
from boa.kernel.queries import get_or_404, keyset_page
from boa.kernel.settings import SEED_DATA
from boa.people import activation_codes
from boa.people.lookups import institutions_of, roles_at, user_by_ident
from boa.people.models import (
    Certification,
    Institution,
    User,
    UserAgreementAcceptance,
    UserAgreementVersion,
    UserRequest,
)
from boa.people.permissions import USER_MANAGERS, may_list_user_requests, may_request_user

ACTIVATION_ALPHABET = string.ascii_uppercase + string.digits
CERTIFICATION_YEARS = 1
CERTIFICATION_ATTEMPTS_PER_DAY = 3


async def _new_ident(session: AsyncSession) -> str:
    for _ in range(50):
        ident = "".join(secrets.choice(string.ascii_uppercase) for _ in range(4))
        if await session.scalar(select(User.id).where(User.ident == ident)) is None:
            return ident
    raise Conflict("Could not allocate an IDENT; try again.")


def _check_email(email: str | None, field: str = "email") -> str | None:
    if email is None:
        return None
    email = email.strip()
    local, _, domain = email.partition("@")
    if not local or "." not in domain or " " in email or len(email) > 320:
        raise ValidationFailed("Not an e-mail address.", field=field)
    return email


async def create_user(session: AsyncSession, *, actor: Actor, name: str, email: str, mobile: str | None = None,
                      staff_roles: list[str] | None = None) -> User:
    if not actor.is_staff:
        raise PermissionDenied("Only Research Services creates users.")
    if not name.strip():
        raise ValidationFailed("name must not be empty.", field="name")
    if any(r not in STAFF_ROLES for r in staff_roles or []):
        raise ValidationFailed(f"staff_roles must be among {', '.join(STAFF_ROLES)}.", field="staff_roles")
    user = User(ident=await _new_ident(session), name=name.strip(), email=_check_email(email),
                mobile=_normalise_mobile(mobile), staff_roles=list(staff_roles or []))
    session.add(user)
    await session.flush()
    await activation_codes.issue(session, user, "activate")
    await audit.record(session, actor=actor.label, action="user.create", subject=f"user:{user.ident}",
                       after={"name": user.name, "email": user.email, "staff_roles": user.staff_roles})
    return user


def _normalise_mobile(mobile: str | None) -> str | None:
    if mobile in (None, ""):
        return None
    from boa.people.contact import normalise_mobile

    try:
        return normalise_mobile(mobile)  # type: ignore[arg-type]
    except ValueError as exc:
        raise ValidationFailed(str(exc), code=getattr(exc, "code", "invalid_mobile"), field="mobile") from None


async def can_see_user(session: AsyncSession, actor: Actor, user: User) -> bool:
    if actor.is_staff or actor.user_id == user.id:
        return True
    if actor.user_id is None:
        return False
    mine = await institutions_of(session, actor.user_id)
    for institution_id in mine & await institutions_of(session, user.id):
        if await roles_at(session, actor.user_id, institution_id) & USER_MANAGERS:
            return True
    return False


async def get_user(session: AsyncSession, *, actor: Actor, ident: str) -> User:
    user = await user_by_ident(session, ident)
    if not await can_see_user(session, actor, user):
        raise NotFound(f"No user with IDENT {user.ident}.")
    return user


def _specific(term: str) -> bool:
    head, dot, rest = term.partition(".")
    return "@" in term or (bool(dot) and len(rest) >= 2)


def prefix_match(session: AsyncSession, term: str, *columns):  # type: ignore[no-untyped-def]
    """``lower(column) LIKE 'term%'`` for each column, with LIKE's wildcards in the term taken
    literally. The pattern is rendered into the SQL (quoted by SQLAlchemy, not by us) so that
    PostgreSQL plans each search with its constant prefix and uses the text_pattern_ops indexes;
    a prepared statement with ``LIKE $1`` may get a generic plan that scans the table."""
    escaped = term.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    pattern = bindparam("prefix", escaped, literal_execute=True)
    # PostgreSQL's default escape is the backslash (an explicit ESCAPE clause would hide the prefix
    # from the planner); SQLite has none by default.
    escape = None if session.bind.dialect.name == "postgresql" else "\\"
    return [func.lower(column).like(pattern, escape=escape) for column in columns]


async def search_users(session: AsyncSession, *, actor: Actor, q: str | None, limit: int | None,
                       cursor: str | None) -> tuple[list[User], str | None]:
    if not actor.is_staff:
        raise PermissionDenied("Only Research Services searches all users.")
    query = select(User)
    if q:
        term = q.strip()
        if len(term) > 200:
            raise ValidationFailed("q is too long.", field="q")
        query = query.where(or_(User.ident == term.upper(), *prefix_match(session, term, User.name, User.email)))
    order = User.id
    if q and _specific(q.strip()):
        # An e-mail-shaped term matches few users: sort those rather than let the planner walk the
        # whole id index looking for a page of them when it overestimates the matches.
        order = User.id + 0
    rows, nxt = await keyset_page(session, query, order, limit, cursor)
    return list(rows), nxt


async def update_contact(session: AsyncSession, *, actor: Actor, email: str | None = None,
                         mobile: str | None = None, address: dict[str, Any] | None = None,
                         language: str | None = None) -> User:
    user = actor.user
    if user is None:
        raise PermissionDenied("Only a user edits their own contact details.")
    before = {"email": user.email, "mobile": user.mobile, "address": user.address, "language": user.language}
    if email is not None:
        user.email = _check_email(email)
    if mobile is not None:
        user.mobile = _normalise_mobile(mobile)
    if address is not None:
        user.address = address
    if language is not None:
        if language not in ("da", "en"):
            raise ValidationFailed("language is da or en.", field="language")
        user.language = language
    after = {"email": user.email, "mobile": user.mobile, "address": user.address, "language": user.language}
    await audit.record(session, actor=actor.label, action="user.contact_update", subject=f"user:{user.ident}",
                       before=before, after=after)
    return user


# --- user requests -------------------------------------------------------------------------------

async def request_user(session: AsyncSession, *, actor: Actor, institution_id: str, name: str, email: str,
                       mobile: str | None = None) -> UserRequest:
    institution = await get_or_404(session, Institution, institution_id, "institution")
    roles = await roles_at(session, actor.user_id, institution.id)
    if not roles and not actor.is_staff:
        raise NotFound(f"No institution with id {institution_id!r}.")
    if not may_request_user(roles):
        raise PermissionDenied("Only an administrator of the institution requests a new user.")
    if not name.strip():
        raise ValidationFailed("name must not be empty.", field="name")
    req = UserRequest(institution_id=institution.id, requested_by_id=actor.user_id, name=name.strip(),
                      email=_check_email(email), mobile=_normalise_mobile(mobile), state="pending")
    session.add(req)
    await session.flush()
    await audit.record(session, actor=actor.label, action="user_request.create", subject=f"user_request:{req.id}",
                       after={"institution": institution.authorisation_number, "name": req.name, "email": req.email})
    return req


USER_REQUEST_STATES = ("pending", "approved", "refused")


async def list_user_requests(session: AsyncSession, *, actor: Actor, institution_id: str | None = None,
                             state: str | None = None, limit: int | None = None,
                             cursor: str | None = None) -> tuple[Sequence[UserRequest], str | None]:
    """Staff see every institution's requests; an administrator their institution's. One page."""
    query = select(UserRequest)
    if institution_id is not None:
        institution = await get_or_404(session, Institution, institution_id, "institution")
        roles = await roles_at(session, actor.user_id, institution.id)
        if not may_list_user_requests(roles, staff=actor.is_staff):
            raise NotFound(f"No institution with id {institution_id!r}.")
        query = query.where(UserRequest.institution_id == institution.id)
    elif not actor.is_staff:
        raise PermissionDenied("Only Research Services lists every institution's user requests.")
    if state:
        if state not in USER_REQUEST_STATES:
            raise ValidationFailed(f"state must be one of {', '.join(USER_REQUEST_STATES)}.", field="state")
        query = query.where(UserRequest.state == state)
    return await keyset_page(session, query, UserRequest.id, limit, cursor)


async def decide_user_request(session: AsyncSession, *, actor: Actor, request_id: str, approve: bool,
                              comment: str | None = None) -> UserRequest:
    if not actor.is_staff:
        raise PermissionDenied("Only Research Services decides user requests.")
    req = await get_or_404(session, UserRequest, request_id, "user request")
    if req.state != "pending":
        raise Conflict(f"The request is already {req.state}.")
    req.decided_by_id, req.comment = actor.user_id, comment
    if approve:
        user = await create_user(session, actor=actor, name=req.name, email=req.email, mobile=req.mobile)
        req.user_id, req.state = user.id, "approved"
    else:
        req.state = "refused"
    await audit.record(session, actor=actor.label, action=f"user_request.{req.state}", subject=f"user_request:{req.id}",
                       after={"state": req.state, "comment": comment})
    return req


# --- user agreement and certification ------------------------------------------------------------

async def current_user_agreement(session: AsyncSession) -> UserAgreementVersion | None:
    return await session.scalar(select(UserAgreementVersion).order_by(UserAgreementVersion.version.desc()).limit(1))


async def accept_user_agreement(session: AsyncSession, *, actor: Actor, version: int) -> User:
    user = actor.user
    if user is None:
        raise PermissionDenied("Only a user accepts the user agreement.")
    current = await current_user_agreement(session)
    if current is None or current.version != version:
        raise Conflict("That is not the current version of the user agreement.", code="stale_user_agreement")
    already = await session.scalar(select(UserAgreementAcceptance.id).where(
        UserAgreementAcceptance.user_id == user.id, UserAgreementAcceptance.version == version))
    if already is None:
        session.add(UserAgreementAcceptance(user_id=user.id, version=version, accepted_at=clock.now()))
    user.user_agreement_version = version
    await audit.record(session, actor=actor.label, action="user_agreement.accept", subject=f"user:{user.ident}",
                       after={"version": version})
    return user


def certification_questions() -> list[dict[str, Any]]:
    return json.loads((SEED_DATA / "certification.json").read_text(encoding="utf-8"))["questions"]


async def take_certification(session: AsyncSession, *, actor: Actor, answers: list[int]) -> Certification:
    user = actor.user
    if user is None:
        raise PermissionDenied("Only a user takes the certification test.")
    questions = certification_questions()
    if len(answers) != len(questions):
        raise ValidationFailed(f"Answer all {len(questions)} questions.", field="answers")
    since = clock.now() - timedelta(days=1)
    tries = await session.scalar(select(func.count(Certification.id)).where(
        Certification.user_id == user.id, Certification.attempted_at > since))
    if (tries or 0) >= CERTIFICATION_ATTEMPTS_PER_DAY:
        raise TooManyRequests("At most 3 attempts per day. Try again tomorrow.", code="too_many_attempts")
    correct = sum(1 for q, a in zip(questions, answers, strict=True) if hmac.compare_digest(str(q["answer"]), str(a)))
    passed = correct == len(questions)
    attempt = Certification(user_id=user.id, attempted_at=clock.now(), correct=correct, questions=len(questions),
                            passed=passed)
    session.add(attempt)
    if passed:
        user.certified_at = clock.now()
        user.certification_expires_at = _one_year_after(user.certified_at)
    await audit.record(session, actor=actor.label, action="certification.attempt", subject=f"user:{user.ident}",
                       after={"correct": correct, "passed": passed})
    return attempt


def _one_year_after(moment):  # type: ignore[no-untyped-def]
    try:
        return moment.replace(year=moment.year + CERTIFICATION_YEARS)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year + CERTIFICATION_YEARS, day=28)
