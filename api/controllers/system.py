from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from litestar import Controller, Request, get
from litestar.params import Parameter
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from boa.kernel import audit
from boa.kernel.access import ACTIONS
from boa.kernel.actor import Actor
from boa.kernel.decisions import gateway_decision
from boa.kernel.domain import normalise_ident
from boa.kernel.errors import PermissionDenied, ValidationFailed
from boa.web.auth import request_session, require_staff


class AccessController(Controller):
    path = "/v1/access"
    tags = ["Decisions"]

    @get("/decision", opt={"service_clients": True})
    async def decision(self, request: Request, ident: str, action: str, project: str | None = None) -> dict[str, Any]:
        # The gateways' hot path: no injected session or actor (each costs a task on every
        # request); the session is made only when the cache cannot answer.
        actor: Actor = request.state.actor
        if not (actor.is_staff or "access:decide" in actor.scopes):
            raise PermissionDenied("Only Research Services or a service client with access:decide may ask.")
        if action not in ACTIONS:
            raise ValidationFailed(f"action must be one of {', '.join(ACTIONS)}.", field="action")
        if normalise_ident(ident) is None:
            raise ValidationFailed("An IDENT is 3 or 4 letters A-Z.", field="ident")
        if action != "login" and not project:
            raise ValidationFailed("project is required for this action.", field="project")
        decision = await gateway_decision(request.app.state.access_cache, lambda: request_session(request),
                                          ident, action, project, actor=actor.label, request=request.scope)
        return decision.as_dict()


class AuditController(Controller):
    path = "/v1/audit"
    tags = ["Audit"]
    guards = [require_staff]

    @get("/")
    async def index(
        self, db_session: AsyncSession, since: datetime | None = None,
        by: Annotated[str | None, Parameter(query="actor")] = None,
        subject: str | None = None, action: str | None = None, limit: int | None = None,
        cursor: str | None = None,
    ) -> dict[str, Any]:
        rows, nxt = await audit.entries(db_session, since=since, actor=by, subject=subject, action=action,
                                        limit=limit, cursor=cursor)
        items = [{"seq": r.seq, "at": r.at.isoformat(), "actor": r.actor, "action": r.action,
                  "subject": r.subject, "summary": r.summary, "hash": r.hash} for r in rows]
        return {"items": items, "next_cursor": nxt}

    @get("/verify")
    async def verify(self, db_session: AsyncSession) -> dict[str, Any]:
        return (await audit.verify(db_session)).as_dict()


class HealthController(Controller):
    path = "/health"
    tags = ["System"]

    @get("/", opt={"public": True})
    async def health(self, db_session: AsyncSession) -> dict[str, Any]:
        await db_session.scalar(select(1))
        return {"status": "ok"}

    @get("/ping", opt={"public": True})
    async def ping(self) -> dict[str, Any]:
        """Liveness without the database: the bare endpoint the benchmarks compare against."""
        return {"status": "ok"}
