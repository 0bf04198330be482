"""The ORM models. Every table shares advanced-alchemy's metadata, so Alembic sees one schema."""

from boa.models.audit import AuditEntry, AuditHead
from boa.models.auth import ActivationCode, HardwareSeed, LoginChallenge, LoginState, Session, Token
from boa.models.base import Base
from boa.models.client import ServiceClient
from boa.models.institution import (
    Association,
    AuthorisationAgreement,
    Institution,
    InstitutionRole,
    UserRequest,
)
from boa.models.user import Certification, User, UserAgreementAcceptance, UserAgreementVersion

__all__ = [
    "ActivationCode",
    "Association",
    "AuditEntry",
    "AuditHead",
    "AuthorisationAgreement",
    "Base",
    "Certification",
    "HardwareSeed",
    "Institution",
    "InstitutionRole",
    "LoginChallenge",
    "LoginState",
    "ServiceClient",
    "Session",
    "Token",
    "User",
    "UserAgreementAcceptance",
    "UserAgreementVersion",
    "UserRequest",
]
