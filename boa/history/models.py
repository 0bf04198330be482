"""The history of the access decision's facts: one append-only table the database writes.

Every insert, change and delete of a row the decision's loaders read adds a row here (or closes
one) by a trigger (migration 0020), in the transaction of the change: the row's decision-relevant
columns as JSON and the interval they held. No code writes it."""

from __future__ import annotations

from advanced_alchemy.base import orm_registry
from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import BigInteger, Column, Identity, Index, Integer, String, Table

from boa.kernel.models import JsonType

Id = BigInteger().with_variant(Integer(), "sqlite")

fact_history = Table(
    "fact_history", orm_registry.metadata,
    Column("id", Id, Identity(always=False, start=1, increment=1), primary_key=True),
    Column("table_name", String(40), nullable=False),
    Column("row_id", String(40), nullable=False),
    Column("user_id", Id, nullable=True),
    Column("project_id", Id, nullable=True),
    Column("institution_id", Id, nullable=True),
    Column("label", String(40), nullable=True),
    Column("row_data", JsonType, nullable=False),
    Column("valid_from", DateTimeUTC(timezone=True), nullable=False),
    Column("valid_to", DateTimeUTC(timezone=True), nullable=True),
    Index("ix_fact_history_row", "table_name", "row_id", "valid_to"),
    # The keys with the table after them (migration 0022: the as-of loader asks both at scale).
    Index("ix_fact_history_user", "user_id", "table_name", "valid_from"),
    Index("ix_fact_history_project", "project_id", "table_name", "valid_from"),
    Index("ix_fact_history_institution", "institution_id", "table_name", "valid_from"),
    Index("ix_fact_history_label", "table_name", "label"),
    Index("ix_fact_history_valid_from", "valid_from"),  # where the history starts
)

# The tables whose rows the history keeps (migration 0020): the decision's loaders read these.
TRACKED = ("users", "associations", "institution_roles", "user_agreement_versions", "tokens", "projects",
           "project_members", "authority_schemes", "authority_purposes", "project_databases", "locks")
