"""Objects → JSON. Ids are strings; times ISO 8601 UTC; no secret ever leaves."""

from __future__ import annotations

from typing import Any

from boa.kernel.clock import iso as ts
from boa.people.models import Association, AuthorisationAgreement, Institution, User, UserRequest
from tokens.models import Token


def institution(i: Institution) -> dict[str, Any]:
    return {"id": str(i.id), "name": i.name, "authorisation_number": i.authorisation_number, "kind": i.kind,
            "mail_domains": i.mail_domains or [], "address": i.address,
            "data_processor_agreement_at": ts(i.data_processor_agreement_at)}


def agreement(a: AuthorisationAgreement, responsible_ident: str | None = None) -> dict[str, Any]:
    return {"id": str(a.id), "institution_id": str(a.institution_id), "schemes": a.schemes, "state": a.state,
            "responsible_ident": responsible_ident, "terminated_at": ts(a.terminated_at),
            "termination_reason": a.termination_reason}


def user(u: User, *, full: bool = True) -> dict[str, Any]:
    out: dict[str, Any] = {"id": str(u.id), "ident": u.ident, "name": u.name}
    if full:
        out.update({"email": u.email, "mobile": u.mobile, "address": u.address, "active": u.active,
                    "staff_roles": u.staff_roles or [], "language": u.language,
                    "user_agreement_version": u.user_agreement_version,
                    "certified_at": ts(u.certified_at), "certification_expires_at": ts(u.certification_expires_at),
                    "activated": u.pin_hash is not None})
    return out


def token(t: Token) -> dict[str, Any]:
    return {"id": str(t.id), "kind": t.kind, "state": t.state, "serial": t.serial, "mobile": t.mobile,
            "activated_at": ts(t.activated_at), "created_at": ts(t.created_at)}


def association(a: Association, ident: str | None = None) -> dict[str, Any]:
    return {"id": str(a.id), "user_id": str(a.user_id), "ident": ident, "institution_id": str(a.institution_id),
            "state": a.state, "created_at": ts(a.created_at), "decided_at": ts(a.decided_at),
            "ended_at": ts(a.ended_at)}


def user_request(r: UserRequest) -> dict[str, Any]:
    return {"id": str(r.id), "institution_id": str(r.institution_id), "name": r.name, "email": r.email,
            "mobile": r.mobile, "state": r.state, "user_id": str(r.user_id) if r.user_id else None,
            "comment": r.comment, "created_at": ts(r.created_at)}
