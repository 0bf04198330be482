"""A per-worker cache of what the access decision reads, for the gateways' decision endpoint.

The remote-desktop and transfer gateways ask ``GET /v1/access/decision`` for the same users again
and again. The cache keeps the *facts* (never the decision: :func:`boa.kernel.access.decide` runs
on every request with the current time) and the service clients' active flag, each entry under
the keys of what it was read from (:func:`fact_keys`: ``u:<user id>``, ``m:<user>:<project>``,
``p:<project id>``, ``i:<institution>``, ``s:<institution>:<scheme>``, ``n:<IDENT>`` and
``pn:<number>`` for a user or project not found, ``c:<client id>``), and drops the entries under
the keys a change names (``*``: everything):

* PostgreSQL: migration 0017 puts statement triggers with transition tables on every table in
  :data:`WATCHED_TABLES` that send ``NOTIFY boa_access, '<key>,<key>,...'`` (delivered when the
  writing transaction commits, also for writes from other workers, the CLI or psql); an update
  that changes none of the table's :data:`WATCHED_COLUMNS` (a login's TOTP counter) names
  nothing. The triggers also gather the keys in the transaction's ``boa.access_keys`` setting,
  which a committing BOA process reads for the machine's stamp below. Each worker LISTENs on one connection of its own
  and every second sends itself a notice that it must hear back; entries are served only within
  3 seconds of the last one heard, so a lost or silent connection turns the cache off instead of
  leaving it stale.
* SQLite: ``PRAGMA data_version`` on a connection of its own changes whenever another connection
  commits; it is read (a few microseconds, no lock) before every lookup, so a change is seen
  by the very next request.
* On one machine, a commit through SQLAlchemy that changed what the decision reads drops the
  entries under its keys in every BOA process there before its answer is sent (a ring of
  recent keys in a memory-mapped file under the var dir, whose head is compared on every
  lookup; SQLite and a ring overrun mean everything), so no worker of the machine answers from
  before a change that any of them has confirmed; the notices above reach the other machines.

The facts do not depend on the time except through the day (the authority scheme's current
purpose description), so an entry is kept for the day it was read on and at most
``BOA_ACCESS_CACHE_SECONDS`` (default 300, each entry between half and all of it; 0 turns the
cache off): a bound on what no notice names (triggers disabled, a replica's
``session_replication_role``), not what keeps the entries current. A lookup that missed records
the generation it started in and its result is not stored if a change noticed meanwhile named
any of its keys. See docs/decisions.md "The access decision's cache" and "The access cache
drops what changed".
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import logging
import mmap
import os
import random
import sqlite3
import time
import uuid
import weakref
from collections import OrderedDict, deque
from collections.abc import Awaitable, Callable, Hashable, Iterable, Iterator, Mapping, MutableMapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import Pool

from boa.kernel import clock
from boa.kernel.access import Facts, LockFact, ProjectFact

log = logging.getLogger("boa.kernel.access_cache")

CHANNEL = "boa_access"
# Every table a cached value is read from. Migration 0006 installs the PostgreSQL triggers on
# exactly these; tests/integration/test_access_cache.py checks that the two agree.
WATCHED_TABLES = ("users", "associations", "institution_roles", "tokens", "projects", "project_members",
                  "authority_schemes", "authority_purposes", "project_databases", "locks", "service_clients",
                  "user_agreement_versions")
# The columns whose change can change a fact, per table (None: any column); the key columns the
# triggers name are among them. Migration 0017 writes its triggers from a copy of this;
# tests/integration/test_access_cache.py checks that the two agree and that the gateways' statement
# reads nothing else.
WATCHED_COLUMNS: dict[str, tuple[str, ...] | None] = {
    "users": ("id", "ident", "active", "pin_hash", "staff_roles", "user_agreement_version",
              "certification_expires_at"),
    "associations": ("user_id", "state"),
    "institution_roles": ("user_id",),
    "tokens": ("user_id", "state"),
    "projects": ("id", "number", "institution_id", "scheme", "kind", "state", "end_date", "approved_at",
                 "closed_at", "deleted"),
    "project_members": ("user_id", "project_id", "state"),
    "authority_schemes": ("id", "project_id", "agreement"),
    "authority_purposes": ("scheme_id", "version", "valid_from", "valid_until"),
    "project_databases": ("institution_id", "state", "end_date", "closed_at"),
    "locks": None,
    "service_clients": ("client_id", "active"),
    "user_agreement_versions": None,
}
EVERYTHING = "*"
PROJECT_ACTIONS = ("project_access", "transfer")
HEARTBEAT_SECONDS = 1.0
# Entries are served only this long after the listening connection last heard its own heartbeat.
HEARTBEAT_GRACE_SECONDS = 3.0
MAX_ENTRIES = 50_000
READER_POOL = 10
# How many changes a worker remembers to tell whether a read was overtaken by one that concerns it.
RECENT_CHANGES = 1024

_CACHES: weakref.WeakSet[AccessCache] = weakref.WeakSet()
_CHECKED = "boa.access_cache_checked"


@dataclass(frozen=True)
class PersonFacts:
    """What the gateways' decision reads about a person, kept per user (``("person", IDENT)``):
    the person's facts with the locks on the user (``project`` None) and the user's memberships
    (project id → state), so that one entry serves every project the user is asked about."""

    facts: Facts
    memberships: Mapping[int, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ProjectFacts:
    """What it reads about a project, kept per project number (``("project", number)``): the
    project (None: no such project) with no membership, and the locks on the project, its
    institution and its scheme there."""

    project: ProjectFact | None
    locks: tuple[LockFact, ...] = ()
    # The project with each membership state asked so far (made once per entry, not per answer).
    memberships: dict[str | None, ProjectFact] = field(default_factory=dict, compare=False, repr=False)


def person_keys(person: PersonFacts) -> frozenset[str]:
    """The keys a change to the person names: the user (a membership's key ``m:<user>:<project>``
    names the user too, :meth:`AccessCache.invalidate`), or the IDENT not found."""
    if not person.facts.exists:
        return frozenset((f"n:{person.facts.ident}",))
    return frozenset((f"u:{person.facts.user_id}",))


def project_keys(project: ProjectFacts, number: str) -> frozenset[str]:
    """The keys a change to the project names: the project, its institution and its scheme there
    (locks, the project database), or the number not found."""
    found = project.project
    if found is None:
        return frozenset((f"pn:{number.strip()}",))
    return frozenset((f"p:{found.id}", f"i:{found.institution_id}", f"s:{found.institution_id}:{found.scheme}"))


def combine(person: PersonFacts, project: ProjectFacts | None, now: datetime | None = None) -> Facts:
    """The facts the loaders give, from a person's and (for a project action) a project's parts:
    the user's membership of the project and the locks of both, in the loaders' order (by id);
    with ``now``, as of then."""
    facts = person.facts
    found = project.project if project is not None else None
    if found is None or not facts.exists:
        return facts if now is None else replace(facts, now=now)
    assert project is not None
    state = person.memberships.get(found.id)
    fact = project.memberships.get(state)
    if fact is None:
        fact = project.memberships[state] = replace(
            found, is_member=state == "active", membership_pending=state == "pending",
            membership_requested=state == "requested")
    locks = facts.locks
    if project.locks:
        held = {lock.id for lock in locks}
        locks = tuple(sorted(locks + tuple(lock for lock in project.locks if lock.id not in held),
                             key=lambda lock: int(lock.id)))
    return replace(facts, project=fact, locks=locks, now=facts.now if now is None else now)


def _named(tag: str) -> tuple[str, ...]:
    """A membership's key also names its user: the person's entry holds the user's memberships."""
    if tag.startswith("m:"):
        return tag, "u:" + tag.split(":", 2)[1]
    return (tag,)


