"""HTTP: /v1/breaches (breach cases) and /v1/locks (SPEC 5)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, get, post
from litestar.params import Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from api.schemas import AssessmentBody, BreachBody, CommentBody, ReportBody, SanctionDecisionBody
from boa.kernel.actor import Actor
from boa.sanctions import cases, locks, presenters


class BreachController(Controller):
    path = "/v1/breaches"
    tags = ["Sanctions"]

    @post("/", status_code=201)
    async def register(self, db_session: AsyncSession, actor: Actor, data: BreachBody) -> dict[str, Any]:
        case, _ = await cases.register(
            db_session, actor=actor, ident=data.ident, kind=data.kind, description=data.description,
            occurred_at=data.occurred_at, self_reported=data.self_reported, project=data.project,
            institution_id=data.institution_id, scheme=data.scheme, transfer_tool_used=data.transfer_tool_used,
            warning_ignored=data.warning_ignored, data_volume=data.data_volume)
        return await cases.view(db_session, case)

    @get("/")
    async def index(self, db_session: AsyncSession, actor: Actor,
                    case_state: Annotated[str | None, Parameter(query="state")] = None,
                    limit: int | None = None, cursor: str | None = None) -> dict[str, Any]:
        rows, nxt = await cases.list_cases(db_session, actor=actor, state=case_state, limit=limit, cursor=cursor)
        return {"items": await cases.views(db_session, rows), "next_cursor": nxt}

    @get("/{case_id:str}")
    async def show(self, db_session: AsyncSession, actor: Actor, case_id: str) -> dict[str, Any]:
        return await cases.view(db_session, await cases.visible_case(db_session, actor, case_id))

    @post("/{case_id:str}/report", status_code=200)
    async def report(self, db_session: AsyncSession, actor: Actor, case_id: str, data: ReportBody) -> dict[str, Any]:
        case = await cases.submit_report(db_session, actor=actor, case_id=case_id, report=data.report, plan=data.plan)
        return await cases.view(db_session, case)

    @post("/{case_id:str}/report-assessment", status_code=200)
    async def assess(self, db_session: AsyncSession, actor: Actor, case_id: str,
                     data: AssessmentBody) -> dict[str, Any]:
        case = await cases.assess_report(db_session, actor=actor, case_id=case_id, adequate=data.adequate,
                                         comment=data.comment)
        return await cases.view(db_session, case)

    @get("/{case_id:str}/sanction-preview")
    async def preview(self, db_session: AsyncSession, actor: Actor, case_id: str,
                      severity: str) -> dict[str, Any]:
        found = await cases.preview(db_session, actor=actor, case_id=case_id, severity=severity)
        return {"case_id": case_id, **presenters.plan(found["plan"], found["counts"], found["locks"],
                                                      found["report_ready"])}

    @post("/{case_id:str}/decision", status_code=200)
    async def decide(self, db_session: AsyncSession, actor: Actor, case_id: str, data: SanctionDecisionBody) -> dict[str, Any]:
        case, created, plan = await cases.decide(db_session, actor=actor, case_id=case_id, severity=data.severity,
                                                 comment=data.comment)
        return {"case": await cases.view(db_session, case), "locks": [presenters.lock(x) for x in created],
                "termination_possible": plan.termination_possible,
                "termination_of": sorted(str(a) for a in plan.termination_of), "columns": list(plan.columns)}

    @post("/{case_id:str}/dismiss", status_code=200)
    async def dismiss(self, db_session: AsyncSession, actor: Actor, case_id: str, data: CommentBody) -> dict[str, Any]:
        case = await cases.dismiss(db_session, actor=actor, case_id=case_id, comment=data.comment)
        return await cases.view(db_session, case)


class LockController(Controller):
    path = "/v1/locks"
    tags = ["Sanctions"]

    @get("/")
    async def index(self, db_session: AsyncSession, actor: Actor, active: bool | None = None,
                    ident: str | None = None, case: str | None = None,
                    lock_scope: Annotated[str | None, Parameter(query="scope")] = None,
                    limit: int | None = None, cursor: str | None = None) -> dict[str, Any]:
        rows, nxt = await locks.list_locks(db_session, actor=actor, active=active, ident=ident, case_id=case,
                                           scope=lock_scope, limit=limit, cursor=cursor)
        return {"items": [presenters.lock(x) for x in rows], "next_cursor": nxt}

    @post("/{lock_id:str}/lift", status_code=200)
    async def lift(self, db_session: AsyncSession, actor: Actor, lock_id: str, data: CommentBody) -> dict[str, Any]:
        return presenters.lock(await locks.lift(db_session, actor=actor, lock_id=lock_id, comment=data.comment))
