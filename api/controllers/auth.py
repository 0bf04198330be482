from __future__ import annotations

from litestar import Controller, Request, Response, post
from litestar.datastructures import Cookie
from sqlalchemy.ext.asyncio import AsyncSession

from api import presenters
from api.schemas.bodies import (
    ActivateBody,
    EnrolmentBody,
    EnrolmentConfirmBody,
    LoginBody,
    PinChangeBody,
    VerifyBody,
)
from api.schemas.people import Activated, ChallengeView, Enrolment, SessionView, SteppedUpView, TokenView
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
    async def verify(self, db_session: AsyncSession, data: VerifyBody) -> Response[SessionView | SteppedUpView]:
        """A login's code opens a session; a step-up's refreshes the session that asked for it."""
        new = await login_flow.verify(db_session, data.challenge_id, data.code)
        if isinstance(new, login_flow.SteppedUp):
            return Response(SteppedUpView(stepped_up=True, verified_at=presenters.ts(new.session.verified_at),
                                          user=presenters.user(new.user)))
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

    @post("/step-up", status_code=200)
    async def step_up(self, request: Request, db_session: AsyncSession, actor: Actor) -> ChallengeView:
        """A code from the active second factor, to change the PIN, a factor or the e-mail address."""
        challenge = await login_flow.start_step_up(db_session, actor=actor, session_row=request.state.session_row)
        return ChallengeView(challenge_id=challenge.challenge, method=challenge.method,
                             expires_at=presenters.ts(challenge.expires_at))

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
        return Activated(ident=result.user.ident, activated=True, enrolment=enrolment,
                         enrolment_ticket=result.ticket, ticket_expires_at=presenters.ts(result.ticket_expires_at))

    @post("/enrolment", opt={"public": True}, status_code=201)
    async def enrol(self, db_session: AsyncSession, data: EnrolmentBody) -> TokenView:
        """After activation: enrol SMS (a code is sent to the number) or the app, with the ticket."""
        token, uri = await activation.enrol_with_ticket(db_session, ticket=data.ticket, kind=data.kind,
                                                        mobile=data.mobile)
        shown = presenters.token(token)
        if uri:
            shown.provisioning_uri = uri
        return shown

    @post("/enrolment/confirm", opt={"public": True}, status_code=200)
    async def confirm_enrolment(self, db_session: AsyncSession, data: EnrolmentConfirmBody) -> TokenView:
        """The code typed back: the token becomes active and the ticket is spent."""
        token = await activation.confirm_with_ticket(db_session, ticket=data.ticket, token_id=data.token_id,
                                                     code=data.code)
        return presenters.token(token)

    @post("/pin", status_code=204)
    async def change_pin(self, request: Request, db_session: AsyncSession, actor: Actor, data: PinChangeBody) -> None:
        await activation.change_pin(db_session, actor, data.old_pin, data.new_pin,
                                    keep_session=request.state.session_row.id)
