"""Login (IDENT + PIN, then the code), logout and the language switch."""

from __future__ import annotations

from urllib.parse import quote

from litestar import Controller, Request, Response, get, post
from litestar.response import Redirect
from sqlalchemy.ext.asyncio import AsyncSession

from admin_ui.cookies import (
    CHALLENGE_COOKIE,
    LANGUAGE_COOKIE,
    SESSION_COOKIE,
    YEAR,
    cookie,
    expired,
    flash_cookie,
)
from admin_ui.errors import error_text, reason_texts
from admin_ui.forms import done, public_form, safe_path
from admin_ui.i18n import LANGUAGES, N_, gettext
from admin_ui.templating import render
from admin_ui.viewer import viewer_of
from boa.kernel.actor import Actor
from boa.kernel.errors import AccessDenied, BoaError, LockedOut
from boa.kernel.settings import get_settings
from boa.people import users
from boa.web.auth import ONBOARDING
from tokens import challenge as login_flow
from tokens import sessions

METHODS = ("sms", "totp", "physical")


class LoginPages(Controller):
    path = "/"
    opt = {"public": True}

    @get("/login")
    async def login_form(self, request: Request, next_page: str | None = None) -> Response:
        return render(request, "login.html", next_page=safe_path(next_page), ident="")

    @post("/login")
    async def login(self, request: Request, db_session: AsyncSession) -> Response:
        form = await public_form(request)
        ident, next_page = form.text("ident"), safe_path(form.text("next_page"))
        lang = viewer_of(request).lang
        try:
            challenge = await login_flow.login(db_session, ident, form.text("pin"))
        except AccessDenied as exc:
            return render(request, "denied.html", status=exc.status, reasons=reason_texts(exc.reasons, lang))
        except BoaError as exc:
            return render(request, "login.html", status=exc.status, error=error_text(exc, lang), ident=ident,
                          next_page=next_page, locked=isinstance(exc, LockedOut))
        target = f"/login/code?method={challenge.method}&next_page={quote(next_page, safe='')}"
        max_age = get_settings().challenge_minutes * 60
        return Redirect(target, status_code=303, cookies=[cookie(CHALLENGE_COOKIE, challenge.challenge, max_age=max_age)])

    @get("/login/code")
    async def code_form(self, request: Request, method: str = "totp", next_page: str | None = None) -> Response:
        if not request.cookies.get(CHALLENGE_COOKIE):
            return Redirect("/login", status_code=303)
        return render(request, "code.html", method=method if method in METHODS else "totp",
                      next_page=safe_path(next_page))

    @post("/login/code")
    async def verify(self, request: Request, db_session: AsyncSession) -> Response:
        form = await public_form(request)
        method = form.text("method") if form.text("method") in METHODS else "totp"
        next_page, lang = safe_path(form.text("next_page")), viewer_of(request).lang
        challenge = request.cookies.get(CHALLENGE_COOKIE)
        if not challenge:
            return Redirect("/login", status_code=303, cookies=[flash_cookie(
                "error", gettext(lang, N_("The login has expired or was used. Log in again.")))])
        try:
            new = await login_flow.verify(db_session, challenge, form.text("code"))
        except AccessDenied as exc:
            return render(request, "denied.html", status=exc.status, reasons=reason_texts(exc.reasons, lang),
                          cookies=[expired(CHALLENGE_COOKIE)])
        except LockedOut as exc:
            return render(request, "login.html", status=exc.status, error=error_text(exc, lang), ident="",
                          next_page=next_page, locked=True, cookies=[expired(CHALLENGE_COOKIE)])
        except BoaError as exc:
            return render(request, "code.html", status=exc.status, error=error_text(exc, lang), method=method,
                          next_page=next_page)
        if isinstance(new, login_flow.SteppedUp):  # a step-up: the session stays, now freshly verified
            return Redirect(next_page, status_code=303, cookies=[expired(CHALLENGE_COOKIE)])
        hours = get_settings().session_absolute_hours
        return Redirect(next_page, status_code=303, cookies=[
            cookie(SESSION_COOKIE, new.token, max_age=hours * 3600), expired(CHALLENGE_COOKIE)])

    @post("/language")
    async def language(self, request: Request, db_session: AsyncSession) -> Response:
        """Remembers the choice in a cookie and, when signed in, in the user's profile."""
        row = user = None
        if token := request.cookies.get(SESSION_COOKIE):
            try:
                resolved = await sessions.resolve_session(db_session, token)
                row, user = resolved.row, resolved.user
            except BoaError:
                await db_session.rollback()
        form = await public_form(request, session_csrf=row.csrf_token if row else None)
        lang = form.text("lang")
        if lang not in LANGUAGES:
            lang = viewer_of(request).lang
        if user is not None and user.language != lang:
            await users.update_contact(db_session, actor=Actor(user=user), language=lang)
        return Redirect(safe_path(form.text("next_page")), status_code=303,
                        cookies=[cookie(LANGUAGE_COOKIE, lang, max_age=YEAR)])


class StepUpPage(Controller):
    """Before a change of the PIN, a second factor or the e-mail address: a code from the active
    second factor (the login's code page, then back to where the person was)."""

    opt = {ONBOARDING: True}  # self-service: answers while the onboarding is unfinished

    @get("/me/verify")
    async def step_up(self, request: Request, db_session: AsyncSession, next_page: str = "/me") -> Response:
        viewer = viewer_of(request)
        challenge = await login_flow.start_step_up(db_session, actor=viewer.actor,
                                                   session_row=request.state.session_row)
        return render(request, "code.html", method=challenge.method, next_page=safe_path(next_page), step_up=True,
                      cookies=[cookie(CHALLENGE_COOKIE, challenge.challenge, max_age=600)])


class LogoutPage(Controller):
    opt = {ONBOARDING: True}  # self-service: answers while the onboarding is unfinished
    path = "/"

    @post("/logout")
    async def logout(self, request: Request, db_session: AsyncSession) -> Response:
        actor: Actor = request.state.actor
        await sessions.logout(db_session, actor, request.state.session_row)
        response = done(request, "/login", N_("You are logged out."))
        response.set_cookie(expired(SESSION_COOKIE))
        return response
