"""An institution's pages: agreements and roles, associated users, association requests, role
assignment, requests for new users, and its projects. Each offers only the actions the viewer's
roles there allow (the predicates in :mod:`boa.people.permissions` that the services enforce)."""

from __future__ import annotations

from litestar import Controller, Request, Response, get, post
from sqlalchemy.ext.asyncio import AsyncSession

from admin_ui import labels
from admin_ui.forms import done, read_form, safe_path
from admin_ui.i18n import N_, gettext
from admin_ui.pages.projects import project_actions
from admin_ui.templating import render
from admin_ui.viewer import viewer_of
from boa.kernel.domain import SCHEME_KINDS
from boa.kernel.queries import MAX_LIMIT
from boa.people import associations, institutions, user_requests
from boa.people.lookups import names_of, user_by_ident
from boa.people.permissions import (
    assignable_roles,
    may_decide_association,
    may_end_association,
    may_request_association,
    may_request_user,
)
from schemes.projects.members import open_projects_at
from schemes.projects.service import list_projects

PAGE_SIZE = 25


class InstitutionPages(Controller):
    path = "/institutions/{institution_id:str}"

    @get("/")
    async def overview(self, request: Request, db_session: AsyncSession, institution_id: str) -> Response:
        view = await institutions.overview(db_session, actor=viewer_of(request).actor, institution_id=institution_id)
        return render(request, "institution.html", view=view, schemes=SCHEME_KINDS)

    @get("/users")
    async def associated_users(self, request: Request, db_session: AsyncSession, institution_id: str,
                               q: str | None = None, cursor: str | None = None) -> Response:
        actor = viewer_of(request).actor
        view = await institutions.overview(db_session, actor=actor, institution_id=institution_id)
        rows, nxt = await associations.list_associations(db_session, actor=actor, institution_id=institution_id,
                                                         state="approved", q=q, limit=PAGE_SIZE, cursor=cursor)
        ends = {a.id for a, u in rows if may_end_association(view.my_roles, own=u.id == actor.user_id)}
        return render(request, "institution_users.html", view=view, rows=rows, next_cursor=nxt, q=q or "",
                      cursor=cursor, can_associate=may_request_association(view.my_roles), can_end=ends)

    @post("/associations")
    async def associate(self, request: Request, db_session: AsyncSession, institution_id: str) -> Response:
        form = await read_form(request)
        await associations.request_association(db_session, actor=viewer_of(request).actor,
                                               institution_id=institution_id, ident=form.text("ident"))
        return done(request, f"/institutions/{institution_id}/associations",
                    N_("%(ident)s is associated, pending approval by the person responsible for authorisation "
                       "or a substitute."), ident=form.text("ident").upper())

    @get("/associations")
    async def association_requests(self, request: Request, db_session: AsyncSession, institution_id: str,
                                   cursor: str | None = None) -> Response:
        actor = viewer_of(request).actor
        view = await institutions.overview(db_session, actor=actor, institution_id=institution_id)
        rows, nxt = await associations.list_associations(db_session, actor=actor, institution_id=institution_id,
                                                         state="pending", limit=PAGE_SIZE, cursor=cursor)
        ends = {a.id for a, u in rows if may_end_association(view.my_roles, own=u.id == actor.user_id)}
        return render(request, "institution_associations.html", view=view, rows=rows, next_cursor=nxt,
                      can_decide=may_decide_association(view.my_roles), can_end=ends)

    @get("/roles")
    async def roles(self, request: Request, db_session: AsyncSession, institution_id: str) -> Response:
        actor = viewer_of(request).actor
        view = await institutions.overview(db_session, actor=actor, institution_id=institution_id)
        return render(request, "institution_roles.html", view=view,
                      assignable=assignable_roles(view.my_roles, staff=actor.is_staff))

    @post("/roles")
    async def assign_role(self, request: Request, db_session: AsyncSession, institution_id: str) -> Response:
        form = await read_form(request)
        row = await institutions.assign_role(db_session, actor=viewer_of(request).actor,
                                             institution_id=institution_id, ident=form.text("ident"),
                                             role=form.text("role"))
        user, institution = await names_of(db_session, row.user_id, row.institution_id)
        return done(request, f"/institutions/{institution_id}/roles", N_("%(user)s is now %(role)s at %(institution)s."),
                    user=user, institution=institution, role=_role(request, row.role))

    @post("/roles/remove")
    async def remove_role(self, request: Request, db_session: AsyncSession, institution_id: str) -> Response:
        form = await read_form(request)
        actor = viewer_of(request).actor
        await institutions.remove_role(db_session, actor=actor, institution_id=institution_id,
                                       ident=form.text("ident"), role=form.text("role"))
        user = await user_by_ident(db_session, form.text("ident"))
        names = await names_of(db_session, user.id, int(institution_id))
        return done(request, f"/institutions/{institution_id}/roles",
                    N_("%(user)s is no longer %(role)s at %(institution)s."), user=names[0], institution=names[1],
                    role=_role(request, form.text("role")))

    @get("/user-requests")
    async def user_requests(self, request: Request, db_session: AsyncSession, institution_id: str) -> Response:
        actor = viewer_of(request).actor
        view = await institutions.overview(db_session, actor=actor, institution_id=institution_id)
        rows, _ = await user_requests.list_user_requests(db_session, actor=actor, institution_id=institution_id,
                                                 limit=MAX_LIMIT)
        return render(request, "institution_user_requests.html", view=view, rows=rows,
                      can_request=may_request_user(view.my_roles))

    @post("/user-requests")
    async def request_user(self, request: Request, db_session: AsyncSession, institution_id: str) -> Response:
        form = await read_form(request)
        await user_requests.request_user(db_session, actor=viewer_of(request).actor, institution_id=institution_id,
                                 name=form.text("name"), email=form.text("email"), mobile=form.optional("mobile"))
        return done(request, f"/institutions/{institution_id}/user-requests",
                    N_("The request is sent to Research Services."))

    @get("/projects")
    async def projects(self, request: Request, db_session: AsyncSession, institution_id: str,
                       cursor: str | None = None) -> Response:
        actor = viewer_of(request).actor
        view = await institutions.overview(db_session, actor=actor, institution_id=institution_id)
        rows, nxt = await list_projects(db_session, actor=actor, limit=PAGE_SIZE, cursor=cursor,
                                        institution_id=str(view.institution.id))
        items = [{"project": p, "can": await project_actions(db_session, actor, p)} for p in rows]
        return render(request, "institution_projects.html", view=view, items=items, next_cursor=nxt)


