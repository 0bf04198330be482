"""Who is looking at a page: the actor, the language, the CSRF token for the page's forms, and
the institutions where the person holds roles (the nav and the pages decide from these).

:func:`load_viewer` is the page router's guard; it runs after the app's ``authenticate`` guard,
so the session is resolved (and the access decision checked) once per request.
It also knows, once per page, whether the person is on a project (the transfer pages' menu item)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any

from litestar.connection import ASGIConnection
from litestar.datastructures import Cookie
from litestar.handlers.base import BaseRouteHandler
from sqlalchemy.ext.asyncio import AsyncSession

from admin_ui.cookies import FLASH_COOKIE, FORM_COOKIE, LANGUAGE_COOKIE, cookie, expired, read_flash
from admin_ui.i18n import pick_language
from boa.kernel.actor import Actor
from boa.kernel.errors import NotAuthenticated
from boa.people.institutions import my_institutions
from boa.people.models import User
from boa.transfers.overview import is_project_member
from boa.web.auth import request_session
from boa.web.transactions import release_after_guard
from schemes.authority.service import authority_schemes_of
from schemes.project_database.service import visible_databases


@dataclass(frozen=True)
class Place:
    """An institution as the viewer sees it: where they hold roles (or an approved association)."""

    id: int
    number: int
    name: str
    roles: frozenset[str]
    project_database_id: int | None = None
    authority_scheme_id: int | None = None


@dataclass
class Viewer:
    actor: Actor
    lang: str
    csrf: str
    places: list[Place] = field(default_factory=list)
    flash: dict[str, Any] | None = None
    cookies: list[Cookie] = field(default_factory=list)  # set by the next rendered page
    project_member: bool = False  # on a project where results may be transferred (the transfer pages)

    @property
    def user(self) -> User | None:
        return self.actor.user if isinstance(self.actor.user, User) else None

    @property
    def signed_in(self) -> User:
        """The signed-in user, on a page behind the login guard."""
        if self.user is None:
            raise NotAuthenticated("Log in first.")
        return self.user

    @property
    def is_staff(self) -> bool:
        return self.actor.is_staff

    def place(self, institution_id: int) -> Place | None:
        return next((p for p in self.places if p.id == institution_id), None)

    def roles_at(self, institution_id: int) -> frozenset[str]:
        place = self.place(institution_id)
        return place.roles if place else frozenset()


def anonymous_viewer(connection: ASGIConnection, actor: Actor | None = None) -> Viewer:
    """A viewer without a session: the forms carry the ``boa_form`` double-submit token."""
    pending: list[Cookie] = []
    token = connection.cookies.get(FORM_COOKIE)
    if not token:
        token = secrets.token_urlsafe(32)
        pending.append(cookie(FORM_COOKIE, token))
    viewer = Viewer(actor=actor or Actor(), lang=pick_language(connection.cookies.get(LANGUAGE_COOKIE)), csrf=token,
                    cookies=pending)
    _take_flash(connection, viewer)
    return viewer


def _take_flash(connection: ASGIConnection, viewer: Viewer) -> None:
    flash = read_flash(connection.cookies.get(FLASH_COOKIE))
    if connection.cookies.get(FLASH_COOKIE):
        viewer.cookies.append(expired(FLASH_COOKIE))
    viewer.flash = flash


async def places_of(db: AsyncSession, actor: Actor) -> list[Place]:
    if actor.user_id is None:
        return []
    databases = {pdb.institution_id: pdb.id for pdb in await visible_databases(db, actor)}
    mine = await my_institutions(db, actor.user_id)
    schemes = await authority_schemes_of(db, [inst.id for inst, _ in mine])
    return [Place(inst.id, inst.authorisation_number, inst.name, frozenset(roles), databases.get(inst.id),
                  schemes.get(inst.id))
            for inst, roles in mine]


async def load_viewer(connection: ASGIConnection, handler: BaseRouteHandler) -> None:
    actor: Actor = connection.state.actor
    row = connection.state.get("session_row")
    if actor.user is None or row is None:
        if not handler.opt.get("public"):
            raise NotAuthenticated("Log in first.")
        connection.state.viewer = anonymous_viewer(connection, actor)
        return
    db = request_session(connection)
    viewer = Viewer(actor=actor, lang=pick_language(connection.cookies.get(LANGUAGE_COOKIE), actor.user.language),
                    csrf=row.csrf_token, places=await places_of(db, actor),
                    project_member=await is_project_member(db, actor))
    _take_flash(connection, viewer)
    connection.state.viewer = viewer
    await release_after_guard(connection.scope)  # the page's handler opens its own transaction


def viewer_of(connection: ASGIConnection) -> Viewer:
    """The request's viewer; an anonymous one when the guards did not get that far."""
    viewer = connection.state.get("viewer")
    if viewer is None:
        viewer = anonymous_viewer(connection)
        connection.state.viewer = viewer
    return viewer
