"""The landing page and the signed-in person's own pages: profile, token, projects."""

from __future__ import annotations

from litestar import Controller, Request, Response, get, post
from sqlalchemy.ext.asyncio import AsyncSession

from admin_ui import nav
from admin_ui.errors import reason_texts
from admin_ui.forms import done, read_form
from admin_ui.i18n import N_
from admin_ui.labels import JUSTIFICATIONS
from admin_ui.qr import qr_svg, secret_of
from admin_ui.templating import render
from admin_ui.viewer import Viewer, viewer_of
from boa.kernel.access import ONBOARDING_STEPS, missing_onboarding
from boa.kernel.decisions import decision_for
from boa.people import email_changes, users
from boa.web.auth import ONBOARDING
from schemes.projects.service import memberships_of
from tokens import service as tokens


def _user(request: Request):
    return viewer_of(request).actor.user


class HomePage(Controller):
    opt = {ONBOARDING: True}  # self-service: answers while the onboarding is unfinished
    path = "/"

    @get("/")
    async def home(self, request: Request, db_session: AsyncSession) -> Response:
        viewer: Viewer = viewer_of(request)
        decision = await decision_for(db_session, viewer.signed_in.ident, "login", record_denial=False)
        missing = missing_onboarding(decision)
        others = [r.as_dict() for r in decision.reasons if r.code not in ONBOARDING_STEPS]
        # A certification that has run out is told as such (with its day), not as one never passed.
        expired = next((r.until for r in decision.reasons if r.code == "certification_expired"), None)
        return render(request, "home.html", sections=nav.sections(viewer), onboarding=missing,
                      certification_expired=expired, reasons=reason_texts(others, viewer.lang))


class MyPages(Controller):
    opt = {ONBOARDING: True}  # self-service: answers while the onboarding is unfinished
    path = "/me"

    @get("/")
    async def profile(self, request: Request, db_session: AsyncSession) -> Response:
        viewer = viewer_of(request)
        change = await email_changes.pending(db_session, viewer.signed_in)
        return render(request, "me.html", user=_user(request), pending_email=change.new_email if change else None)

    @post("/")
    async def save_profile(self, request: Request, db_session: AsyncSession) -> Response:
        form = await read_form(request)
        address = {"street": form.text("street"), "postal_code": form.text("postal_code"), "city": form.text("city"),
                   "country": form.text("country") or "DK"}
        await users.update_contact(db_session, actor=viewer_of(request).actor, email=form.text("email"),
                                   mobile=form.text("mobile"),
                                   address=address if any((address["street"], address["city"])) else None)
        return done(request, "/me", N_("Your contact details are saved."))

    @get("/token")
    async def token(self, request: Request, db_session: AsyncSession) -> Response:
        viewer = viewer_of(request)
        rows = await tokens.tokens_of(db_session, actor=viewer.actor, ident=viewer.signed_in.ident)
        return render(request, "token.html", tokens=rows, activatable={t.id for t in rows if tokens.activatable(t)},
                      user=viewer.user, justifications=JUSTIFICATIONS)

    @post("/token/sms")
    async def request_sms(self, request: Request, db_session: AsyncSession) -> Response:
        form, viewer = await read_form(request), viewer_of(request)
        token, _ = await tokens.enrol(db_session, actor=viewer.actor, ident=viewer.signed_in.ident, kind="sms",
                                      mobile=form.text("mobile"))
        return done(request, "/me/token", N_("We have sent a code to %(mobile)s. Type it at the new SMS token to "
                                             "switch; until then your current token stays."), mobile=token.mobile)

    @post("/token/app")
    async def request_app(self, request: Request, db_session: AsyncSession) -> Response:
        viewer = viewer_of(request)
        token, uri = await tokens.enrol(db_session, actor=viewer.actor, ident=viewer.signed_in.ident, kind="totp")
        return render(request, "token_app.html", token=token, qr=qr_svg(uri or ""), secret=secret_of(uri or ""))

    @post("/token/physical")
    async def request_physical(self, request: Request, db_session: AsyncSession) -> Response:
        form, viewer = await read_form(request), viewer_of(request)
        address = {"street": form.text("street"), "postal_code": form.text("postal_code"), "city": form.text("city"),
                   "country": form.text("country") or "DK"}
        await tokens.enrol(db_session, actor=viewer.actor, ident=viewer.signed_in.ident, kind="physical",
                           address=address, attention=form.text("attention"),
                           justification={"reason": form.text("reason"), "text": form.text("justification")})
        return done(request, "/me/token", N_("Your physical token is requested. Research Services sends it by post."))

    @post("/token/{token_id:str}/activate")
    async def activate(self, request: Request, db_session: AsyncSession, token_id: str) -> Response:
        form = await read_form(request)
        await tokens.activate(db_session, actor=viewer_of(request).actor, token_id=token_id, code=form.text("code"))
        return done(request, "/me/token", N_("The token is active. We have sent you a mail about the change."))

    @get("/projects")
    async def projects(self, request: Request, db_session: AsyncSession) -> Response:
        viewer = viewer_of(request)
        rows = []
        for member, project in await memberships_of(db_session, viewer.signed_in.id):
            decision = await decision_for(db_session, viewer.signed_in.ident, "project_access", str(project.number),
                                          record_denial=False)
            rows.append({"member": member, "project": project, "allowed": decision.allowed,
                         "reasons": reason_texts([r.as_dict() for r in decision.reasons], viewer.lang)})
        return render(request, "my_projects.html", rows=rows)
