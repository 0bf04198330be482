"""Editing a proposal's content (issue 16): the purpose and the population, the registers picked
from the catalogue (a server-side search, a plain GET form: it works without JavaScript; the
search box suggests codes as you type through a datalist), each register's variables (checkboxes,
filtered by a server-side search) and years, and the external data with its variable description
(an upload). Then the signatory's signature and the project owner's price quote.

Every form calls the same service verb as the API; a refusal shows the error page and changes
nothing."""

from __future__ import annotations

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from admin_ui.forms import Form, done, read_form
from admin_ui.i18n import N_
from admin_ui.templating import render
from admin_ui.viewer import viewer_of
from boa.kernel.errors import ValidationFailed
from boa.people.lookups import institutions_of
from boa.people.models import Institution
from boa.registers import views as catalogue
from boa.registers.presenters import RegisterSummary
from boa.registers.rules import fold, search_words
from schemes import views
from schemes.researcher import content as rules
from schemes.researcher import service
from schemes.researcher.content import RegisterOrder, Segment

SEARCH_SIZE = 10


def _edit_url(number: str, **query: str) -> str:
    extra = "&".join(f"{k}={v}" for k, v in query.items() if v)
    return f"/projects/{number}/proposal" + (f"?{extra}" if extra else "")


def _segments(form: Form) -> list[Segment]:
    names = form.values("segment_name")
    limits = form.values("segment_delimitation", limit=20_000)
    appendices = form.values("segment_appendices", limit=20_000)
    out = []
    for i, name in enumerate(names):
        delimitation = limits[i] if i < len(limits) else ""
        if not name.strip() and not delimitation.strip():
            continue
        extra = appendices[i] if i < len(appendices) else ""
        out.append(Segment(name=name, delimitation=delimitation,
                           appendices=[a.strip() for a in extra.replace("\r\n", "\n").split("\n\n") if a.strip()]))
    return out


def _pickers(orders: list[RegisterOrder], chosen: dict[str, RegisterSummary],
             words: list[str]) -> list[dict[str, object]]:
    """Each chosen register with its variables: ticked or not, shown or (filtered out by the
    variable search, but ticked) kept as a hidden field so that saving keeps it."""
    out: list[dict[str, object]] = []
    for order in orders:
        register = chosen.get(order.code)
        variables = []
        for v in register.variables if register else []:
            shown = all(w in fold(f"{v.name} {v.label}") for w in words)
            variables.append({"name": v.name, "label": v.label, "key": v.key, "ticked": v.name in order.variables,
                              "shown": shown})
        out.append({"order": order, "register": msgspec.to_builtins(register) if register else None,
                    "variables": variables,
                    "year_from": order.years[0] if order.years else "",
                    "year_to": order.years[-1] if order.years else ""})
    return out


class NewProjectPages(Controller):
    """A new researcher-scheme project with its first proposal, at one of the user's institutions;
    then the proposal is edited."""

    path = "/me/projects/new"

    @get("/")
    async def form(self, request: Request, db_session: AsyncSession) -> Response:
        actor = viewer_of(request).actor
        ids = await institutions_of(db_session, actor.user_id) if actor.user_id else set()
        rows = list(await db_session.scalars(select(Institution).where(Institution.id.in_(ids)).order_by(Institution.name)))
        return render(request, "project_new.html", institutions=rows)

    @post("/")
    async def create(self, request: Request, db_session: AsyncSession) -> Response:
        form = await read_form(request)
        project = await service.create_project(db_session, actor=viewer_of(request).actor,
                                               institution_id=form.text("institution_id"), title=form.text("title"),
                                               description=form.text("description", limit=20_000),
                                               given=service.ContentInput(purpose=form.text("purpose", limit=20_000)))
        return done(request, _edit_url(str(project.number)), N_("Project %(number)s is created: describe its data."),
                    number=project.number)


