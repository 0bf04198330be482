"""The navigation registry: every page that appears in the side menu and on the landing page.

An item belongs to a section: ``mine`` (the signed-in person's own pages), ``data`` (what the
office offers: the register catalogue, public also without logging in), ``institution``
(repeated for each institution where the person holds roles; ``href`` may use
``{institution_id}`` and ``{project_database_id}``) or ``office`` (Research Services). Its
``visible`` predicate decides from the same role predicates the services enforce, so the menu
offers only what the person may open.

Every item is in :data:`NAV`, in menu order; a new page adds its item there (and its controller
to :data:`admin_ui.router.PAGE_CONTROLLERS`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from admin_ui.i18n import N_, gettext
from admin_ui.viewer import Place, Viewer
from boa.history.permissions import is_history_reader
from boa.people.permissions import assignable_roles, may_list_associations, may_request_user
from boa.sanctions.permissions import is_reporter, may_decide, may_register
from schemes.projects.permissions import INSTITUTION_VIEWERS

MINE, DATA, INSTITUTION, OFFICE = "mine", "data", "institution", "office"
Visible = Callable[[Viewer, Place | None], bool]


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str  # an English message id, translated when shown
    href: str
    section: str
    visible: Visible
    description: str = ""


@dataclass(frozen=True)
class NavLink:
    key: str
    label: str
    href: str
    description: str


@dataclass(frozen=True)
class NavSection:
    key: str
    title: str
    links: tuple[NavLink, ...]


def _always(viewer: Viewer, place: Place | None) -> bool:
    return viewer.user is not None


def _staff(viewer: Viewer, place: Place | None) -> bool:
    return viewer.is_staff


def _roles(place: Place | None) -> frozenset[str]:
    return place.roles if place else frozenset()


def _history_reader(viewer: Viewer, place: Place | None) -> bool:
    """The responsible person's door to the access history, once in the menu: at the first
    institution where they hold the role (the page answers for all of them)."""
    first = next((p for p in viewer.places if is_history_reader(p.roles)), None)
    return not viewer.is_staff and place is not None and first is not None and place.id == first.id


NAV: tuple[NavItem, ...] = (
    NavItem("profile", N_("My profile"), "/me", MINE, _always,
            N_("Your IDENT, your contact details and your certification.")),
    NavItem("token", N_("My token"), "/me/token", MINE, _always,
            N_("Your second factor: request an SMS or a physical token and activate it.")),
    NavItem("user_agreement", N_("User agreement"), "/me/user-agreement", MINE, _always,
            N_("Read the user agreement and accept it; see which version you accepted and when.")),
    NavItem("certification", N_("Security certification"), "/me/certification", MINE, _always,
            N_("Take the security certification test, see your score and when to renew.")),
    NavItem("my_projects", N_("My projects"), "/me/projects", MINE, _always,
            N_("The projects you are on, and whether you have access now.")),
    NavItem("transfers", N_("Transfer results"), "/me/transfers", MINE, lambda v, p: v.project_member,
            N_("Upload results, see what the check found, write notes, approve and transfer; "
               "the results portal.")),
    NavItem("my_breaches", N_("Breach cases"), "/breaches", MINE,
            lambda v, p: v.user is not None and not v.is_staff and any(is_reporter(x.roles) for x in v.places),
            N_("Breach cases at your institutions: submit the report and plan.")),
    NavItem("commissions", N_("Commissioned statistics"), "/commissions", DATA, lambda v, p: v.user is not None
            and not v.is_staff, N_("Ask for tables made to order; accept quotations, get deliveries and invoices.")),
    NavItem("registers", N_("Register catalogue"), "/registers", DATA, _always,
            N_("Every register of the databank of basic data, its years, updates and variables; search it.")),
    NavItem("institution", N_("Agreements and roles"), "/institutions/{institution_id}", INSTITUTION,
            lambda v, p: p is not None, N_("The institution's authorisation agreements and who holds which role.")),
    NavItem("institution_users", N_("Associated users"), "/institutions/{institution_id}/users", INSTITUTION,
            lambda v, p: may_list_associations(_roles(p), staff=False),
            N_("Search the institution's users, associate an existing user, end an association.")),
    NavItem("association_requests", N_("Association requests"), "/institutions/{institution_id}/associations",
            INSTITUTION, lambda v, p: may_list_associations(_roles(p), staff=False),
            N_("Association agreements waiting for the responsible person or a substitute.")),
    NavItem("roles", N_("Assign roles"), "/institutions/{institution_id}/roles", INSTITUTION,
            lambda v, p: bool(assignable_roles(_roles(p))),
            N_("Assign and remove the roles you may assign.")),
    NavItem("user_requests", N_("New users"), "/institutions/{institution_id}/user-requests", INSTITUTION,
            lambda v, p: may_request_user(_roles(p)), N_("Ask Research Services to create a new user.")),
    NavItem("institution_projects", N_("Projects and proposals"), "/institutions/{institution_id}/projects",
            INSTITUTION, lambda v, p: bool(_roles(p) & INSTITUTION_VIEWERS),
            N_("The institution's projects and proposals, with the actions you may take.")),
    NavItem("project_database", N_("Project database"), "/project-databases/{project_database_id}", INSTITUTION,
            lambda v, p: p is not None and p.project_database_id is not None,
            N_("Datasets, sub-projects, data minimisation and the end date.")),
    NavItem("authority_scheme", N_("Authority scheme"), "/authority-schemes/{authority_scheme_id}", INSTITUTION,
            lambda v, p: p is not None and p.authority_scheme_id is not None and bool(_roles(p) & INSTITUTION_VIEWERS),
            N_("The agreement, the purpose description and its versions, changed needs and tailored deliveries.")),
    NavItem("access_history", N_("Access history"), "/access-history", INSTITUTION, _history_reader,
            N_("Who could reach the institution's projects, and what its people could reach, when and why; "
               "CSV export.")),
    NavItem("staff_institutions", N_("Institutions and agreements"), "/staff/institutions", OFFICE, _staff,
            N_("Create institutions and authorisation agreements; terminate agreements.")),
    NavItem("staff_users", N_("Users"), "/staff/users", OFFICE, _staff, N_("Search users and create new ones.")),
    NavItem("staff_user_requests", N_("User requests"), "/staff/user-requests", OFFICE, _staff,
            N_("Approve or refuse the administrators' requests for new users.")),
    NavItem("staff_proposals", N_("Proposals awaiting the office"), "/staff/proposals", OFFICE, _staff,
            N_("Proposals sent to Research Services, with their project owners.")),
    NavItem("staff_approvals", N_("Proposals to approve"), "/staff/approvals", OFFICE,
            lambda v, p: v.actor.has_staff_role("proposal_approval"),
            N_("The Head of Division's queue: proposals the institution's signatory has signed, to approve or "
               "return.")),
    NavItem("staff_registers", N_("Maintain the register catalogue"), "/staff/registers", OFFICE, _staff,
            N_("Add registers and variables, release registers, close them with their last year.")),
    NavItem("staff_commissions", N_("Commissioned statistics"), "/commissions", OFFICE, _staff,
            N_("The queue of requests: clarification, quotation, time, delivery and advice.")),
    NavItem("staff_audit", N_("Audit log"), "/staff/audit", OFFICE, _staff,
            N_("Every change, who made it and when; verify the hash chain.")),
    NavItem("staff_report", N_("Active projects per scheme"), "/staff/reports/active-projects", OFFICE, _staff,
            N_("Active projects per scheme per year, as a table and a chart.")),
    NavItem("staff_access_history", N_("Access history"), "/staff/access-history", OFFICE, _staff,
            N_("Who could reach a project, or what a person could reach, when and why; CSV export.")),
    NavItem("staff_review", N_("Output review"), "/staff/review", OFFICE,
            lambda v, p: v.actor.has_staff_role("review"),
            N_("Review flagged, unverifiable and sampled transferred files; mark each OK or a "
               "suspected breach.")),
    NavItem("staff_breaches", N_("Breach cases"), "/staff/breaches", OFFICE,
            lambda v, p: may_register(v.actor) or may_decide(v.actor),
            N_("Register breaches, assess reports, prepare cases; the Director General decides.")),
    NavItem("staff_locks", N_("Active locks"), "/staff/locks", OFFICE, lambda v, p: may_register(v.actor),
            N_("The locks in force, why and until when; lift a lock with a comment.")),
)


def _link(viewer: Viewer, item: NavItem, place: Place | None) -> NavLink:
    href = item.href.format(institution_id=place.id if place else "",
                            project_database_id=place.project_database_id if place else "",
                            authority_scheme_id=place.authority_scheme_id if place else "")
    return NavLink(item.key, gettext(viewer.lang, item.label), href,
                   gettext(viewer.lang, item.description) if item.description else "")


def _links(viewer: Viewer, section: str, place: Place | None = None) -> tuple[NavLink, ...]:
    return tuple(_link(viewer, i, place) for i in NAV if i.section == section and i.visible(viewer, place))


def sections(viewer: Viewer) -> list[NavSection]:
    """The menu for this viewer: their own pages, the data content, one section per institution,
    Research Services."""
    if viewer.user is None:
        return []
    out: list[NavSection] = []
    for key, title in ((MINE, N_("My pages")), (DATA, N_("Data content"))):
        if links := _links(viewer, key):
            out.append(NavSection(key, gettext(viewer.lang, title), links))
    for place in viewer.places:
        if links := _links(viewer, INSTITUTION, place):
            out.append(NavSection(f"{INSTITUTION}:{place.id}", f"{place.name} ({place.number})", links))
    if links := _links(viewer, OFFICE):
        out.append(NavSection(OFFICE, gettext(viewer.lang, N_("Research Services")), links))
    return out
