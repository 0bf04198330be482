from __future__ import annotations

from litestar import Controller, post
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api import presenters
from api.schemas.people import AssociationView
from boa.kernel.actor import Actor
from boa.people import associations
from boa.people.models import Association, User


async def _present(session: AsyncSession, association: Association) -> AssociationView:
    ident = await session.scalar(select(User.ident).where(User.id == association.user_id))
    return presenters.association(association, ident)


class AssociationController(Controller):
    path = "/v1/associations"
    tags = ["Institutions"]

    @post("/{association_id:str}/approve", status_code=200)
    async def approve(self, db_session: AsyncSession, actor: Actor, association_id: str) -> AssociationView:
        return await _present(db_session, await associations.decide_association(
            db_session, actor=actor, association_id=association_id, approve=True))

    @post("/{association_id:str}/refuse", status_code=200)
    async def refuse(self, db_session: AsyncSession, actor: Actor, association_id: str) -> AssociationView:
        return await _present(db_session, await associations.decide_association(
            db_session, actor=actor, association_id=association_id, approve=False))

    @post("/{association_id:str}/end", status_code=200)
    async def end(self, db_session: AsyncSession, actor: Actor, association_id: str) -> AssociationView:
        return await _present(db_session, await associations.end_association(
            db_session, actor=actor, association_id=association_id))
