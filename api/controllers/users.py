from __future__ import annotations

from typing import Annotated

from litestar import Controller, get, post
from litestar.params import Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from api import presenters
from api.schemas.bodies import DecisionBody, UserBody
from api.schemas.common import Page
from api.schemas.people import PinReset, UserRequestView, UserView
from boa.kernel.actor import Actor
from boa.people import user_requests, users
from boa.people.models import User
from boa.web.auth import require_staff
from tokens import activation


class UserController(Controller):
    path = "/v1/users"
    tags = ["Users"]

    @post("/", guards=[require_staff])
    async def create(self, db_session: AsyncSession, actor: Actor, data: UserBody) -> UserView:
        user = await users.create_user(db_session, actor=actor, name=data.name, email=data.email,
                                       mobile=data.mobile, staff_roles=data.staff_roles)
        return presenters.user(user)

    @get("/", guards=[require_staff])
    async def search(self, db_session: AsyncSession, actor: Actor, q: str | None = None, limit: int | None = None,
                     cursor: str | None = None) -> Page[UserView]:
        rows, nxt = await users.search_users(db_session, actor=actor, q=q, limit=limit, cursor=cursor)
        return Page(items=[presenters.user(u) for u in rows], next_cursor=nxt)

    @get("/{ident:str}")
    async def show(self, db_session: AsyncSession, actor: Actor, ident: str) -> UserView:
        user = await users.get_user(db_session, actor=actor, ident=ident)
        out = presenters.user(user, full=actor.is_staff or actor.user_id == user.id)
        out.email = user.email
        return out

    @post("/{ident:str}/pin-reset", guards=[require_staff], status_code=200)
    async def reset_pin(self, db_session: AsyncSession, actor: Actor, ident: str) -> PinReset:
        user = await activation.reset_pin(db_session, actor=actor, ident=ident)
        return PinReset(ident=user.ident, activation_sent=True)


class UserRequestController(Controller):
    path = "/v1/user-requests"
    tags = ["Users"]

    @get("/", guards=[require_staff])
    async def index(self, db_session: AsyncSession, actor: Actor,
                    request_state: Annotated[str | None, Parameter(query="state")] = None,
                    limit: int | None = None, cursor: str | None = None) -> Page[UserRequestView]:
        rows, nxt = await user_requests.list_user_requests(db_session, actor=actor, state=request_state, limit=limit,
                                                   cursor=cursor)
        return Page(items=[presenters.user_request(r) for r in rows], next_cursor=nxt)

    @post("/{request_id:str}/approve", guards=[require_staff], status_code=200)
    async def approve(self, db_session: AsyncSession, actor: Actor, request_id: str,
                      data: DecisionBody | None = None) -> UserRequestView:
        req = await user_requests.decide_user_request(db_session, actor=actor, request_id=request_id, approve=True,
                                              comment=data.comment if data else None)
        out = presenters.user_request(req)
        if req.user_id:
            user = await db_session.get(User, req.user_id)
            out.ident = user.ident if user else None
        return out

    @post("/{request_id:str}/refuse", guards=[require_staff], status_code=200)
    async def refuse(self, db_session: AsyncSession, actor: Actor, request_id: str,
                     data: DecisionBody | None = None) -> UserRequestView:
        req = await user_requests.decide_user_request(db_session, actor=actor, request_id=request_id, approve=False,
                                              comment=data.comment if data else None)
        return presenters.user_request(req)
