"""One transaction per request, committed *before* the answer is made.

The SQLAlchemy plugin's own ``autocommit`` handler commits while the response's first message
is being sent, and when that commit fails it only logs at debug level and sends the success
anyway: a client would be told "created" for a change that was never saved (a breach case, a
lock, a session). Here the commit is the last step of making the answer (Litestar's
``after_request`` hook), so a failed commit becomes a 503 ``not_saved`` problem through the
usual exception handlers, and nothing was changed. An answer of 400 or above rolls back, as do
the answers the exception handlers make (their responses never reach ``after_request``); the
``before_send`` handler rolls back whatever is left open and closes the session. A refused
request keeps only what a service marked with :func:`boa.kernel.db.keep_on_error`."""

from __future__ import annotations

import logging
from contextvars import ContextVar
from typing import Any

from advanced_alchemy.extensions.litestar._utils import delete_aa_scope_state, get_aa_scope_state
from advanced_alchemy.extensions.litestar.plugins.init.config.common import SESSION_TERMINUS_ASGI_EVENTS
from litestar import Request, Response
from litestar.types import Message, Scope
from sqlalchemy.ext.asyncio import AsyncSession

from boa.kernel.db import kept_on_error
from boa.kernel.errors import ChangeNotSaved

log = logging.getLogger("boa.transactions")

# The request being answered (set before its handler runs, in the same task as after_request).
_SCOPE: ContextVar[Scope | None] = ContextVar("boa_request_scope", default=None)


def _session_key(scope: Scope) -> str:
    # The plugin names the scope key per configuration (each app made in the tests has its own).
    return scope["litestar_app"].state.boa_alchemy.session_scope_key


async def remember_request(request: Request) -> None:
    """``before_request``: returns None, so the handler runs."""
    _SCOPE.set(request.scope)


async def commit_before_answer(response: Response[Any]) -> Response[Any]:
    """``after_request``: commits the request's session (if it has one) before the answer is made."""
    scope = _SCOPE.get()
    session = get_aa_scope_state(scope, _session_key(scope)) if scope is not None else None
    if session is None:
        return response
    if (response.status_code or 200) >= 400:  # None: the handler's default status, a success
        await end_refused(session)
        return response
    try:
        await session.commit()
    except Exception as exc:
        log.exception("the request's transaction could not be committed")
        # Keep what was loaded as it is (the error page still shows who is signed in): a
        # rollback would expire it, and reading it again would be I/O while the page renders.
        session.expunge_all()
        try:
            await session.rollback()
        except Exception:  # noqa: BLE001 - the connection may be gone; closing below returns it
            log.warning("rollback after a failed commit failed too")
        raise ChangeNotSaved("The change could not be saved, and nothing was changed. Try again.") from exc
    return response


async def end_refused(session: AsyncSession, *, keep_loaded: bool = False) -> None:
    """A refused request changes nothing, except what a service asked to keep
    (:func:`boa.kernel.db.keep_on_error`: a counted login failure, the audit row of a denial).

    ``keep_loaded``: what was loaded stays readable as it is (detached, not expired), for a page
    rendered after the refusal in the same request (the signed-in person, their roles)."""
    if not kept_on_error(session):
        if keep_loaded:
            session.expunge_all()
        await session.rollback()
        return
    try:
        await session.commit()
    except Exception:  # noqa: BLE001 - the refusal stands; the kept rows are lost, which is logged
        log.exception("what a refused request asked to keep could not be committed")
        await session.rollback()


def request_db_session(scope: Scope) -> AsyncSession | None:
    """The request's database session, if it has one yet."""
    session: AsyncSession | None = get_aa_scope_state(scope, _session_key(scope))
    return session


async def release_after_guard(scope: Scope) -> None:
    """The guard's reads and writes (the session's last use, the decision) are committed before the
    body is read: no transaction — on SQLite no write lock, on PostgreSQL no pooled connection —
    waits while a client sends its body slowly. The handler's work opens a new transaction, which
    :func:`commit_before_answer` commits."""
    session = get_aa_scope_state(scope, _session_key(scope))
    if session is None or not session.in_transaction():
        return
    try:
        await session.commit()
    except Exception as exc:
        log.exception("the guard's transaction could not be committed")
        await session.rollback()
        raise ChangeNotSaved("The change could not be saved, and nothing was changed. Try again.") from exc


async def close_session(message: Message, scope: Scope) -> None:
    """``before_send``: what was not committed above is rolled back; the session is closed."""
    key = _session_key(scope)
    session = get_aa_scope_state(scope, key)
    if session is None:
        return
    if message["type"] == "http.response.start" and session.in_transaction():
        await end_refused(session)
    if message["type"] in SESSION_TERMINUS_ASGI_EVENTS:
        await session.close()
        delete_aa_scope_state(scope, key)
