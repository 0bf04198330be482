"""HTTP: the proposal workflow under /v1/projects/{number}, and the Head of Division's queue."""

from __future__ import annotations

from litestar import Controller, Request, get, patch, post
from litestar.datastructures import UploadFile
from sqlalchemy.ext.asyncio import AsyncSession

from api.openapi import VariableDescriptionUpload
from api.schemas.common import Page
from api.schemas.content import content_input
from api.schemas.scheme_bodies import ProposalPatch, QuoteBody, ReProposalBody, TransitionBody, ore
from api.schemas.schemes import TransitionView
from boa.kernel.actor import Actor
from boa.kernel.errors import NotFound, ValidationFailed
from boa.kernel.queries import parse_limit
from schemes import views
from schemes.presenters import ApprovalQueueItem, ProposalView, QuoteView
from schemes.projects.service import visible
from schemes.researcher import service, variable_description
from schemes.researcher.content import Changes
from schemes.researcher.models import Proposal


class ProposalController(Controller):
    path = "/v1/projects"
    tags = ["Schemes and projects"]

    @post("/{number:str}/transitions", status_code=200)
    async def transition(self, db_session: AsyncSession, actor: Actor, number: str,
                         data: TransitionBody) -> TransitionView:
        invoice = service.Invoice(number=data.invoice.number, amount_ore=ore(data.invoice.amount)) \
            if data.invoice is not None else None
        project, proposal = await service.transition(db_session, actor=actor, number=number, to=data.to,
                                                     comment=data.comment, invoice=invoice)
        owners = await views.idents(db_session, [project.owner_id])
        return TransitionView(number=str(project.number), state=proposal.state, version=proposal.version,
                              project_owner=owners.get(project.owner_id or 0),
                              approved=project.approved_at is not None)

    @patch("/{number:str}/proposal")
    async def edit(self, db_session: AsyncSession, actor: Actor, number: str, data: ProposalPatch) -> ProposalView:
        proposal = await service.edit_proposal(
            db_session, actor=actor, number=number, title=data.title, description=data.description,
            datasets=data.datasets,
            given=content_input(data, datasets=data.datasets, remove_external_data=data.remove_external_data))
        return await views.proposal(db_session, proposal)

    @post("/{number:str}/proposals", status_code=201)
    async def repropose(self, db_session: AsyncSession, actor: Actor, number: str,
                        data: ReProposalBody) -> ProposalView:
        proposal = await service.repropose(db_session, actor=actor, number=number, title=data.title,
                                           description=data.description, datasets=data.datasets, details=data.details,
                                           given=content_input(data, datasets=data.datasets))
        return await views.proposal(db_session, proposal)

    @get("/{number:str}/proposals/{version:int}/changes")
    async def changes(self, db_session: AsyncSession, actor: Actor, number: str, version: int) -> Changes:
        """What proposal ``version`` changes against the valid proposal (a re-proposal's diff)."""
        project, _ = await visible(db_session, actor, number)
        found = await views.proposal_changes(db_session, project, version)
        if found is None:
            raise NotFound(f"Project {project.number} has no proposal {version}.")
        return found

    @post("/{number:str}/proposal/variable-description", status_code=200, operation_class=VariableDescriptionUpload)
    async def variable_description(self, request: Request, db_session: AsyncSession, actor: Actor,
                                   number: str) -> ProposalView:
        """The external data's variable description: a CSV or XLSX file as the multipart field
        ``data`` (columns variable, label, pseudonymise) and the external data's ``description``."""
        await service.editable_proposal(db_session, actor, number)
        if request.content_type[0] != "multipart/form-data":
            raise ValidationFailed("Send the variable description as multipart/form-data.", code="multipart_required")
        form = await request.form()
        document = form.get("data")
        if not isinstance(document, UploadFile):
            raise ValidationFailed("Send the variable description as the multipart field data.",
                                   field=variable_description.FIELD, code="file_required")
        description = form.get("description")
        proposal = await service.attach_variable_description(
            db_session, actor=actor, number=number, name=document.filename, data=await document.read(),
            description=description if isinstance(description, str) else None)
        return await views.proposal(db_session, proposal)

    @post("/{number:str}/proposal/signature", status_code=200)
    async def sign(self, db_session: AsyncSession, actor: Actor, number: str) -> ProposalView:
        """The institution's signatory signs the proposal sent for signature."""
        _, proposal = await service.sign(db_session, actor=actor, number=number)
        return await views.proposal(db_session, proposal)

    @post("/{number:str}/proposal/quotes", status_code=201)
    async def quote(self, db_session: AsyncSession, actor: Actor, number: str, data: QuoteBody) -> QuoteView:
        """The project owner e-mails a price quote to the project's contact person."""
        _, row = await service.send_quote(db_session, actor=actor, number=number, amount_ore=ore(data.amount),
                                          valid_until=data.valid_until, note=data.note)
        proposal = await db_session.get_one(Proposal, row.proposal_id)
        return (await views.proposal(db_session, proposal)).quotes[-1]


class ApprovalQueueController(Controller):
    path = "/v1/proposals"
    tags = ["Schemes and projects"]

    @get("/approval-queue")
    async def queue(self, db_session: AsyncSession, actor: Actor,
                    limit: int | None = None) -> Page[ApprovalQueueItem]:
        """The Head of Division's queue: proposals sent for signature, the signed ones first (one
        page: the queue is short)."""
        rows = await service.approval_queue(db_session, actor=actor)
        return Page(items=await views.approval_queue(db_session, rows[:parse_limit(limit)]), next_cursor=None)
