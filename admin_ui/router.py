"""The admin pages as one Litestar router (plus the stylesheet), mounted at ``/`` in the same
app as the API by :func:`boa.app.create_app`. Every page controller is listed in
:data:`PAGE_CONTROLLERS` (its menu item in :data:`admin_ui.nav.NAV`)."""

from __future__ import annotations

from pathlib import Path

from litestar import Router
from litestar.static_files import create_static_files_router

from admin_ui.errors import PAGE_EXCEPTION_HANDLERS
from admin_ui.pages.access_history import AccessHistoryPage
from admin_ui.pages.accessibility import AccessibilityPage
from admin_ui.pages.activation import ActivationPages
from admin_ui.pages.audit import AuditPages
from admin_ui.pages.auth import LoginPages, LogoutPage, StepUpPage
from admin_ui.pages.authority import AuthoritySchemePages
from admin_ui.pages.commissions import CommissionPages, GuestCommissionPages
from admin_ui.pages.institutions import AssociationActions, InstitutionPages
from admin_ui.pages.me import HomePage, MyPages
from admin_ui.pages.onboarding import OnboardingPages
from admin_ui.pages.project_database import ProjectDatabasePages
from admin_ui.pages.projects import ProjectPages
from admin_ui.pages.proposals import NewProjectPages, ProposalPages
from admin_ui.pages.registers import RegisterPages, RegisterStaffPages
from admin_ui.pages.results import ResultPages
from admin_ui.pages.review import ReviewPages
from admin_ui.pages.sanctions import BreachPages, SanctionStaffPages
from admin_ui.pages.staff import StaffPages
from admin_ui.pages.transfers import TransferPages
from admin_ui.viewer import load_viewer

STATIC = Path(__file__).resolve().parent / "static"

PAGE_CONTROLLERS: tuple[type, ...] = (
    CommissionPages,
    GuestCommissionPages,
    LoginPages,
    ActivationPages,
    LogoutPage,
    StepUpPage,
    HomePage,
    MyPages,
    OnboardingPages,
    ProjectPages,
    ProposalPages,
    NewProjectPages,
    InstitutionPages,
    AssociationActions,
    ProjectDatabasePages,
    AuthoritySchemePages,
    StaffPages,
    AccessHistoryPage,
    AuditPages,
    SanctionStaffPages,
    BreachPages,
    TransferPages,
    ResultPages,
    ReviewPages,
    RegisterPages,
    RegisterStaffPages,
    AccessibilityPage,
)


def page_routers() -> list[Router]:
    """A fresh router per app (the tests build many apps)."""
    pages = Router(path="/", route_handlers=list(PAGE_CONTROLLERS), guards=[load_viewer],
                   exception_handlers=PAGE_EXCEPTION_HANDLERS, include_in_schema=False)
    static = create_static_files_router(path="/static", directories=[STATIC], opt={"public": True},
                                        include_in_schema=False, name="admin_ui_static")
    return [pages, static]