def fact_keys(facts: Facts, action: str, project: str | None) -> frozenset[str]:
    """The keys a change to what ``facts`` were read from names (see the triggers of migration
    0017): the user (or the IDENT not found); for a project action the project, the membership,
    its institution and scheme at the institution (the locks, the project database), or the
    number not found."""
    if not facts.exists:
        return frozenset((f"n:{facts.ident}",))
    keys = {f"u:{facts.user_id}"}
    found = facts.project
    if found is not None:
        keys |= {f"p:{found.id}", f"m:{facts.user_id}:{found.id}", f"i:{found.institution_id}",
                 f"s:{found.institution_id}:{found.scheme}"}
    elif action in PROJECT_ACTIONS and project:
        keys.add(f"pn:{project.strip()}")
    return frozenset(keys)


def parse_keys(payload: str) -> frozenset[str] | None:
    """The keys a notice or a stamp record names; None means everything."""
    keys = frozenset(k for k in payload.split(",") if k)
    if not keys or EVERYTHING in keys or any(":" not in k for k in keys):
        return None  # an empty or unknown payload (a table's name, from before 0017) drops everything
    return keys


class AccessCache:
    def __init__(self, max_age: float, max_entries: int = MAX_ENTRIES, stamp_file: Path | None = None) -> None:
        self.max_age = max_age
        self.max_entries = max_entries
        self.stamp_file = stamp_file
        self.generation = 0
        # The keys each recent change named (None: everything), by generation.
        self._changes: deque[tuple[int, frozenset[str] | None]] = deque(maxlen=RECENT_CHANGES)
        self.hits = 0
        self.misses = 0
        self.dropped = 0  # entries dropped by a change that named them
        self._entries: OrderedDict[Hashable, tuple[Any, date, float, frozenset[str]]] = OrderedDict()
        self._index: dict[str, set[Hashable]] = {}
        self._source: _Source | None = None
        self._stamp_seen = -1
        self.reader: AsyncEngine | None = None  # PostgreSQL: where a miss is read (read)
        _CACHES.add(self)

    # -- lookups ---------------------------------------------------------------------------
    @property
    def enabled(self) -> bool:
        if self.max_age <= 0 or self._source is None:
            return False
        if _STAMP is not None:
            head = _STAMP.head()
            if head != self._stamp_seen:
                seen, self._stamp_seen = self._stamp_seen, head
                self.invalidate(_STAMP.keys_since(seen, head))
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
        value, day, expires, _keys = entry
        if day != clock.now().date() or time.monotonic() > expires:
            self._drop(key)
            self.misses += 1
            return None
        self._entries.move_to_end(key)
        self.hits += 1
        return value

    def put(self, key: Hashable, value: Any, generation: int, keys: Iterable[str] = ()) -> None:
        """Stores ``value`` read in ``generation`` under ``keys`` (what a change names to drop it)
        unless a change was noticed since."""
        # Whether anything changed first (it may drop keys and move the generation), then whether
        # a change since the value was read named any of its keys: a read overtaken by a change
        # to what it read is not kept (one that changed something else does not concern it).
        tags = frozenset(keys)
        if not self.enabled or self._overtaken(generation, tags):
            return
        self._drop(key)
        # Each entry lives between half and all of max_age: entries filled together (a worker's
        # first minute) are not all read again in the same second.
        expires = time.monotonic() + self.max_age * (1 - random.random() / 2)  # noqa: S311 - not a secret
        self._entries[key] = (value, clock.now().date(), expires, tags)
        for tag in tags:
            self._index.setdefault(tag, set()).add(key)
        if len(self._entries) > self.max_entries:
            self._drop(next(iter(self._entries)))

    async def fetch(self, key: Hashable, load: Callable[[], Awaitable[Any]],
                    request: MutableMapping[str, Any] | None = None,
                    keys: Callable[[Any], Iterable[str]] | None = None) -> Any:
        """The value for ``key`` from the cache, else ``await load()``, kept under ``keys(value)``
        unless a change was noticed while it was loaded."""
        value = self.get(key, request)
        if value is None:
            generation = self.generation
            value = await load()
            self.put(key, value, generation, keys(value) if keys is not None else ())
        return value

    def _drop(self, key: Hashable) -> None:
        entry = self._entries.pop(key, None)
        if entry is not None:
            for tag in entry[3]:
                held = self._index.get(tag)
                if held is not None:
                    held.discard(key)
                    if not held:
                        del self._index[tag]

    def _overtaken(self, generation: int, tags: frozenset[str]) -> bool:
        """Whether a change noticed after ``generation`` named any of ``tags`` (or everything, or
        is no longer in the record of recent changes)."""
        if generation == self.generation:
            return False
        if not tags or self.generation - generation > len(self._changes):
            return True
        for number, named in reversed(self._changes):
            if number <= generation:
                break
            if named is None or not named.isdisjoint(tags):
                return True
        return False

    def invalidate(self, keys: Iterable[str] | None = None) -> None:
        """Drops the entries under any of ``keys``; None drops everything. Either way a value
        being read now is not kept if the change names any of its keys (the generation changes
        and the change is recorded)."""
        self.generation += 1
        named = None if keys is None else frozenset(tag for key in keys for tag in _named(key))
        self._changes.append((self.generation, named))
        if named is None:
            self._entries.clear()
            self._index.clear()
            return
        for tag in named:
            for key in self._index.pop(tag, ()):
                self.dropped += 1
                self._drop(key)

    # -- the source of change notices -----------------------------------------------------
    async def read(self, work: Callable[[AsyncConnection], Awaitable[Any]]) -> Any:
        """``await work(connection)`` on a connection of :attr:`reader` (PostgreSQL): no
        transaction (one statement is its own snapshot), no ping before it; a connection found
        dead is replaced and the work done once more."""
        assert self.reader is not None
        for attempt in (1, 2):
            try:
                async with self.reader.connect() as connection:
                    return await work(connection)
            except DBAPIError as exc:
                if attempt == 2 or not exc.connection_invalidated:
                    raise
        raise AssertionError("unreachable")

    async def start(self, engine: AsyncEngine) -> None:
        if engine.dialect.name == "postgresql" and self.reader is None:
            # A miss reads one statement: on a pool of its own in autocommit, a round trip instead
            # of four (the ping, BEGIN, the statement, COMMIT).
            # The statement is prepared once per connection and planned once (a generic plan: its
            # lookups are by unique keys); PostgreSQL's custom plans cost ~2 ms of planning a miss.
            self.reader = create_async_engine(
                engine.url, pool_size=READER_POOL, max_overflow=READER_POOL, pool_pre_ping=False,
                isolation_level="AUTOCOMMIT",
                connect_args={"server_settings": {"plan_cache_mode": "force_generic_plan",
                                                  "application_name": "boa-access-reader"}})
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
        reader, self.reader = self.reader, None
        if reader is not None:
            await reader.dispose()


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
        self.stopping = False
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
        self.cache.invalidate(parse_keys(payload))

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
        while not self.stopping:
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
        self.stopping = True
        self._lost()
        task, self.task = self.task, None
        while task is not None and not task.done():
            # Cancelled again until it ends: on Python 3.11 a cancellation that arrives as
            # asyncio.wait_for's inner wait completes is swallowed (the heartbeat would go on and
            # this would wait for ever); the flag ends the loop at its next turn in any case.
            task.cancel()
            await asyncio.wait({task}, timeout=1)
        await self._close()


