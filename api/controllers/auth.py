from __future__ import annotations

from litestar import Controller, Request, Response, post
from litestar.datastructures import Cookie
from sqlalchemy.ext.asyncio import AsyncSession

from api import presenters
from api.schemas.bodies import ActivateBody, LoginBody, PinChangeBody, VerifyBody
from api.schemas.people import Activated, ChallengeView, Enrolment, SessionView
from boa.kernel.actor import Actor
from boa.kernel.settings import get_settings
from boa.web.auth import COOKIE, CSRF_COOKIE, ONBOARDING
from tokens import activation, sessions
from tokens import challenge as login_flow


class AuthController(Controller):
    opt = {ONBOARDING: True}  # self-service: answers while the onboarding is unfinished
    path = "/v1/auth"
    tags = ["Login"]

    @post("/login", opt={"public": True}, status_code=200)
    async def login(self, db_session: AsyncSession, data: LoginBody) -> ChallengeView:
        challenge = await login_flow.login(db_session, data.ident, data.pin)
        return ChallengeView(challenge_id=challenge.challenge, method=challenge.method,
                             expires_at=presenters.ts(challenge.expires_at))

    @post("/verify", opt={"public": True}, status_code=200)
    async def verify(self, db_session: AsyncSession, data: VerifyBody) -> Response[SessionView]:
        new = await login_flow.verify(db_session, data.challenge_id, data.code)
        settings = get_settings()
        # noqa S106: "Bearer" is the token type (RFC 6750), not a password.
        body = SessionView(access_token=new.token, token_type="Bearer",  # noqa: S106
                           expires_in=settings.session_absolute_hours * 3600, csrf_token=new.csrf_token,
                           user=presenters.user(new.user))
        cookies = [
            Cookie(key=COOKIE, value=new.token, httponly=True, secure=settings.cookie_secure, samesite="strict",
                   path="/", max_age=settings.session_absolute_hours * 3600),
            Cookie(key=CSRF_COOKIE, value=new.csrf_token, httponly=False, secure=settings.cookie_secure,
                   samesite="strict", path="/"),
        ]
        return Response(body, cookies=cookies)

    @post("/logout", status_code=204)
    async def logout(self, request: Request, db_session: AsyncSession, actor: Actor) -> Response[None]:
        if actor.user is not None:
            await sessions.logout(db_session, actor, request.state.session_row)
        return Response(None, status_code=204, cookies=[Cookie(key=COOKIE, value="", max_age=0, path="/")])

    @post("/activate", opt={"public": True}, status_code=200)
    async def activate(self, db_session: AsyncSession, data: ActivateBody) -> Activated:
        result = await activation.activate(db_session, data.ident, data.activation_code, data.pin)
        enrolment = Enrolment(kind="totp", provisioning_uri=result.provisioning_uri) if result.provisioning_uri \
            else None
        return Activated(ident=result.user.ident, activated=True, enrolment=enrolment)

    @post("/pin", status_code=204)
    async def change_pin(self, db_session: AsyncSession, actor: Actor, data: PinChangeBody) -> None:
        await activation.change_pin(db_session, actor, data.old_pin, data.new_pin)
