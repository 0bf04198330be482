from __future__ import annotations

from litestar import Controller, delete, get, post
from sqlalchemy.ext.asyncio import AsyncSession

from api import presenters
from api.schemas.bodies import CodeBody, ShipBody, TokenBody
from api.schemas.common import Page
from api.schemas.people import LockoutView, RevokedSessions, TokenView
from boa.kernel.actor import Actor
from boa.people.users import get_user
from boa.web.auth import ONBOARDING, require_staff
from tokens import lockout, service, sessions


class UserTokenController(Controller):
    opt = {ONBOARDING: True}  # self-service: answers while the onboarding is unfinished
    path = "/v1/users/{ident:str}"
    tags = ["Tokens"]

    @post("/tokens")
    async def enrol(self, db_session: AsyncSession, actor: Actor, ident: str, data: TokenBody) -> TokenView:
        token, uri = await service.enrol(db_session, actor=actor, ident=ident, kind=data.kind, mobile=data.mobile,
                                         address=data.address.as_dict() if data.address else None, attention=data.attention,
                                         justification=data.justification)
        out = presenters.token(token)
        if uri:
            out.provisioning_uri = uri
        return out

    @get("/tokens")
    async def list_tokens(self, db_session: AsyncSession, actor: Actor, ident: str) -> Page[TokenView]:
        await get_user(db_session, actor=actor, ident=ident)
        rows = await service.tokens_of(db_session, actor=actor, ident=ident)
        return Page(items=[presenters.token(t) for t in rows], next_cursor=None)

    @get("/lockout", guards=[require_staff])
    async def lockout(self, db_session: AsyncSession, actor: Actor, ident: str) -> LockoutView:
        state = await lockout.lockout_of(db_session, actor=actor, ident=ident)
        return LockoutView(ident=state.ident, failures=state.failures, locked=state.locked,
                           locked_until=presenters.ts(state.locked_until))

    @delete("/lockout", guards=[require_staff], status_code=204)
    async def clear_lockout(self, db_session: AsyncSession, actor: Actor, ident: str) -> None:
        await lockout.clear_lockout(db_session, actor=actor, ident=ident)

    @post("/sessions/revoke", guards=[require_staff], status_code=200)
    async def force_logout(self, db_session: AsyncSession, actor: Actor, ident: str) -> RevokedSessions:
        user, count = await sessions.force_logout(db_session, actor=actor, ident=ident)
        return RevokedSessions(ident=user.ident, revoked_sessions=count)


class TokenController(Controller):
    opt = {ONBOARDING: True}  # self-service: answers while the onboarding is unfinished
    path = "/v1/tokens/{token_id:str}"
    tags = ["Tokens"]

    @post("/approve", guards=[require_staff], status_code=200)
    async def approve(self, db_session: AsyncSession, actor: Actor, token_id: str) -> TokenView:
        return presenters.token(await service.approve(db_session, actor=actor, token_id=token_id))

    @post("/ship", guards=[require_staff], status_code=200)
    async def ship(self, db_session: AsyncSession, actor: Actor, token_id: str,
                   data: ShipBody | None = None) -> TokenView:
        return presenters.token(await service.ship(db_session, actor=actor, token_id=token_id,
                                                   serial=data.serial if data else None))

    @post("/activate", status_code=200)
    async def activate(self, db_session: AsyncSession, actor: Actor, token_id: str, data: CodeBody) -> TokenView:
        return presenters.token(await service.activate(db_session, actor=actor, token_id=token_id, code=data.code))

    @post("/revoke", status_code=200)
    async def revoke(self, db_session: AsyncSession, actor: Actor, token_id: str) -> TokenView:
        return presenters.token(await service.end(db_session, actor=actor, token_id=token_id, how="revoke"))

    @post("/lost", status_code=200)
    async def lost(self, db_session: AsyncSession, actor: Actor, token_id: str) -> TokenView:
        return presenters.token(await service.end(db_session, actor=actor, token_id=token_id, how="lost"))

    @post("/disable", guards=[require_staff], status_code=200)
    async def disable(self, db_session: AsyncSession, actor: Actor, token_id: str) -> TokenView:
        return presenters.token(await service.end(db_session, actor=actor, token_id=token_id, how="disable"))

    @post("/rebind", guards=[require_staff], status_code=200)
    async def rebind(self, db_session: AsyncSession, actor: Actor, token_id: str) -> TokenView:
        return presenters.token(await service.rebind(db_session, actor=actor, token_id=token_id))
