"""The Alembic migrations build, from an empty database, exactly the schema the models declare."""

from __future__ import annotations

import re
import subprocess
import sys

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

from boa.composition import metadata


async def test_migrated_schema_matches_models(engine):
    def diff(conn):  # type: ignore[no-untyped-def]
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(ctx, metadata())

    async with engine.connect() as conn:
        changes = await conn.run_sync(diff)
        version = (await conn.execute(text("SELECT version_num FROM alembic_version"))).scalar()
    assert changes == []
    assert version is not None


def test_cli_migrates_an_empty_sqlite_database_and_seeds_the_demo_once(tmp_path):
    env = {"BOA_VAR_DIR": str(tmp_path), "BOA_ARGON2_MEMORY_KIB": "1024", "BOA_ARGON2_TIME_COST": "1",
           "PATH": "/usr/bin:/bin"}
    run = lambda *args: subprocess.run([sys.executable, "-m", "boa.cli", *args], env=env, capture_output=True,  # noqa: E731
                                       text=True, timeout=120, cwd=str(tmp_path.parent))
    import os

    env["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p)
    first = run("db", "upgrade")
    assert first.returncode == 0, first.stderr
    assert (tmp_path / "boa.sqlite3").exists()
    assert re.search(r"register catalogue: (2[5-9]|[3-9]\d) registers and \d+ variables added", first.stdout)
    upgraded = run("db", "upgrade")  # idempotent: the shipped catalogue is there already
    assert "register catalogue: 0 registers and 0 variables added" in upgraded.stdout, upgraded.stderr
    seeded = run("seed", "demo")
    assert seeded.returncode == 0 and "demo data loaded" in seeded.stdout, seeded.stderr
    again = run("seed", "demo")
    assert "already holds data" in again.stdout
    verify = run("audit", "verify")
    assert verify.returncode == 0 and '"ok": true' in verify.stdout


def test_audit_verify_command_fails_on_tampering(tmp_path):
    import os
    import sqlite3

    env = {"BOA_VAR_DIR": str(tmp_path), "BOA_ARGON2_MEMORY_KIB": "1024", "BOA_ARGON2_TIME_COST": "1",
           "PATH": "/usr/bin:/bin", "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    for args in (("db", "upgrade"), ("seed", "demo")):
        subprocess.run([sys.executable, "-m", "boa.cli", *args], env=env, check=True, capture_output=True, timeout=120)
    with sqlite3.connect(tmp_path / "boa.sqlite3") as db:
        db.execute("UPDATE audit_entries SET summary = '{\"tampered\": true}' WHERE seq = 2")
    out = subprocess.run([sys.executable, "-m", "boa.cli", "audit", "verify"], env=env, capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 1 and '"first_bad": 2' in out.stdout
