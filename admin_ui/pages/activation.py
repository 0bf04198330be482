"""The activation page a new (or reset) user reaches from the mail (SPEC 2; API.md "Onboarding"):
choose the PIN (the rules shown), then enrol the second factor — an authenticator app (a QR code
drawn on the server, and the key as text) or SMS (a code sent to the number and typed back). The
activation code proves the person; the short-lived enrolment ticket it gives (an HttpOnly cookie)
carries that proof to the second step. Also the page a new e-mail address's link opens."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from sqlalchemy.ext.asyncio import AsyncSession

from admin_ui.cookies import cookie, expired
from admin_ui.errors import error_text
from admin_ui.forms import public_form
from admin_ui.qr import qr_svg, secret_of
from admin_ui.templating import render
from admin_ui.viewer import viewer_of
from boa.kernel.errors import BoaError
from boa.people import email_changes
from tokens import activation
from tokens.pin import MAX_LENGTH, MIN_LENGTH

ENROL_COOKIE = "boa_enrol"
TICKET_SECONDS = int(activation.ENROLMENT_TICKET_VALID.total_seconds())


class ActivationPages(Controller):
    path = "/"
    opt = {"public": True}  # the activation code, then the ticket, is the credential

    @get("/activate")
    async def start(self, request: Request, ident: str = "", code: str = "") -> Response:
        return render(request, "activate.html", step="pin", ident=ident.strip().upper()[:4], code=code.strip()[:40],
                      pin_min=MIN_LENGTH, pin_max=MAX_LENGTH)

    @post("/activate")
    async def set_pin(self, request: Request, db_session: AsyncSession) -> Response:
        form = await public_form(request)
        ident, code, lang = form.text("ident").upper(), form.text("code"), viewer_of(request).lang
        again: dict[str, Any] = {"ident": ident, "code": code, "pin_min": MIN_LENGTH, "pin_max": MAX_LENGTH}
        if form.text("pin") != form.text("pin_again"):
            return render(request, "activate.html", status=422, step="pin", pin_error="mismatch", **again)
        try:
            done = await activation.activate(db_session, ident, code, form.text("pin"))
        except BoaError as exc:
            if exc.code == "invalid_activation":
                return render(request, "activate.html", status=exc.status, step="expired", **again)
            return render(request, "activate.html", status=exc.status, step="pin", error=error_text(exc, lang),
                          **again)
        if done.ticket is None:  # a PIN reset: the second factor is already there
            return render(request, "activate.html", step="done", ident=done.user.ident)
        return render(request, "activate.html", step="factor", ident=done.user.ident,
                      qr=qr_svg(done.provisioning_uri or ""), secret=secret_of(done.provisioning_uri or ""),
                      cookies=[cookie(ENROL_COOKIE, done.ticket, max_age=TICKET_SECONDS)])

    @get("/activate/second-factor")
    async def factor(self, request: Request, db_session: AsyncSession) -> Response:
        """Back to the choice (say, after a mistyped number): the app waiting to be set up again."""
        ticket = request.cookies.get(ENROL_COOKIE, "")
        try:
            _, uri = await activation.enrolled_app(db_session, ticket=ticket)
        except BoaError:
            return render(request, "activate.html", status=400, step="expired")
        return render(request, "activate.html", step="factor", qr=qr_svg(uri), secret=secret_of(uri))

    @post("/activate/app")
    async def app(self, request: Request, db_session: AsyncSession) -> Response:
        form = await public_form(request)
        return await self._confirm(request, db_session, form.text("code"), app=True)

    @post("/activate/sms")
    async def sms(self, request: Request, db_session: AsyncSession) -> Response:
        form, lang = await public_form(request), viewer_of(request).lang
        ticket = request.cookies.get(ENROL_COOKIE, "")
        try:
            token, _ = await activation.enrol_with_ticket(db_session, ticket=ticket, kind="sms",
                                                          mobile=form.text("mobile"))
        except BoaError as exc:
            if exc.code == "invalid_enrolment":
                return render(request, "activate.html", status=exc.status, step="expired")
            _, uri = await activation.enrolled_app(db_session, ticket=ticket)
            return render(request, "activate.html", status=exc.status, step="factor", sms_error=error_text(exc, lang),
                          mobile=form.text("mobile"), qr=qr_svg(uri), secret=secret_of(uri))
        return render(request, "activate.html", step="sms_code", token_id=token.id, mobile=token.mobile)

    @post("/activate/confirm")
    async def confirm(self, request: Request, db_session: AsyncSession) -> Response:
        form = await public_form(request)
        return await self._confirm(request, db_session, form.text("code"), token_id=form.text("token_id"))

    async def _confirm(self, request: Request, db_session: AsyncSession, code: str, *, app: bool = False,
                       token_id: str = "") -> Response:
        ticket, lang = request.cookies.get(ENROL_COOKIE, ""), viewer_of(request).lang
        try:
            if app:
                token, _ = await activation.enrolled_app(db_session, ticket=ticket)
                token_id = str(token.id)
            token = await activation.confirm_with_ticket(db_session, ticket=ticket, token_id=token_id, code=code)
        except BoaError as exc:
            if exc.code == "invalid_enrolment":
                return render(request, "activate.html", status=exc.status, step="expired")
            if app:
                _, uri = await activation.enrolled_app(db_session, ticket=ticket)
                return render(request, "activate.html", status=exc.status, step="factor", app_error=error_text(exc, lang),
                              qr=qr_svg(uri), secret=secret_of(uri))
            return render(request, "activate.html", status=exc.status, step="sms_code", token_id=token_id,
                          code_error=error_text(exc, lang))
        return render(request, "activate.html", step="done", kind=token.kind, cookies=[expired(ENROL_COOKIE)])

    @get("/confirm-email")
    async def confirm_email_page(self, request: Request, token: str = "") -> Response:
        return render(request, "confirm_email.html", token=token[:100], confirmed=None)

    @post("/confirm-email")
    async def confirm_email(self, request: Request, db_session: AsyncSession) -> Response:
        form, lang = await public_form(request), viewer_of(request).lang
        try:
            user = await email_changes.confirm(db_session, token=form.text("token"))
        except BoaError as exc:
            return render(request, "confirm_email.html", status=exc.status, token="", confirmed=None,
                          error=error_text(exc, lang))
        return render(request, "confirm_email.html", token="", confirmed=user.email)
