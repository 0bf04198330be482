"""Deny by default: every route needs a signed-in user unless its handler says
``opt={"public": True}``; a service client (a JWT from the client-credentials endpoint) only
reaches handlers that say ``opt={"service_clients": True}``. The guard resolves the session once and puts the
:class:`~boa.kernel.actor.Actor` on the connection; handlers ask for it as ``actor``."""

from __future__ import annotations

import secrets
from collections.abc import MutableMapping
from typing import Any, cast

from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler
from sqlalchemy.ext.asyncio import AsyncSession

from boa.kernel import audit, clock
from boa.kernel.access import Decision
from boa.kernel.actor import Actor
from boa.kernel.audit_actions import AuditAction
from boa.kernel.db import keep_on_error
from boa.kernel.errors import NotAuthenticated, OnboardingRequired, PermissionDenied
from boa.web.transactions import release_after_guard
from tokens.service_clients import client_from_jwt
from tokens.sessions import resolve_session

COOKIE = "boa_session"
CSRF_COOKIE = "boa_csrf"
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
API_PREFIX = "/v1/"
CSRF_REFUSED_API = "A request signed in with the session cookie sends the session's CSRF token in the X-CSRF-Token header."
# A handler with this opt reads a cookie session's CSRF token from its own streamed body (a page's
# file upload: parsing the whole form here would spool every file before the limits are checked).
# When a check is due, the guard leaves the expected token in ``connection.state.csrf_in_stream``;
# the handler must compare it before it acts on anything in the body.
CSRF_IN_STREAM = "csrf_in_stream"
# A handler with this opt answers a signed-in person whose onboarding is not finished (self-service
# and the onboarding itself); every other route needs the research decision to allow.
ONBOARDING = "onboarding"
# A public page that also serves whoever is signed in (the register catalogue): a valid session
# makes the page the person's (their menu and language); none, or one no longer valid, leaves
# the reader anonymous instead of refusing them.
SESSION_OPTIONAL = "session_optional"


def bearer(connection: ASGIConnection) -> tuple[str | None, bool]:
    # The raw ASGI headers (names are lower-case): building Litestar's Headers costs more.
    header = next((v for k, v in connection.scope["headers"] if k == b"authorization"), b"").decode("latin-1")
    if header[:7].lower() == "bearer ":
        return header[7:].strip(), False
    cookie = connection.cookies.get(COOKIE)
    return (cookie, True) if cookie else (None, False)


async def authenticate(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    handler = connection.route_handler
    path = connection.scope["path"]
    if handler.opt.get("public") or path == "/schema" or path.startswith("/schema/"):
        connection.state.actor = Actor()
        if handler.opt.get(SESSION_OPTIONAL):
            await _optional_session(connection)
        return
    token, from_cookie = bearer(connection)
    if not token:
        raise NotAuthenticated("Log in first.")
    if token.count(".") == 2:
        client_id, scopes = await client_from_jwt(lambda: request_session(connection), token,
                                                  connection.app.state.access_cache,
                                                  cast(MutableMapping[str, Any], connection.scope))
        # A service client reaches only the routes made for other systems (the access decision).
        if not handler.opt.get("service_clients"):
            raise PermissionDenied("Service clients may only ask for access decisions.", code="client_not_allowed")
        connection.state.actor = Actor(client=client_id, scopes=scopes)
        await release_after_guard(connection.scope)
        return
    resolved = await resolve_session(request_session(connection), token)
    row, user = resolved.row, resolved.user
    connection.state.actor = Actor(user=user, verified_at=clock.aware(row.verified_at or row.created_at))
    connection.state.session_row = row
    if not resolved.research.allowed and not handler.opt.get(ONBOARDING):
        await refuse_unfinished_onboarding(request_session(connection), user.ident, resolved.research)
    await release_after_guard(connection.scope)  # before any body is read (a form's CSRF token below)
    if from_cookie and connection.scope.get("method") not in SAFE_METHODS:
        sent = connection.headers.get(CSRF_HEADER)
        if not sent and handler.opt.get(CSRF_IN_STREAM):
            # A streamed upload: the handler checks the form's token against this before it acts.
            connection.state.csrf_in_stream = row.csrf_token
        elif not sent and not connection.scope["path"].startswith(API_PREFIX):
            # A page's form carries its token as a field (the form is capped at BOA_MAX_BODY_BYTES);
            # the API takes it from the header only, so no upload is parsed here.
            sent = await form_csrf_token(connection)
        if not handler.opt.get(CSRF_IN_STREAM) or sent:
            if not sent or not secrets.compare_digest(sent.encode(), row.csrf_token.encode()):
                raise PermissionDenied(CSRF_REFUSED_API if connection.scope["path"].startswith(API_PREFIX)
                                       else "The form has expired. Reload the page and try again.", code="csrf_failed")


async def _optional_session(connection: ASGIConnection) -> None:
    """The signed-in person on a public page they only read (GET, a person's session, never a
    service client's JWT); an expired, revoked or refused session reads it anonymously."""
    token, _ = bearer(connection)
    if not token or token.count(".") == 2 or connection.scope.get("method") not in SAFE_METHODS:
        return
    try:
        resolved = await resolve_session(request_session(connection), token)
    except (NotAuthenticated, PermissionDenied):
        return
    connection.state.actor = Actor(user=resolved.user,
                                   verified_at=clock.aware(resolved.row.verified_at or resolved.row.created_at))
    connection.state.session_row = resolved.row


async def refuse_unfinished_onboarding(session: AsyncSession, ident: str, research: Decision) -> None:
    """Deny by default: until the onboarding is done, only the routes marked ``ONBOARDING`` (the
    person's own profile, second factor, user agreement and certification, logout) answer; every
    other answers 403 with what is missing (audited as a refused research access)."""
    await audit.record(session, actor=f"user:{ident}", action=AuditAction.ACCESS_DENIED_LOGIN,
                       subject=f"user:{ident}", reasons=[r.as_dict() for r in research.reasons])
    keep_on_error(session)
    raise OnboardingRequired("Finish the onboarding first: " + " ".join(r.message for r in research.reasons),
                             [r.as_dict() for r in research.reasons])


def request_session(connection: ASGIConnection) -> AsyncSession:
    """The request's database session (the one handlers get as ``db_session``; committed when the
    answer is sent), made when first asked for."""
    return connection.app.state.boa_alchemy.provide_session(connection.app.state, connection.scope)


async def form_csrf_token(connection: ASGIConnection) -> str | None:
    """The ``csrf_token`` field of a form post (the admin pages' forms carry it); the parsed form
    is cached on the connection, so the handler reads it again for free."""
    content_type = connection.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type not in FORM_TYPES or not hasattr(connection, "form"):
        return None
    value = (await connection.form()).get(CSRF_FIELD)
    return value if isinstance(value, str) else None


def require_staff(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    actor: Actor = connection.state.actor
    if not actor.is_staff:
        raise PermissionDenied("Only Research Services may do this.")


async def provide_actor(request: ASGIConnection) -> Actor:
    return request.state.actor
