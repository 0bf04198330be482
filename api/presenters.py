"""Rows → the API's own answers (:mod:`api.schemas`). Ids are strings; times ISO 8601 UTC; no
secret ever leaves. Pure functions of rows already loaded: none queries."""

from __future__ import annotations

from msgspec import UNSET

from api.schemas.people import (
    AgreementView,
    AssociationView,
    InstitutionView,
    TokenView,
    UserRequestView,
    UserView,
)
from api.schemas.system import AccessIntervalView, AuditEntryView, DecisionView, ReasonView
from boa.history.timeline import Interval
from boa.kernel.access import Decision, Reason
from boa.kernel.clock import iso as ts
from boa.kernel.models import AuditEntry
from boa.people.models import Association, AuthorisationAgreement, Institution, User, UserRequest
from tokens.models import Token


def institution(i: Institution) -> InstitutionView:
    return InstitutionView(id=str(i.id), name=i.name, authorisation_number=i.authorisation_number, kind=i.kind,
                           mail_domains=i.mail_domains or [], address=i.address,
                           data_processor_agreement_at=ts(i.data_processor_agreement_at))


def agreement(a: AuthorisationAgreement, responsible_ident: str | None = None) -> AgreementView:
    return AgreementView(id=str(a.id), institution_id=str(a.institution_id), schemes=a.schemes, state=a.state,
                         responsible_ident=responsible_ident, terminated_at=ts(a.terminated_at),
                         termination_reason=a.termination_reason)


def user(u: User, *, full: bool = True) -> UserView:
    out = UserView(id=str(u.id), ident=u.ident, name=u.name)
    if full:
        out.email, out.mobile, out.address, out.active = u.email, u.mobile, u.address, u.active
        out.staff_roles, out.language = u.staff_roles or [], u.language
        out.user_agreement_version = u.user_agreement_version
        out.certified_at, out.certification_expires_at = ts(u.certified_at), ts(u.certification_expires_at)
        out.activated = u.pin_hash is not None
    return out


def token(t: Token) -> TokenView:
    return TokenView(id=str(t.id), kind=t.kind, state=t.state, serial=t.serial, mobile=t.mobile,
                     activated_at=ts(t.activated_at), created_at=ts(t.created_at))


def association(a: Association, ident: str | None = None) -> AssociationView:
    return AssociationView(id=str(a.id), user_id=str(a.user_id), ident=ident, institution_id=str(a.institution_id),
                           state=a.state, created_at=ts(a.created_at), decided_at=ts(a.decided_at),
                           ended_at=ts(a.ended_at))


def user_request(r: UserRequest) -> UserRequestView:
    return UserRequestView(id=str(r.id), institution_id=str(r.institution_id), name=r.name, email=r.email,
                           mobile=r.mobile, state=r.state, user_id=str(r.user_id) if r.user_id else None,
                           comment=r.comment, created_at=ts(r.created_at))


def reason(r: Reason) -> ReasonView:
    return ReasonView(code=r.code, scope=r.scope, message=r.message,
                      lock_id=UNSET if r.lock_id is None else r.lock_id,
                      case_id=UNSET if r.case_id is None else r.case_id,
                      until=UNSET if r.until is None else r.until)


def decision(d: Decision) -> DecisionView:
    return DecisionView(allowed=d.allowed, reasons=[reason(r) for r in d.reasons])


def access_interval(i: Interval) -> AccessIntervalView:
    return AccessIntervalView(ident=i.ident, project=i.project, action=i.action, start=i.start.isoformat(),
                              end=i.end.isoformat() if i.end else UNSET,
                              began_because=[reason(r) for r in i.began_because],
                              ended_because=[reason(r) for r in i.ended_because] if i.end else UNSET)


def audit_entry(r: AuditEntry) -> AuditEntryView:
    return AuditEntryView(seq=r.seq, at=r.at.isoformat(), actor=r.actor, action=r.action, subject=r.subject,
                          summary=r.summary, hash=r.hash)
