from __future__ import annotations

from collections.abc import MutableMapping
from datetime import datetime
from typing import Annotated, Any, cast

import msgspec
from litestar import Controller, Request, get
from litestar.params import Parameter
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api import presenters
from api.schemas.common import Page, Status
from api.schemas.system import AccessIntervalView, AuditEntryView, AuditVerification, DecisionView
from boa.history import timeline
from boa.history.replay import decision_at, parse_moment
from boa.kernel import audit
from boa.kernel.access import ACTIONS
from boa.kernel.actor import Actor
from boa.kernel.decisions import gateway_decision
from boa.kernel.domain import normalise_ident
from boa.kernel.errors import PermissionDenied, ValidationFailed
from boa.kernel.queries import parse_cursor, parse_limit
from boa.web.auth import request_session, require_staff


class AccessController(Controller):
    path = "/v1/access"
    tags = ["Decisions"]

    @get("/decision", opt={"service_clients": True})
    async def decision(self, request: Request, ident: str, action: str, project: str | None = None,
                       at: str | None = None) -> DecisionView:
        """The decision now; with ``at`` (ISO 8601 with a time zone), as it was at that moment,
        replayed from the history of the facts (issue 21)."""
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
        if at is not None:
            moment = parse_moment(at, "at")
            return presenters.decision(await decision_at(request_session(request), ident, action, project, moment))
        decision = await gateway_decision(request.app.state.access_cache, lambda: request_session(request),
                                          ident, action, project, actor=actor.label,
                                          request=cast(MutableMapping[str, Any], request.scope))
        return presenters.decision(decision)


class AccessHistoryController(Controller):
    path = "/v1/access/history"
    tags = ["Decisions"]

    @get("/")
    async def history(
        self, db_session: AsyncSession, actor: Actor, project: str | None = None, ident: str | None = None,
        start: Annotated[str | None, Parameter(query="from")] = None,
        end: Annotated[str | None, Parameter(query="to")] = None,
        limit: int | None = None, cursor: str | None = None,
    ) -> Page[AccessIntervalView]:
        """Who could reach ``project``, or what ``ident`` could reach, from ``from`` to ``to``
        (ISO 8601 with a time zone; by default the last year): per person and project the
        intervals of research access and transfer rights, and why each began and ended."""
        size, offset = parse_limit(limit, 100), parse_cursor(cursor) or 0
        found = await timeline.asked(db_session, actor=actor, project=project, ident=ident, start=start, end=end)
        shown = found.intervals[offset:offset + size]
        more = str(offset + size) if offset + size < len(found.intervals) else None
        return Page(items=[presenters.access_interval(i) for i in shown], next_cursor=more)


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
    ) -> Page[AuditEntryView]:
        rows, nxt = await audit.entries(db_session, since=since, actor=by, subject=subject, action=action,
                                        limit=limit, cursor=cursor)
        return Page(items=[presenters.audit_entry(r) for r in rows], next_cursor=nxt)

    @get("/verify")
    async def verify(self, db_session: AsyncSession) -> AuditVerification:
        return msgspec.convert((await audit.verify(db_session)).as_dict(), AuditVerification)


class HealthController(Controller):
    path = "/health"
    tags = ["System"]

    @get("/", opt={"public": True})
    async def health(self, db_session: AsyncSession) -> Status:
        await db_session.scalar(select(1))
        return Status(status="ok")

    @get("/ping", opt={"public": True})
    async def ping(self) -> Status:
        """Liveness without the database: the bare endpoint the benchmarks compare against."""
        return Status(status="ok")
