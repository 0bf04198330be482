"""Identity's part of the access decision: the person's facts (SPEC 2, 4).

The first loader the composition root installs: whether the IDENT is a user, active, staff;
the certification's expiry; the accepted user agreement; approved associations and institution
roles; whether an active token exists; whether a PIN was ever set (activated). Later loaders (project, locks) read ``facts.user_id``."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from boa.kernel import clock
from boa.kernel.access import FactRequest, Facts
from boa.people.models import Association, InstitutionRole, User, UserAgreementVersion
from tokens.models import Token


def _counts(user_id: Any) -> tuple[Any, Any, Any, Any]:
    """Approved associations + institution roles, whether an active token exists, and the current
    user-agreement version: one round trip."""
    associations = select(func.count(Association.id)).where(
        Association.user_id == user_id, Association.state == "approved").scalar_subquery()
    roles = select(func.count(InstitutionRole.id)).where(InstitutionRole.user_id == user_id).scalar_subquery()
    token = select(Token.id).where(Token.user_id == user_id, Token.state == "active").limit(1).scalar_subquery()
    agreement = select(func.max(UserAgreementVersion.version)).scalar_subquery()
    return associations, roles, token, agreement


async def load_person_facts(session: AsyncSession, facts: Facts, request: FactRequest) -> Facts:
    user = request.known_user
    if isinstance(user, User) and user.ident == facts.ident:
        n_associations, n_roles, active_token, current = (await session.execute(select(*_counts(user.id)))).one()
    else:
        row = (await session.execute(select(User, *_counts(User.id)).where(User.ident == facts.ident))).first()
        if row is None:
            return facts
        user, n_associations, n_roles, active_token, current = row
    return replace(
        facts,
        exists=True,
        user_id=user.id,
        active=user.active,
        activated=user.pin_hash is not None,
        is_staff=user.is_staff,
        certification_expires_at=clock.aware(user.certification_expires_at),
        accepted_user_agreement=current is None or user.user_agreement_version == current,
        approved_associations=(n_associations or 0) + (n_roles or 0),
        has_active_token=active_token is not None,
    )
