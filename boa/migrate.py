"""Alembic, driven from code: ``boa db upgrade`` and the tests use the same functions."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

HERE = Path(__file__).resolve().parent


def ours(name: str | None, type_: str, parent_names: object) -> bool:
    """What Alembic compares: every table but procrastinate's (its schema is applied whole by a
    migration, boa/migrations/sql)."""
    return not (type_ == "table" and (name or "").startswith("procrastinate_"))


def alembic_config(database_url: str | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(HERE / "migrations"))
    if database_url:
        cfg.attributes["database_url"] = database_url
    return cfg


def upgrade(database_url: str | None = None, revision: str = "head") -> None:
    command.upgrade(alembic_config(database_url), revision)


def revision(message: str, database_url: str | None = None) -> None:
    command.revision(alembic_config(database_url), message=message, autogenerate=True)
