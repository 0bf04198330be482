from __future__ import annotations

from advanced_alchemy.base import IdentityAuditBase, orm_registry
from sqlalchemy import JSON
from sqlalchemy.dialects.postgresql import JSONB

Base = IdentityAuditBase
metadata = orm_registry.metadata
JsonType = JSON().with_variant(JSONB(), "postgresql")