class ProposalPages(Controller):
    path = "/projects/{number:str}/proposal"

    @get("/")
    async def edit(self, request: Request, db_session: AsyncSession, number: str, q: str | None = None,
                   vq: str | None = None) -> Response:
        """The editing page; ``q`` searches the catalogue, ``vq`` the chosen registers' variables."""
        viewer = viewer_of(request)
        project, proposal = await service.editable_proposal(db_session, viewer.actor, number)
        shown = await views.proposal(db_session, proposal)
        chosen = await catalogue.by_codes(db_session, [r.code for r in shown.registers], viewer.lang)
        found = (await catalogue.catalogue(db_session, q=q, lang=viewer.lang, limit=SEARCH_SIZE))[0] if q else []
        return render(request, "proposal_edit.html", project=project, proposal=shown, found=msgspec.to_builtins(found),
                      pickers=_pickers(shown.registers, chosen, search_words(vq)), q=q or "", vq=vq or "",
                      suggestions=await catalogue.suggestions(db_session, viewer.lang),
                      unreleased_allowed=rules.may_order_unreleased(project.scheme, project.kind))

    @post("/")
    async def save(self, request: Request, db_session: AsyncSession, number: str) -> Response:
        form = await read_form(request)
        await service.edit_proposal(db_session, actor=viewer_of(request).actor, number=number,
                                    title=form.text("title"), description=form.text("description", limit=20_000),
                                    datasets=None, given=service.ContentInput(
                                        purpose=form.text("purpose", limit=20_000), population=_segments(form)))
        return done(request, _edit_url(number), N_("The proposal is saved."))

    @post("/registers")
    async def add_register(self, request: Request, db_session: AsyncSession, number: str) -> Response:
        form = await read_form(request)
        actor = viewer_of(request).actor
        _, proposal = await service.editable_proposal(db_session, actor, number)
        current = rules.decode(proposal.content).registers
        code = form.text("code").upper()
        await service.edit_proposal(db_session, actor=actor, number=number, title=None, description=None,
                                    datasets=None, given=service.ContentInput(
                                        registers=[*current, RegisterOrder(code=code)]))
        return done(request, _edit_url(number) + f"#register-{code}", N_("%(code)s is added: choose its variables "
                                                                       "and years."), code=code)

    @post("/registers/{code:str}")
    async def change_register(self, request: Request, db_session: AsyncSession, number: str, code: str) -> Response:
        form = await read_form(request)
        actor = viewer_of(request).actor
        _, proposal = await service.editable_proposal(db_session, actor, number)
        current = rules.decode(proposal.content).registers
        wanted = code.upper()
        if form.text("action") == "remove":
            changed = [r for r in current if r.code != wanted]
            message = N_("%(code)s is removed.")
        else:
            first, last = form.year("year_from", required=False), form.year("year_to", required=False)
            form.check()
            years = list(range(first, (last or first) + 1)) if first is not None else []
            if first is not None and last is not None and last < first:
                raise ValidationFailed("The last year is before the first.", field="year_to")
            if len(years) > rules.MAX_YEARS:
                raise ValidationFailed("Too many years.", field="year_to")
            changed = [RegisterOrder(code=r.code, variables=form.all("variable"), years=years) if r.code == wanted
                       else r for r in current]
            message = N_("%(code)s is saved.")
        await service.edit_proposal(db_session, actor=actor, number=number, title=None, description=None,
                                    datasets=None, given=service.ContentInput(registers=changed))
        return done(request, _edit_url(number) + f"#register-{wanted}", message, code=wanted)

    @post("/variable-description")
    async def variable_description(self, request: Request, db_session: AsyncSession, number: str) -> Response:
        actor = viewer_of(request).actor
        await service.editable_proposal(db_session, actor, number)
        form = await request.form()
        document = form.get("data")
        description = form.get("description")
        text = description if isinstance(description, str) else None
        if not isinstance(document, UploadFile) or not document.filename:
            await service.edit_proposal(db_session, actor=actor, number=number, title=None, description=None,
                                        datasets=None, given=service.ContentInput(external_description=text or ""))
            return done(request, _edit_url(number) + "#external-data", N_("The external data are saved."))
        await service.attach_variable_description(db_session, actor=actor, number=number, name=document.filename,
                                                  data=await document.read(), description=text)
        return done(request, _edit_url(number) + "#external-data", N_("The variable description is read."))

    @post("/external-data/remove")
    async def remove_external_data(self, request: Request, db_session: AsyncSession, number: str) -> Response:
        await service.edit_proposal(db_session, actor=viewer_of(request).actor, number=number, title=None,
                                    description=None, datasets=None,
                                    given=service.ContentInput(remove_external_data=True))
        return done(request, _edit_url(number), N_("The external data are removed."))

    @post("/signature")
    async def sign(self, request: Request, db_session: AsyncSession, number: str) -> Response:
        await service.sign(db_session, actor=viewer_of(request).actor, number=number)
        return done(request, f"/projects/{number}", N_("The proposal is signed for the institution."))

    @post("/quotes")
    async def quote(self, request: Request, db_session: AsyncSession, number: str) -> Response:
        form = await read_form(request)
        valid_until = form.checked(form.day("valid_until"))
        await service.send_quote(db_session, actor=viewer_of(request).actor, number=number,
                                 amount_ore=rules.amount_ore(form.text("amount")),
                                 valid_until=valid_until, note=form.text("note", limit=5000))
        return done(request, f"/projects/{number}", N_("The price quote is sent to the contact person."))
