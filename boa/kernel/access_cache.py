"""A per-worker cache of what the access decision reads, for the gateways' decision endpoint.

The remote-desktop and transfer gateways ask ``GET /v1/access/decision`` for the same users again
and again; without a cache every answer costs four database round trips. The cache keeps the
*facts* (never the decision: :func:`boa.kernel.access.decide` runs on every request with the current
time) and the service clients' active flag, and drops everything when anything they are read
from changes:

* PostgreSQL: migration 0006 puts a statement trigger on every table in :data:`WATCHED_TABLES`
  that sends ``NOTIFY boa_access`` (delivered when the writing transaction commits, also for
  writes from other workers, the CLI or psql). Each worker LISTENs on one connection of its own
  and every second sends itself a notice that it must hear back; entries are served only within
  3 seconds of the last one heard, so a lost or silent connection turns the cache off instead of
  leaving it stale.
* SQLite: ``PRAGMA data_version`` on a connection of its own changes whenever another connection
  commits; it is read (a few microseconds, no lock) before every lookup, so a change is seen
  by the very next request.
* On one machine, a commit that wrote anything through SQLAlchemy drops the caches of every
  BOA process there before its answer is sent (a stamp in a memory-mapped file under the var
  dir, compared on every lookup), so no worker of the machine answers from before a change
  that any of them has confirmed; the notices above reach the other machines.

The facts do not depend on the time except through the day (the authority scheme's current
purpose description), so an entry is kept for the day it was read on and at most
``BOA_ACCESS_CACHE_SECONDS`` (default 10; 0 turns the cache off). A lookup that missed records
the generation it started in and its result is stored only if nothing changed meanwhile.
See docs/decisions.md "The access decision's cache".
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import mmap
import os
import sqlite3
import time
import uuid
import weakref
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable, MutableMapping
from datetime import date
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.pool import Pool

from boa.kernel import clock

log = logging.getLogger("boa.kernel.access_cache")

CHANNEL = "boa_access"
# Every table a cached value is read from. Migration 0006 installs the PostgreSQL triggers on
# exactly these; tests/integration/test_access_cache.py checks that the two agree.
WATCHED_TABLES = ("users", "associations", "institution_roles", "tokens", "projects", "project_members",
                  "authority_schemes", "authority_purposes", "project_databases", "locks", "service_clients",
                  "user_agreement_versions")
HEARTBEAT_SECONDS = 1.0
# Entries are served only this long after the listening connection last heard its own heartbeat.
HEARTBEAT_GRACE_SECONDS = 3.0
MAX_ENTRIES = 10_000

_CACHES: weakref.WeakSet[AccessCache] = weakref.WeakSet()
_CHECKED = "boa.access_cache_checked"


class AccessCache:
    def __init__(self, max_age: float, max_entries: int = MAX_ENTRIES, stamp_file: Path | None = None) -> None:
        self.max_age = max_age
        self.max_entries = max_entries
        self.stamp_file = stamp_file
        self.generation = 0
        self.hits = 0
        self.misses = 0
        self._entries: OrderedDict[Hashable, tuple[Any, date, float]] = OrderedDict()
        self._source: _Source | None = None
        self._stamp_seen = b""
        _CACHES.add(self)

    # -- lookups ---------------------------------------------------------------------------
    @property
    def enabled(self) -> bool:
        if self.max_age <= 0 or self._source is None:
            return False
        if _STAMP is not None:
            stamp = _STAMP.read()
            if stamp != self._stamp_seen:
                self._stamp_seen = stamp
                self.invalidate()
        return self._source.usable()

    def get(self, key: Hashable, request: MutableMapping[str, Any] | None = None) -> Any | None:
        """The value for ``key``, or None. Whether anything changed is checked once per
        ``request`` (its ASGI scope: a request is answered as of its first lookup) or, without
        one, on every call."""
        if request is not None and request.get(_CHECKED) is self:
            if self.max_age <= 0 or self._source is None:
                return None
        elif not self.enabled:
            return None
        elif request is not None:
            request[_CHECKED] = self
        entry = self._entries.get(key)
        if entry is None:
            self.misses += 1
            return None
        value, day, born = entry
        if day != clock.now().date() or time.monotonic() - born > self.max_age:
            del self._entries[key]
            self.misses += 1
            return None
        self._entries.move_to_end(key)
        self.hits += 1
        return value

    def put(self, key: Hashable, value: Any, generation: int) -> None:
        """Stores ``value`` read in ``generation`` unless a change was noticed since."""
        if generation != self.generation or not self.enabled:
            return
        self._entries[key] = (value, clock.now().date(), time.monotonic())
        self._entries.move_to_end(key)
        if len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)

    async def fetch(self, key: Hashable, load: Callable[[], Awaitable[Any]],
                    request: MutableMapping[str, Any] | None = None) -> Any:
        """The value for ``key`` from the cache, else ``await load()``, kept unless a change was
        noticed while it was loaded."""
        value = self.get(key, request)
        if value is None:
            generation = self.generation
            value = await load()
            self.put(key, value, generation)
        return value

    def invalidate(self) -> None:
        self.generation += 1
        self._entries.clear()

    # -- the source of change notices -----------------------------------------------------
    async def start(self, engine: AsyncEngine) -> None:
        if self.max_age <= 0 or self._source is not None:
            return
        _watch_local_commits()
        if self.stamp_file is not None:
            _open_stamp(self.stamp_file)
        if engine.dialect.name == "postgresql":
            self._source = _PostgresNotices(self, engine)
        elif engine.dialect.name == "sqlite" and engine.url.database not in (None, "", ":memory:"):
            self._source = _SqliteVersion(self, str(engine.url.database))
        else:
            return
        await self._source.start()

    async def stop(self) -> None:
        source, self._source = self._source, None
        self.invalidate()
        if source is not None:
            await source.stop()


class _Source(Protocol):
    async def start(self) -> None: ...
    async def stop(self) -> None: ...
    def usable(self) -> bool: ...


class _SqliteVersion(_Source):
    """``PRAGMA data_version`` changes when another connection commits (docs: sqlite.org/pragma.html)."""

    def __init__(self, cache: AccessCache, path: str) -> None:
        self.cache = cache
        self.path = path
        self.conn: sqlite3.Connection | None = None
        self.version: int | None = None

    async def start(self) -> None:
        self.conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        self.version = self._read()

    def _read(self) -> int:
        assert self.conn is not None
        return int(self.conn.execute("PRAGMA data_version").fetchone()[0])

    def usable(self) -> bool:
        if self.conn is None:
            return False
        try:
            version = self._read()
        except sqlite3.Error:
            self.cache.invalidate()
            return False
        if version != self.version:
            self.version = version
            self.cache.invalidate()
        return True

    async def stop(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


class _PostgresNotices(_Source):
    """LISTEN on a connection of its own. Every second the connection notifies itself and must
    hear its own notice back: that shows notices are delivered end to end (a transaction-pooling
    proxy, for one, would break that), and without it the cache is off."""

    ALIVE = "alive:"

    def __init__(self, cache: AccessCache, engine: AsyncEngine) -> None:
        self.cache = cache
        self.dsn = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        self.conn: Any = None
        self.alive_until = 0.0
        self.task: asyncio.Task[None] | None = None
        self.heard = asyncio.Event()
        self.expected = ""
        self.me = uuid.uuid4().hex

    def usable(self) -> bool:
        return time.monotonic() < self.alive_until

    def _notice(self, _conn: Any, _pid: int, _channel: str, payload: str) -> None:
        if payload.startswith(self.ALIVE):  # a heartbeat (another worker's is no change)
            if payload == self.expected:
                self.heard.set()
            return
        self.cache.invalidate()

    def _lost(self, *_: Any) -> None:
        self.alive_until = 0.0
        self.cache.invalidate()

    async def _connect(self) -> None:
        import asyncpg

        self.conn = await asyncpg.connect(self.dsn, timeout=5,
                                          server_settings={"application_name": "boa-access-cache"})
        self.conn.add_termination_listener(self._lost)
        await self.conn.add_listener(CHANNEL, self._notice)

    async def _heartbeat(self, beat: int) -> None:
        self.heard.clear()
        self.expected = f"{self.ALIVE}{self.me}:{beat}"
        await self.conn.execute("SELECT pg_notify($1, $2)", CHANNEL, self.expected)
        await asyncio.wait_for(self.heard.wait(), HEARTBEAT_SECONDS * 2)
        if not self.usable():
            # Back after a gap (or the first time): what was committed meanwhile was not heard.
            self.cache.invalidate()
        self.alive_until = time.monotonic() + HEARTBEAT_GRACE_SECONDS

    async def _run(self, started: asyncio.Event) -> None:
        backoff, beat = 0.5, 0
        while True:
            try:
                if self.conn is None or self.conn.is_closed():
                    await self._connect()
                    backoff = 0.5
                beat += 1
                await self._heartbeat(beat)
                started.set()
                await asyncio.sleep(HEARTBEAT_SECONDS)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - any failure turns the cache off until notices flow again
                self._lost()
                started.set()
                log.warning("access cache: change notices interrupted (%s); deciding from the database",
                            type(exc).__name__)
                await self._close()
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 10.0)

    async def start(self) -> None:
        started = asyncio.Event()
        self.task = asyncio.create_task(self._run(started), name="boa-access-cache-listener")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(started.wait(), 5)

    async def _close(self) -> None:
        conn, self.conn = self.conn, None
        if conn is not None and not conn.is_closed():
            with contextlib.suppress(Exception):
                await conn.close(timeout=2)

    async def stop(self) -> None:
        self._lost()
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.task
        await self._close()


# -- commits on this machine ------------------------------------------------------------------
class _MachineStamp:
    """Eight bytes in a file that every BOA process of this machine maps into memory. A process
    whose commit wrote anything puts fresh random bytes there before it answers, and every
    lookup compares (a memory read), so every worker of the machine sees a change made through
    any of them by its next request, without waiting for PostgreSQL's notice."""

    SIZE = 8

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            if os.fstat(fd).st_size < self.SIZE:
                os.ftruncate(fd, self.SIZE)
            self.map = mmap.mmap(fd, self.SIZE)
        finally:
            os.close(fd)
        self.path = path

    def read(self) -> bytes:
        return self.map[: self.SIZE]

    def touch(self) -> bytes:
        stamp = os.urandom(self.SIZE)
        self.map[: self.SIZE] = stamp
        return stamp


