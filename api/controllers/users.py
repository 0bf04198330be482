from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, get, post
from litestar.params import Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from api import presenters
from api.schemas import DecisionBody, UserBody
from boa.kernel.actor import Actor
from boa.people import user_requests, users
from boa.web.auth import require_staff
from tokens import activation


class UserController(Controller):
    path = "/v1/users"
    tags = ["Users"]

    @post("/", guards=[require_staff])
    async def create(self, db_session: AsyncSession, actor: Actor, data: UserBody) -> dict[str, Any]:
        user = await users.create_user(db_session, actor=actor, name=data.name, email=data.email,
                                       mobile=data.mobile, staff_roles=data.staff_roles)
        return presenters.user(user)

    @get("/", guards=[require_staff])
    async def search(self, db_session: AsyncSession, actor: Actor, q: str | None = None, limit: int | None = None,
                     cursor: str | None = None) -> dict[str, Any]:
        rows, nxt = await users.search_users(db_session, actor=actor, q=q, limit=limit, cursor=cursor)
        return {"items": [presenters.user(u) for u in rows], "next_cursor": nxt}

    @get("/{ident:str}")
    async def show(self, db_session: AsyncSession, actor: Actor, ident: str) -> dict[str, Any]:
        user = await users.get_user(db_session, actor=actor, ident=ident)
        return presenters.user(user, full=actor.is_staff or actor.user_id == user.id) | {
            "email": user.email}

    @post("/{ident:str}/pin-reset", guards=[require_staff], status_code=200)
    async def reset_pin(self, db_session: AsyncSession, actor: Actor, ident: str) -> dict[str, Any]:
        user = await activation.reset_pin(db_session, actor=actor, ident=ident)
        return {"ident": user.ident, "activation_sent": True}


class UserRequestController(Controller):
    path = "/v1/user-requests"
    tags = ["Users"]

    @get("/", guards=[require_staff])
    async def index(self, db_session: AsyncSession, actor: Actor,
                    request_state: Annotated[str | None, Parameter(query="state")] = None,
                    limit: int | None = None, cursor: str | None = None) -> dict[str, Any]:
        rows, nxt = await user_requests.list_user_requests(db_session, actor=actor, state=request_state, limit=limit,
                                                   cursor=cursor)
        return {"items": [presenters.user_request(r) for r in rows], "next_cursor": nxt}

    @post("/{request_id:str}/approve", guards=[require_staff], status_code=200)
    async def approve(self, db_session: AsyncSession, actor: Actor, request_id: str,
                      data: DecisionBody | None = None) -> dict[str, Any]:
        req = await user_requests.decide_user_request(db_session, actor=actor, request_id=request_id, approve=True,
                                              comment=data.comment if data else None)
        out = presenters.user_request(req)
        if req.user_id:
            from boa.people.models import User

            user = await db_session.get(User, req.user_id)
            out["ident"] = user.ident if user else None
        return out

    @post("/{request_id:str}/refuse", guards=[require_staff], status_code=200)
    async def refuse(self, db_session: AsyncSession, actor: Actor, request_id: str,
                     data: DecisionBody | None = None) -> dict[str, Any]:
        req = await user_requests.decide_user_request(db_session, actor=actor, request_id=request_id, approve=False,
                                              comment=data.comment if data else None)
        return presenters.user_request(req)
