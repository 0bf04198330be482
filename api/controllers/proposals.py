"""HTTP: the proposal workflow under /v1/projects/{number}."""

from __future__ import annotations

from litestar import Controller, patch, post
from sqlalchemy.ext.asyncio import AsyncSession

from api.schemas.scheme_bodies import ProposalPatch, ReProposalBody, TransitionBody
from api.schemas.schemes import TransitionView
from boa.kernel.actor import Actor
from schemes import views
from schemes.presenters import ProposalView
from schemes.researcher import service


class ProposalController(Controller):
    path = "/v1/projects"
    tags = ["Schemes and projects"]

    @post("/{number:str}/transitions", status_code=200)
    async def transition(self, db_session: AsyncSession, actor: Actor, number: str,
                         data: TransitionBody) -> TransitionView:
        project, proposal = await service.transition(db_session, actor=actor, number=number, to=data.to,
                                                     comment=data.comment)
        owners = await views.idents(db_session, [project.owner_id])
        return TransitionView(number=str(project.number), state=proposal.state, version=proposal.version,
                              project_owner=owners.get(project.owner_id or 0),
                              approved=project.approved_at is not None)

    @patch("/{number:str}/proposal")
    async def edit(self, db_session: AsyncSession, actor: Actor, number: str, data: ProposalPatch) -> ProposalView:
        proposal = await service.edit_proposal(db_session, actor=actor, number=number, title=data.title,
                                               description=data.description, datasets=data.datasets)
        return await views.proposal(db_session, proposal)

    @post("/{number:str}/proposals", status_code=201)
    async def repropose(self, db_session: AsyncSession, actor: Actor, number: str,
                        data: ReProposalBody) -> ProposalView:
        proposal = await service.repropose(db_session, actor=actor, number=number, title=data.title,
                                           description=data.description, datasets=data.datasets, details=data.details)
        return await views.proposal(db_session, proposal)