class AssociationActions(Controller):
    path = "/associations/{association_id:str}"

    async def _decide(self, request: Request, db: AsyncSession, association_id: str, approve: bool) -> Response:
        form = await read_form(request)
        row = await associations.decide_association(db, actor=viewer_of(request).actor,
                                                    association_id=association_id, approve=approve)
        user, institution = await names_of(db, row.user_id, row.institution_id)
        message = N_("%(user)s is now associated with %(institution)s.") if approve \
            else N_("%(user)s's association with %(institution)s is refused.")
        return done(request, safe_path(form.text("back"), f"/institutions/{row.institution_id}/associations"), message,
                    user=user, institution=institution)

    @post("/approve")
    async def approve(self, request: Request, db_session: AsyncSession, association_id: str) -> Response:
        return await self._decide(request, db_session, association_id, True)

    @post("/refuse")
    async def refuse(self, request: Request, db_session: AsyncSession, association_id: str) -> Response:
        return await self._decide(request, db_session, association_id, False)

    @get("/end")
    async def confirm_end(self, request: Request, db_session: AsyncSession, association_id: str,
                          back: str | None = None) -> Response:
        """Before an association ends: whose, where, and the project memberships that end with it."""
        row = await associations.association_to_end(db_session, actor=viewer_of(request).actor,
                                                    association_id=association_id)
        user, institution = await names_of(db_session, row.user_id, row.institution_id)
        ending = await open_projects_at(db_session, user_id=row.user_id, institution_id=row.institution_id)
        return render(request, "association_end.html", association=row, user=user, institution=institution,
                      ending=ending, back=safe_path(back or "", f"/institutions/{row.institution_id}/users"))

    @post("/end")
    async def end(self, request: Request, db_session: AsyncSession, association_id: str) -> Response:
        form = await read_form(request)
        row = await associations.end_association(db_session, actor=viewer_of(request).actor,
                                                 association_id=association_id)
        user, institution = await names_of(db_session, row.user_id, row.institution_id)
        return done(request, safe_path(form.text("back"), f"/institutions/{row.institution_id}/users"),
                    N_("%(user)s is no longer associated with %(institution)s."), user=user, institution=institution)


def _role(request: Request, role: str) -> str:
    """A role as the reader's language names it, in lower case inside a sentence."""
    name = gettext(viewer_of(request).lang, labels.ROLES.get(role, role))
    return name[:1].lower() + name[1:]