_STAMP: _MachineStamp | None = None


def _open_stamp(path: Path) -> None:
    global _STAMP
    if _STAMP is None or _STAMP.path != path:
        _STAMP = _MachineStamp(path)


_WRITES = ("INSERT", "UPDATE", "DELETE", "WITH", "TRUNCATE", "MERGE")
_watching = False


def _invalidate_all() -> None:
    stamp = _STAMP.touch() if _STAMP is not None else None
    for cache in list(_CACHES):
        cache.invalidate()
        if stamp is not None:
            cache._stamp_seen = stamp


def _watch_local_commits() -> None:
    """A commit that wrote anything, on any engine of this process, drops every cache: when it
    starts, and again when its connection returns to the pool (after the commit has finished),
    so that a lookup that read in between does not leave what it read behind."""
    global _watching
    if _watching:
        return
    _watching = True

    @event.listens_for(Engine, "before_cursor_execute")
    def _flag(conn, _cursor, statement, _params, _context, _many):
        if statement.lstrip()[:8].upper().startswith(_WRITES):
            conn.info["boa_wrote"] = True

    @event.listens_for(Engine, "commit")
    def _committing(conn):
        if conn.info.get("boa_wrote"):
            _invalidate_all()

    @event.listens_for(Engine, "rollback")
    def _rolled_back(conn):
        conn.info.pop("boa_wrote", None)

    @event.listens_for(Pool, "checkin")
    def _returned(_dbapi_connection, record):
        if record is not None and record.info.pop("boa_wrote", False):
            _invalidate_all()
