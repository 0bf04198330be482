"""Every controller of the schemes area, for ``api.app.ROUTE_HANDLERS``."""

import schemes.hooks  # noqa: F401  (registers the loader, the association hook and the demo sections)
from schemes.authority.routes import AuthoritySchemeController
from schemes.law_model.routes import LawModelController
from schemes.project_database.routes import ProjectDatabaseController
from schemes.projects.routes import ProjectController, ReportController
from schemes.researcher.routes import ProposalController

CONTROLLERS = [ProjectController, ProposalController, ProjectDatabaseController, AuthoritySchemeController,
               LawModelController, ReportController]
