"""The menu: items appear by section and by the same role predicates the services use."""

from __future__ import annotations

from admin_ui import nav
from admin_ui.viewer import Place, Viewer
from boa.kernel.actor import Actor
from boa.people.models import User


def _viewer(roles: set[str], staff: list[str] | None = None) -> Viewer:
    user = User(ident="ABCD", name="A B", staff_roles=staff or [], language="en")
    place = Place(id=7, number=101, name="Inst", roles=frozenset(roles), project_database_id=3)
    return Viewer(actor=Actor(user=user), lang="en", csrf="x", places=[place])


def _hrefs(viewer: Viewer) -> dict[str, list[str]]:
    return {s.key: [link.href for link in s.links] for s in nav.sections(viewer)}


def test_sections_follow_the_roles():
    plain = _hrefs(_viewer({"user"}))
    assert plain["mine"] == ["/me", "/me/token", "/me/user-agreement", "/me/certification", "/me/projects"]
    assert plain["institution:7"] == ["/institutions/7", "/project-databases/3"]
    assert "office" not in plain
    admin = _hrefs(_viewer({"administrator", "user"}))["institution:7"]
    assert "/institutions/7/users" in admin and "/institutions/7/user-requests" in admin
    assert "/institutions/7/roles" in admin  # contact persons
    responsible = _hrefs(_viewer({"responsible"}))["institution:7"]
    assert "/institutions/7/associations" in responsible and "/institutions/7/user-requests" not in responsible
    staff = _hrefs(_viewer(set(), ["staff"]))
    assert "/staff/audit" in staff["office"] and "/staff/reports/active-projects" in staff["office"]


def test_the_sanctions_items_need_no_page_import():
    """Every item is in nav.NAV from the start: no page module has to be imported to add one."""
    sanctions = _hrefs(_viewer(set(), ["staff", "sanctions"]))
    assert sanctions["office"][-2:] == ["/staff/breaches", "/staff/locks"]
    assert "/staff/breaches" not in _hrefs(_viewer(set(), ["staff"]))["office"]
    assert _hrefs(_viewer({"responsible"}))["mine"][-1] == "/breaches"
    assert "/breaches" not in _hrefs(_viewer({"user"}))["mine"]


def test_transfer_pages_for_project_members_and_review_for_reviewers():
    member = _viewer({"user"})
    assert "/me/transfers" not in _hrefs(member)["mine"]
    member.project_member = True
    assert _hrefs(member)["mine"] == ["/me", "/me/token", "/me/user-agreement", "/me/certification", "/me/projects",
                                     "/me/transfers"]
    assert "/staff/review" not in _hrefs(_viewer(set(), ["staff"]))["office"]
    assert "/staff/review" in _hrefs(_viewer(set(), ["staff", "review"]))["office"]


def test_the_register_catalogue_for_everybody_and_its_maintenance_for_staff():
    assert _hrefs(_viewer({"user"}))["data"] == ["/commissions", "/registers"]  # a customer orders statistics
    assert "/staff/registers" not in _hrefs(_viewer({"user"})).get("office", [])
    assert "/staff/registers" in _hrefs(_viewer(set(), ["staff"]))["office"]
    assert [s.key for s in nav.sections(_viewer({"user"}))][:2] == ["mine", "data"]