# -- commits on this machine ------------------------------------------------------------------
class _MachineStamp:
    """A ring of the keys recent commits changed, in a file that every BOA process of this
    machine maps into memory: an 8-byte head (the number of the newest record), then
    :attr:`SLOTS` records of (number, length, keys). A process whose commit changed what the
    decision reads writes a record before it answers, and every lookup compares the head (a
    memory read) and drops the entries under the keys of the records it has not seen, so every
    worker of the machine sees a change made through any of them by its next request, without
    waiting for PostgreSQL's notice. A record that was overwritten before it was read, or torn
    while it was read, or too long for its slot, drops everything."""

    SLOTS = 256
    SLOT = 512
    HEAD = 8
    SIZE = HEAD + SLOTS * SLOT

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        with self._locked():
            if os.fstat(self.fd).st_size < self.SIZE:
                os.ftruncate(self.fd, self.SIZE)
        self.map = mmap.mmap(self.fd, self.SIZE)
        self.path = path

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        fcntl.flock(self.fd, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(self.fd, fcntl.LOCK_UN)

    def head(self) -> int:
        return int.from_bytes(self.map[: self.HEAD], "little")

    def _slot(self, number: int) -> int:
        return self.HEAD + (number % self.SLOTS) * self.SLOT

    def touch(self, keys: str = EVERYTHING) -> int:
        """Writes a record naming ``keys`` (comma-separated; ``*`` everything); returns its number."""
        data = keys.encode()
        if len(data) > self.SLOT - 12:
            data = EVERYTHING.encode()
        with self._locked():
            number = self.head() + 1
            at = self._slot(number)
            self.map[at: at + 8] = bytes(8)  # torn while being written
            self.map[at + 8: at + 12] = len(data).to_bytes(4, "little")
            self.map[at + 12: at + 12 + len(data)] = data
            self.map[at: at + 8] = number.to_bytes(8, "little")
            self.map[: self.HEAD] = number.to_bytes(8, "little")
        return number

    def keys_since(self, seen: int, head: int) -> frozenset[str] | None:
        """The keys of records ``seen``+1 … ``head``; None: everything."""
        if seen < 0 or head < seen or head - seen > self.SLOTS:
            return None
        found: set[str] = set()
        for number in range(seen + 1, head + 1):
            at = self._slot(number)
            first = int.from_bytes(self.map[at: at + 8], "little")
            size = int.from_bytes(self.map[at + 8: at + 12], "little")
            payload = bytes(self.map[at + 12: at + 12 + min(size, self.SLOT - 12)])
            if first != number or int.from_bytes(self.map[at: at + 8], "little") != number:
                return None
            keys = parse_keys(payload.decode(errors="replace"))
            if keys is None:
                return None
            found |= keys
        return frozenset(found)


_STAMP: _MachineStamp | None = None


def _open_stamp(path: Path) -> None:
    global _STAMP
    if _STAMP is None or _STAMP.path != path:
        _STAMP = _MachineStamp(path)


_WRITES = ("INSERT", "UPDATE", "DELETE", "WITH", "TRUNCATE", "MERGE")
# What the triggers of migration 0017 gathered in the committing transaction.
_GATHERED = "SELECT current_setting('boa.access_keys', true)"
_watching = False


def _changed(keys: str) -> None:
    """``keys`` (comma-separated; ``*`` everything) changed: every cache of this process drops
    them now, and every other process of the machine at its next lookup."""
    if _STAMP is not None:
        _STAMP.touch(keys)
    parsed = parse_keys(keys)
    for cache in list(_CACHES):
        cache.invalidate(parsed)


def _gathered_keys(conn: Any) -> str:
    """The keys the triggers named in the transaction about to commit on ``conn`` (PostgreSQL);
    everything elsewhere or when they cannot be read."""
    if conn.dialect.name != "postgresql":
        return EVERYTHING
    try:
        cursor = conn.connection.dbapi_connection.cursor()
        try:
            cursor.execute(_GATHERED)
            row = cursor.fetchone()
        finally:
            cursor.close()
    except Exception:  # noqa: BLE001 - not knowing what changed means everything changed
        log.warning("access cache: could not read the changed keys; dropping everything", exc_info=True)
        return EVERYTHING
    return str(row[0] or "") if row else ""


def _watch_local_commits() -> None:
    """A commit on any engine of this process that changed what the decision reads drops its
    keys from every cache: when it starts, and again when its connection returns to the pool
    (after the commit has finished), so that a lookup that read in between does not keep what
    it read. A commit that wrote nothing the triggers name (sessions, audit, a login's TOTP
    counter) drops nothing."""
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
        if conn.info.pop("boa_wrote", False):
            keys = _gathered_keys(conn)
            if keys:
                before = conn.info.get("boa_changed")
                conn.info["boa_changed"] = keys if not before else f"{before},{keys}"
                _changed(keys)

    @event.listens_for(Engine, "rollback")
    def _rolled_back(conn):
        conn.info.pop("boa_wrote", None)

    @event.listens_for(Pool, "checkin")
    def _returned(_dbapi_connection, record):
        if record is None:
            return
        keys = record.info.pop("boa_changed", "")
        if record.info.pop("boa_wrote", False):  # wrote without a commit this process saw (autocommit)
            keys = EVERYTHING
        if keys:
            _changed(keys)
