"""Every controller of the JSON API (``/v1``), in the order the OpenAPI document lists them."""

from __future__ import annotations

from api.controllers.associations import AssociationController
from api.controllers.auth import AuthController
from api.controllers.authority_schemes import AuthoritySchemeController
from api.controllers.commissions import CommissionController, CommissionLinkController
from api.controllers.institutions import AgreementController, InstitutionController
from api.controllers.law_model import LawModelController
from api.controllers.me import MeController
from api.controllers.oauth import OAuthController
from api.controllers.onboarding import OnboardingController
from api.controllers.project_databases import ProjectDatabaseController
from api.controllers.projects import ProjectController, ReportController
from api.controllers.proposals import ApprovalQueueController, ProposalController
from api.controllers.registers import RegisterController
from api.controllers.sanctions import BreachController, LockController
from api.controllers.system import (
    AccessController,
    AccessHistoryController,
    AuditController,
    HealthController,
)
from api.controllers.tokens import TokenController, UserTokenController
from api.controllers.transfers import ReviewController, TransferController
from api.controllers.users import UserController, UserRequestController

CONTROLLERS: tuple[type, ...] = (
    AuthController,
    OAuthController,
    MeController,
    OnboardingController,
    InstitutionController,
    AgreementController,
    UserController,
    UserRequestController,
    AssociationController,
    TokenController,
    UserTokenController,
    AccessController,
    AccessHistoryController,
    AuditController,
    HealthController,
    TransferController,
    ReviewController,
    BreachController,
    LockController,
    ProjectController,
    ProposalController,
    ApprovalQueueController,
    ProjectDatabaseController,
    AuthoritySchemeController,
    LawModelController,
    ReportController,
    RegisterController,
    CommissionController,
    CommissionLinkController,
)
