"""Test set-up: a real database (SQLite file, or PostgreSQL from BOA_TEST_DATABASE_URL),
migrated with the real Alembic migrations once per run and emptied before each test."""

from __future__ import annotations

import asyncio
import contextlib
import os
import tempfile
import uuid
from pathlib import Path

from tests.pg import pg_database

_VAR = Path(tempfile.mkdtemp(prefix="boa-test-"))
os.environ["BOA_VAR_DIR"] = str(_VAR)
os.environ.setdefault("BOA_ARGON2_MEMORY_KIB", "1024")  # cheap hashes in tests; bench/ uses OWASP values
os.environ.setdefault("BOA_ARGON2_TIME_COST", "1")
os.environ["BOA_COOKIE_SECURE"] = "false"
os.environ.pop("BOA_SMTP_HOST", None)
os.environ["BOA_WORKER_IN_PROCESS"] = "false"  # the tests deliver mail and run the reminders themselves
os.environ.pop("BOA_SMS_GATEWAY_URL", None)


def _worker_database(url: str, worker: str) -> str:
    """Under pytest-xdist each worker gets a PostgreSQL database of its own, ``<test database>_<worker>``
    (created fresh here, dropped when the worker ends), so that the suite can run in parallel on
    PostgreSQL as it does on SQLite; the databases of the tests' own servers derive from it."""
    return asyncio.run(pg_database(url, "_" + worker, create=True))


def _database_url() -> str:
    url = os.environ.get("BOA_TEST_DATABASE_URL")
    if url:
        worker = os.environ.get("PYTEST_XDIST_WORKER")
        if worker and url.startswith("postgresql"):
            os.environ["BOA_TEST_DATABASE_BASE_URL"] = url
            url = _worker_database(url, worker)
            os.environ["BOA_TEST_DATABASE_URL"] = url
        return url
    return f"sqlite+aiosqlite:///{_VAR / 'test.sqlite3'}"


os.environ["BOA_DATABASE_URL"] = _database_url()

import pytest  # noqa: E402
from sqlalchemy import text  # noqa: E402

from boa.kernel import clock  # noqa: E402
from boa.kernel.settings import get_settings  # noqa: E402

pytest_plugins = ["tests.helpers", "tests.transfer_helpers", "tests.sms_helpers", "tests.radius_helpers"]


def pytest_unconfigure(config: pytest.Config) -> None:
    """A worker's own PostgreSQL database goes when the worker ends."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    base = os.environ.get("BOA_TEST_DATABASE_BASE_URL")
    if worker and base:
        with contextlib.suppress(Exception):  # the run's result stands; nothing else uses the database
            asyncio.run(pg_database(base, "_" + worker, create=False))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "browser" in item.nodeid:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session", autouse=True)
def wired():
    """Every test runs in a wired process, as the app and the CLI do (boa.composition.wire)."""
    from boa.composition import wire

    return wire()


@pytest.fixture(scope="session")
def var_dir() -> Path:
    return _VAR


@pytest.fixture(scope="session")
async def engine():
    import asyncio

    from boa.kernel.db import make_engine
    from boa.migrate import upgrade

    await asyncio.to_thread(upgrade, get_settings().database_url)
    eng = make_engine(get_settings())
    yield eng
    await eng.dispose()


async def empty_database(engine) -> None:
    from boa.composition import metadata

    tables = [t.name for t in reversed(metadata().sorted_tables)]
    async with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            await conn.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))
        else:
            for t in tables:
                await conn.execute(text(f'DELETE FROM "{t}"'))


async def publish_seed(engine) -> None:
    """What ``boa db upgrade`` does after migrating: the user agreement of the seed file."""
    from boa.kernel.db import transaction
    from boa.people.user_agreements import publish_user_agreements

    async with transaction(engine) as session:
        await publish_user_agreements(session)


@pytest.fixture
async def db(engine):
    """An empty database for this test, holding what an upgraded database holds (the user agreement
    and the shipped register catalogue)."""
    from boa.registers.catalogue import load_catalogue_into
    from tests.helpers import use_engine

    clock.reset()
    await empty_database(engine)
    await publish_seed(engine)
    await load_catalogue_into(engine)
    use_engine(engine)
    mail_file = get_settings().outbox_dir / "mail.jsonl"
    if mail_file.exists():
        mail_file.unlink()
    yield engine
    clock.reset()


@pytest.fixture
async def app(db):
    from boa.app import create_app

    return create_app(engine=db)


@pytest.fixture
async def client(app):
    """HTTP through the whole ASGI app, in the test's own event loop (asyncpg needs that)."""
    import httpx

    # What the SQLAlchemy plugin's lifespan does at start-up (the shared test engine is not disposed).
    app.state.update(app.state.boa_alchemy.create_app_state_items())
    # And what BOA's own start-up does: the access decision's cache, so that every test of the
    # decision also shows the cache answering what the database would.
    await app.state.access_cache.start(app.state.boa_engine)
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver.local") as c:
            yield c
    finally:
        await app.state.access_cache.stop()


@pytest.fixture
async def demo(db):
    from boa.demo import load_demo

    await load_demo(db)
    return db


def unique() -> str:
    return uuid.uuid4().hex[:8]
