"""HTTP: the proposal workflow under /v1/projects/{number}."""

from __future__ import annotations

from typing import Any

from litestar import Controller, patch, post
from sqlalchemy.ext.asyncio import AsyncSession

from api.scheme_schemas import ProposalPatch, ReProposalBody, TransitionBody
from boa.kernel.actor import Actor
from schemes import presenters
from schemes.researcher import service


class ProposalController(Controller):
    path = "/v1/projects"
    tags = ["Schemes and projects"]

    @post("/{number:str}/transitions", status_code=200)
    async def transition(self, db_session: AsyncSession, actor: Actor, number: str,
                         data: TransitionBody) -> dict[str, Any]:
        project, proposal = await service.transition(db_session, actor=actor, number=number, to=data.to,
                                                     comment=data.comment)
        return {"number": str(project.number), "state": proposal.state, "version": proposal.version,
                "project_owner": (await presenters.idents(db_session, [project.owner_id])).get(project.owner_id or 0),
                "approved": project.approved_at is not None}

    @patch("/{number:str}/proposal")
    async def edit(self, db_session: AsyncSession, actor: Actor, number: str, data: ProposalPatch) -> dict[str, Any]:
        proposal = await service.edit_proposal(db_session, actor=actor, number=number, title=data.title,
                                               description=data.description, datasets=data.datasets)
        return await presenters.proposal(db_session, proposal)

    @post("/{number:str}/proposals", status_code=201)
    async def repropose(self, db_session: AsyncSession, actor: Actor, number: str,
                        data: ReProposalBody) -> dict[str, Any]:
        proposal = await service.repropose(db_session, actor=actor, number=number, title=data.title,
                                           description=data.description, datasets=data.datasets, details=data.details)
        return await presenters.proposal(db_session, proposal)
