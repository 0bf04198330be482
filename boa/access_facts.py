"""Loads the facts the access decision needs from the database, and audits denials.

Other areas extend the facts through :data:`LOADERS`: each loader may add locks or the
project fact (the schemes and sanctions areas register theirs on import)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import replace
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from boa import audit, clock
from boa.access import Decision, Facts, decide
from boa.access_cache import AccessCache
from boa.domain import normalise_ident
from boa.models import Association, InstitutionRole, Token, User

Loader = Callable[[AsyncSession, User, str, str | None, Facts], Awaitable[Facts]]
LOADERS: list[Loader] = []


def _counts(user_id):  # type: ignore[no-untyped-def]
    """Approved associations + institution roles, and whether an active token exists: one round trip."""
    associations = select(func.count(Association.id)).where(
        Association.user_id == user_id, Association.state == "approved").scalar_subquery()
    roles = select(func.count(InstitutionRole.id)).where(InstitutionRole.user_id == user_id).scalar_subquery()
    token = select(Token.id).where(Token.user_id == user_id, Token.state == "active").limit(1).scalar_subquery()
    return associations, roles, token


async def load_facts(session: AsyncSession, ident: str, action: str, project: str | None = None, *,
                     user: User | None = None) -> Facts:
    """The facts for ``ident``; a caller that has just loaded the user passes it to save a query."""
    now = clock.now()
    norm = normalise_ident(ident) or ident
    if user is None or user.ident != norm:
        associations, roles, token = _counts(User.id)
        row = (await session.execute(select(User, associations, roles, token).where(User.ident == norm))).first()
        if row is None:
            return Facts(now=now, ident=norm)
        user, n_associations, n_roles, active_token = row
    else:
        n_associations, n_roles, active_token = (await session.execute(select(*_counts(user.id)))).one()
    facts = Facts(
        now=now,
        ident=user.ident,
        exists=True,
        active=user.active,
        is_staff=user.is_staff,
        certification_expires_at=clock.aware(user.certification_expires_at),
        accepted_user_agreement=user.user_agreement_version is not None,
        approved_associations=(n_associations or 0) + (n_roles or 0),
        has_active_token=active_token is not None,
    )
    for loader in LOADERS:
        facts = await loader(session, user, action, project, facts)
    return facts


async def decision_for(session: AsyncSession, ident: str, action: str, project: str | None = None, *,
                       actor: str = "system:boa", record_denial: bool = True, user: User | None = None) -> Decision:
    """The decision for ``ident`` from the database: what the gates that act on it (a login, a
    transfer's submission, the pages) use, in the transaction that acts."""
    facts = await load_facts(session, ident, action, project, user=user)
    decision = decide(action, facts)
    if not decision.allowed and record_denial:
        await _record_denial(session, actor, action, project, facts, decision)
    return decision


async def gateway_decision(cache: AccessCache, session: Callable[[], AsyncSession], ident: str, action: str,
                           project: str | None, *, actor: str, request: MutableMapping[str, Any] | None = None
                           ) -> Decision:
    """The decision the gateways ask for: from the facts in ``cache`` (with the time set to now)
    when it holds them, else loaded and kept. ``session`` is called only when the database must be
    read (a miss) or written (a denial is audited)."""
    key = ("facts", normalise_ident(ident) or ident, action, project or None)
    facts = await cache.fetch(key, lambda: load_facts(session(), ident, action, project), request)
    decision = decide(action, replace(facts, now=clock.now()))
    if not decision.allowed:
        await _record_denial(session(), actor, action, project, facts, decision)
    return decision


async def _record_denial(session: AsyncSession, actor: str, action: str, project: str | None, facts: Facts,
                         decision: Decision) -> None:
    await audit.record(session, actor=actor, action=f"access.denied.{action}", subject=f"user:{facts.ident}",
                       project=project, reasons=[r.as_dict() for r in decision.reasons])
