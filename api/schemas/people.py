"""Answers about people, institutions, tokens and the login (API only). Ids are strings, times
ISO 8601 UTC strings; a key an answer carries only sometimes is ``UNSET`` when absent."""

from __future__ import annotations

from typing import Any

import msgspec
from msgspec import UNSET, UnsetType

from api.schemas.system import DecisionView


class InstitutionView(msgspec.Struct, kw_only=True):
    id: str
    name: str
    authorisation_number: int
    kind: str
    mail_domains: list[str]
    address: dict[str, Any] | None
    data_processor_agreement_at: str | None


class AgreementView(msgspec.Struct, kw_only=True):
    """An authorisation agreement; ``substitute_idents`` only in the answer that creates it."""

    id: str
    institution_id: str
    schemes: list[str]
    state: str
    responsible_ident: str | None
    terminated_at: str | None
    termination_reason: str | None
    substitute_idents: list[str] | UnsetType = UNSET


class RoleHolder(msgspec.Struct):
    ident: str
    role: str


class InstitutionDetail(InstitutionView, kw_only=True):
    agreements: list[AgreementView]
    roles: list[RoleHolder]
    my_roles: list[str]


class RoleAssigned(msgspec.Struct):
    institution_id: str
    ident: str
    role: str


class UserView(msgspec.Struct, kw_only=True):
    """A user; everything after ``name`` only for Research Services and the user themself, except
    ``email``, which GET /v1/users/{ident} always shows."""

    id: str
    ident: str
    name: str
    email: str | None | UnsetType = UNSET
    mobile: str | None | UnsetType = UNSET
    address: dict[str, Any] | None | UnsetType = UNSET
    active: bool | UnsetType = UNSET
    staff_roles: list[str] | UnsetType = UNSET
    language: str | UnsetType = UNSET
    user_agreement_version: int | None | UnsetType = UNSET
    certified_at: str | None | UnsetType = UNSET
    certification_expires_at: str | None | UnsetType = UNSET
    activated: bool | UnsetType = UNSET


class TokenView(msgspec.Struct, kw_only=True):
    """A login token; ``provisioning_uri`` (an authenticator app's) only in the answer that enrols it."""

    id: str
    kind: str
    state: str
    serial: str | None
    mobile: str | None
    activated_at: str | None
    created_at: str | None
    provisioning_uri: str | UnsetType = UNSET


class AssociationView(msgspec.Struct, kw_only=True):
    """A user's association with an institution; ``authorisation_number`` only in /v1/me."""

    id: str
    user_id: str
    ident: str | None
    institution_id: str
    state: str
    created_at: str | None
    decided_at: str | None
    ended_at: str | None
    authorisation_number: int | UnsetType = UNSET


class UserRequestView(msgspec.Struct, kw_only=True):
    """An institution's request for a new user; ``ident``, the new user's, only in the approval."""

    id: str
    institution_id: str
    name: str
    email: str
    mobile: str | None
    state: str
    user_id: str | None
    comment: str | None
    created_at: str | None
    ident: str | None | UnsetType = UNSET


class PinReset(msgspec.Struct):
    ident: str
    activation_sent: bool


class LockoutView(msgspec.Struct):
    ident: str
    failures: int
    locked: bool
    locked_until: str | None


class RevokedSessions(msgspec.Struct):
    ident: str
    revoked_sessions: int


# ---- the login ------------------------------------------------------------------------------------


class ChallengeView(msgspec.Struct):
    challenge_id: str
    method: str
    expires_at: str | None


class SessionView(msgspec.Struct):
    access_token: str
    token_type: str
    expires_in: int
    csrf_token: str
    user: UserView


class Enrolment(msgspec.Struct):
    kind: str
    provisioning_uri: str


class Activated(msgspec.Struct):
    """``enrolment``: the authenticator app enrolled for a user without a second factor (else
    ``None``); ``enrolment_ticket`` lets the activation page choose SMS instead and type the first
    code back (``POST /v1/auth/enrolment``, ``/v1/auth/enrolment/confirm``; 30 minutes, once)."""

    ident: str
    activated: bool
    enrolment: Enrolment | None
    enrolment_ticket: str | None = None
    ticket_expires_at: str | None = None


class SteppedUpView(msgspec.Struct):
    """``POST /v1/auth/verify`` with a step-up's challenge: the session may change factors for 10 minutes."""

    stepped_up: bool
    verified_at: str | None
    user: UserView


class OAuthToken(msgspec.Struct):
    access_token: str
    token_type: str
    expires_in: int
    scope: str


class Jwk(msgspec.Struct):
    kty: str
    crv: str
    x: str
    y: str
    kid: str
    use: str
    alg: str


class Jwks(msgspec.Struct):
    keys: list[Jwk]


# ---- /v1/me -----------------------------------------------------------------------------------


class MyRole(msgspec.Struct, kw_only=True):
    """A role at an institution, or a staff role (``institution`` is then ``"office"``, without id
    or number)."""

    institution_id: str | UnsetType = UNSET
    authorisation_number: int | UnsetType = UNSET
    institution: str
    role: str


class Membership(msgspec.Struct):
    project: str
    title: str
    scheme: str
    kind: str | None
    institution_id: str
    state: str
    project_state: str
    approved: bool
    deleted: bool


class Onboarding(msgspec.Struct):
    """What the research servers still wait for, in the order a person does it."""

    missing: list[str]


class MeView(UserView, kw_only=True):
    roles: list[MyRole]
    associations: list[AssociationView]
    tokens: list[TokenView]
    memberships: list[Membership]
    access: DecisionView  # the research servers' (login) decision
    onboarding: Onboarding
    pending_email: str | None = None  # a new address waiting for its confirmation link to be opened


class EmailConfirmed(msgspec.Struct):
    ident: str
    email: str | None
