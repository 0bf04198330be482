"""Loads the facts the access decision needs from the database, and audits denials.

Other areas extend the facts through :data:`LOADERS`: each loader may add locks or the
project fact (the schemes and sanctions areas register theirs on import)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from boa import audit, clock
from boa.access import Decision, Facts, decide
from boa.domain import normalise_ident
from boa.models import Association, InstitutionRole, Token, User

Loader = Callable[[AsyncSession, User, str, str | None, Facts], Awaitable[Facts]]
LOADERS: list[Loader] = []


async def load_facts(session: AsyncSession, ident: str, action: str, project: str | None = None) -> Facts:
    now = clock.now()
    norm = normalise_ident(ident) or ident
    user = await session.scalar(select(User).where(User.ident == norm))
    if user is None:
        return Facts(now=now, ident=norm)
    approved = await session.scalar(select(func.count(Association.id)).where(
        Association.user_id == user.id, Association.state == "approved"))
    approved += await session.scalar(select(func.count(InstitutionRole.id)).where(InstitutionRole.user_id == user.id))
    active_token = await session.scalar(select(Token.id).where(Token.user_id == user.id, Token.state == "active"))
    facts = Facts(
        now=now,
        ident=user.ident,
        exists=True,
        active=user.active,
        is_staff=user.is_staff,
        certification_expires_at=clock.aware(user.certification_expires_at),
        accepted_user_agreement=user.user_agreement_version is not None,
        approved_associations=approved or 0,
        has_active_token=active_token is not None,
    )
    for loader in LOADERS:
        facts = await loader(session, user, action, project, facts)
    return facts


async def decision_for(session: AsyncSession, ident: str, action: str, project: str | None = None, *,
                       actor: str = "system:boa", record_denial: bool = True) -> Decision:
    facts = await load_facts(session, ident, action, project)
    decision = decide(action, facts)
    if not decision.allowed and record_denial:
        await audit.record(session, actor=actor, action=f"access.denied.{action}", subject=f"user:{facts.ident}",
                           project=project, reasons=[r.as_dict() for r in decision.reasons])
    return decision
