"""The authority scheme (SPEC 3.3, seed 002): its agreement's state (draft → signed → active →
terminated; no fixed period), the purpose description and its versions, the changed needs the
authority tells the office, and the tailored deliveries. Research Services moves the agreement,
writes a new purpose version and records deliveries; the authority's administrator tells of
changed needs. Every change calls the verb the API calls."""

from __future__ import annotations

from litestar import Controller, Request, Response, get, post
from sqlalchemy.ext.asyncio import AsyncSession

from admin_ui import labels
from admin_ui.forms import done, read_form
from admin_ui.i18n import N_, gettext
from admin_ui.templating import render
from admin_ui.viewer import viewer_of
from schemes import views
from schemes.authority import service
from schemes.authority.states import AGREEMENT


class AuthoritySchemePages(Controller):
    path = "/authority-schemes/{scheme_id:str}"

    @get("/")
    async def show(self, request: Request, db_session: AsyncSession, scheme_id: str) -> Response:
        actor = viewer_of(request).actor
        scheme, roles = await service.visible(db_session, actor, scheme_id)
        view = await views.authority_scheme(db_session, scheme)
        return render(request, "authority_scheme.html", scheme=view, is_staff=actor.is_staff,
                      may_tell="administrator" in roles or actor.is_staff,
                      next_states=AGREEMENT.targets(scheme.agreement) if actor.is_staff else ())

    @post("/agreement")
    async def agreement(self, request: Request, db_session: AsyncSession, scheme_id: str) -> Response:
        form = await read_form(request)
        scheme = await service.move_agreement(db_session, actor=viewer_of(request).actor, scheme_id=scheme_id,
                                              to=form.text("state"), reason=form.text("reason"))
        state = gettext(viewer_of(request).lang, labels.STATES[scheme.agreement])
        return done(request, f"/authority-schemes/{scheme_id}", N_("The agreement is now: %(state)s."), state=state)

    @post("/purposes")
    async def purpose(self, request: Request, db_session: AsyncSession, scheme_id: str) -> Response:
        form = await read_form(request)
        row = await service.add_purpose(
            db_session, actor=viewer_of(request).actor, scheme_id=scheme_id,
            topics=[t.strip() for t in form.text("topics").split(",") if t.strip()], registers=form.words("registers"),
            link_own_data=form.text("link_own_data") == "yes")
        return done(request, f"/authority-schemes/{scheme_id}", N_("Purpose description version %(version)s."),
                    version=row.version)

    @post("/needs")
    async def need(self, request: Request, db_session: AsyncSession, scheme_id: str) -> Response:
        form = await read_form(request)
        await service.tell_need(db_session, actor=viewer_of(request).actor, scheme_id=scheme_id,
                                description=form.text("description"))
        return done(request, f"/authority-schemes/{scheme_id}", N_("Research Services is told of the changed needs."))

    @post("/deliveries")
    async def delivery(self, request: Request, db_session: AsyncSession, scheme_id: str) -> Response:
        form = await read_form(request)
        await service.deliver(db_session, actor=viewer_of(request).actor, scheme_id=scheme_id,
                              description=form.text("description"), registers=form.words("registers"))
        return done(request, f"/authority-schemes/{scheme_id}", N_("The tailored delivery is recorded."))
