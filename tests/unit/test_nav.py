"""The menu registry: items appear by section and by the same role predicates the services use;
later areas (sanctions, transfers) register their own items."""

from __future__ import annotations

from admin_ui import nav
from admin_ui.viewer import Place, Viewer
from boa.actor import Actor
from boa.models import User


def _viewer(roles: set[str], staff: list[str] | None = None) -> Viewer:
    user = User(ident="ABCD", name="A B", staff_roles=staff or [], language="en")
    place = Place(id=7, number=101, name="Inst", roles=frozenset(roles), project_database_id=3)
    return Viewer(actor=Actor(user=user), lang="en", csrf="x", places=[place])


def _hrefs(viewer: Viewer) -> dict[str, list[str]]:
    return {s.key: [link.href for link in s.links] for s in nav.sections(viewer)}


def test_sections_follow_the_roles():
    plain = _hrefs(_viewer({"user"}))
    assert plain["mine"] == ["/me", "/me/token", "/me/projects"]
    assert plain["institution:7"] == ["/institutions/7", "/project-databases/3"]
    assert "office" not in plain
    admin = _hrefs(_viewer({"administrator", "user"}))["institution:7"]
    assert "/institutions/7/users" in admin and "/institutions/7/user-requests" in admin
    assert "/institutions/7/roles" in admin  # contact persons
    responsible = _hrefs(_viewer({"responsible"}))["institution:7"]
    assert "/institutions/7/associations" in responsible and "/institutions/7/user-requests" not in responsible
    staff = _hrefs(_viewer(set(), ["staff"]))
    assert "/staff/audit" in staff["office"] and "/staff/reports/active-projects" in staff["office"]


def test_other_areas_register_items(monkeypatch):
    monkeypatch.setattr(nav, "NAV", list(nav.NAV))
    nav.register(nav.NavItem("breaches", "Breach cases", "/staff/breaches", nav.OFFICE,
                             lambda v, _: v.actor.has_staff_role("sanctions")))
    nav.register(nav.NavItem("example", "Example", "/me/example", nav.MINE, lambda v, _: True),
                 after="my_projects")
    nav.register(nav.NavItem("example", "Twice", "/x", nav.MINE, lambda v, _: True))
    sanctions = _hrefs(_viewer(set(), ["staff", "sanctions"]))
    assert sanctions["office"][-1] == "/staff/breaches"
    assert sanctions["mine"][:4] == ["/me", "/me/token", "/me/projects", "/me/example"]
    assert "/staff/breaches" not in _hrefs(_viewer(set(), ["staff"]))["office"]


def test_transfer_pages_for_project_members_and_review_for_reviewers():
    import admin_ui.pages.review  # noqa: F401 (registers its items)
    import admin_ui.pages.transfers  # noqa: F401

    member = _viewer({"user"})
    assert "/me/transfers" not in _hrefs(member)["mine"]
    member.facts["project_member"] = True
    assert _hrefs(member)["mine"] == ["/me", "/me/token", "/me/projects", "/me/transfers"]
    assert "/staff/review" not in _hrefs(_viewer(set(), ["staff"]))["office"]
    assert "/staff/review" in _hrefs(_viewer(set(), ["staff", "review"]))["office"]
