"""The Alembic migrations build, from an empty database, exactly the schema the models declare."""

from __future__ import annotations

import re
import subprocess
import sys

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

from boa.composition import metadata
from boa.migrate import ours


async def test_migrated_schema_matches_models(engine):
    def diff(conn):  # type: ignore[no-untyped-def]
        ctx = MigrationContext.configure(conn, opts={"compare_type": True, "include_name": ours})
        return compare_metadata(ctx, metadata())

    async with engine.connect() as conn:
        changes = await conn.run_sync(diff)
        version = (await conn.execute(text("SELECT version_num FROM alembic_version"))).scalar()
    assert changes == []
    assert version is not None


def test_cli_migrates_an_empty_sqlite_database_publishes_the_user_agreement_and_seeds_the_demo_once(tmp_path):
    env = {"BOA_VAR_DIR": str(tmp_path), "BOA_ARGON2_MEMORY_KIB": "1024", "BOA_ARGON2_TIME_COST": "1",
           "PATH": "/usr/bin:/bin"}
    run = lambda *args: subprocess.run([sys.executable, "-m", "boa.cli", *args], env=env, capture_output=True,  # noqa: E731
                                       text=True, timeout=120, cwd=str(tmp_path.parent))
    import os

    env["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p)
    first = run("db", "upgrade")
    assert first.returncode == 0, first.stderr
    assert (tmp_path / "boa.sqlite3").exists()
    assert "user agreement published: version 1" in first.stdout  # seed_data/user_agreements.json
    assert re.search(r"register catalogue: (2[5-9]|[3-9]\d) registers and \d+ variables added", first.stdout)
    second = run("db", "upgrade")  # idempotent: the shipped agreement and catalogue are there already
    assert second.returncode == 0 and "user agreement published" not in second.stdout, second.stderr
    assert "register catalogue: 0 registers and 0 variables added" in second.stdout, second.stderr
    seeded = run("seed", "demo")
    assert seeded.returncode == 0 and "demo data loaded" in seeded.stdout, seeded.stderr
    again = run("seed", "demo")
    assert "already holds data" in again.stdout
    verify = run("audit", "verify")
    assert verify.returncode == 0 and '"ok": true' in verify.stdout
    created = run("users", "create", "Stine Staff", "stine@dst.example", "--staff", "staff")
    assert created.returncode == 0 and "the activation mail goes to stine@dst.example" in created.stdout, created.stderr
    twice = run("users", "create", "Stine Again", "stine@")  # a refusal: its code, exit 1, no trace
    assert twice.returncode == 1 and re.fullmatch(r"[a-z_]+: .+\n", twice.stderr), twice.stderr


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


def test_0008_keeps_an_old_user_agreement_and_old_attempts_and_goes_back(tmp_path):
    """A database from before 0008: its one-language agreement text becomes both languages' text,
    its attempts (scored at once) become submitted ones; the downgrade restores both."""
    import json
    import sqlite3

    from alembic import command

    from boa.migrate import alembic_config, upgrade

    path = tmp_path / "old.sqlite3"
    url = f"sqlite+aiosqlite:///{path}"
    upgrade(url, "0009")
    stamp = "2026-01-05 10:00:00.000000"
    with sqlite3.connect(path) as db:
        db.execute("INSERT INTO user_agreement_versions (id, version, text, published_at, created_at, updated_at) "
                   "VALUES (1, 1, 'I will behave.', ?, ?, ?)", (stamp, stamp, stamp))
        db.execute("INSERT INTO users (id, ident, name, active, staff_roles, language, created_at, updated_at) "
                   "VALUES (1, 'OLDU', 'Old User', 1, '[]', 'da', ?, ?)", (stamp, stamp))
        db.execute("INSERT INTO certification_attempts (id, user_id, attempted_at, correct, questions, passed, "
                   "created_at, updated_at) VALUES (1, 1, ?, 10, 10, 1, ?, ?)", (stamp, stamp, stamp))
    upgrade(url, "0008")
    with sqlite3.connect(path) as db:
        titles, texts = db.execute("SELECT titles, texts FROM user_agreement_versions").fetchone()
        shown, submitted, correct = db.execute("SELECT shown, submitted_at, correct FROM certification_attempts").fetchone()
    assert json.loads(texts) == {"da": "I will behave.", "en": "I will behave."}
    assert json.loads(titles) == {"da": "Brugeraftale", "en": "User agreement"}
    assert (json.loads(shown), submitted, correct) == ([], stamp, 10)
    command.downgrade(alembic_config(url), "0009")
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT text FROM user_agreement_versions").fetchone() == ("I will behave.",)
        assert db.execute("SELECT correct, passed FROM certification_attempts").fetchone() == (10, 1)
