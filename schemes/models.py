"""Every table of the schemes area (imported by :mod:`boa.composition`)."""

from schemes.authority.models import AuthorityScheme, PurposeDescription
from schemes.law_model.models import LawModel
from schemes.project_database.models import ProjectDatabase, ProjectDatabaseManager
from schemes.projects.models import Project, ProjectMember, ProjectNumberCounter
from schemes.researcher.models import Proposal, ProposalQuote

__all__ = ["AuthorityScheme", "LawModel", "Project", "ProjectDatabase", "ProjectDatabaseManager",
           "ProjectMember", "ProjectNumberCounter", "Proposal", "ProposalQuote", "PurposeDescription"]
