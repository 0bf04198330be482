"""Access history at scale on PostgreSQL (issue 21 item 6): a replayed decision and a project's
year of history, p95.

Seeds ``fact_history`` directly (COPY through asyncpg) with ten years of synthetic history for
``--users`` users (each: a user row that changes every year with a renewed certification, an
association, a token replaced every three years) and ``--users``/10 projects (each: a project row,
~10 members who join and leave over the years, a lock now and then), on a database migrated to
the head. Then asks, ``--requests`` times each, with random people, projects and moments:

* a replay: :func:`boa.history.asof.facts_at` + ``decide`` (what ``GET /v1/access/decision?at=``
  does after its checks);
* a project's year: :func:`boa.history.timeline.pair` for every person with a membership row in
  the year (what ``GET /v1/access/history?project=`` does after its checks).

In process, no HTTP (the route adds its usual overhead). Target: p95 < 100 ms each.

    python bench/access_history.py [--users 100000] [--requests 100]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from _common import fresh_postgres, percentile, prepare_env, tmp_var_dir

YEARS = 10
PROJECTS_MAX = 9_999  # project numbers are 700001-709999


def projects_for(users: int) -> int:
    return max(min(users // 10, PROJECTS_MAX), 1)
COLUMNS = ("table_name", "row_id", "user_id", "project_id", "institution_id", "label", "row_data",
           "valid_from", "valid_to")


def ident(i: int) -> str:
    """Four letters (base 26): a real-looking IDENT for up to 456,976 users."""
    return "".join("ABCDEFGHIJKLMNOPQRSTUVWXYZ"[(i // 26 ** k) % 26] for k in range(4))


def history_rows(users: int, start: datetime) -> Iterator[tuple[Any, ...]]:
    """The synthetic history, one tuple per row version."""
    rng = random.Random(users)
    year = timedelta(days=365)
    end = start + year * YEARS
    institutions = max(users // 100, 1)
    yield ("user_agreement_versions", "1", None, None, None, None, json.dumps({"version": 1}), start, None)
    for u in range(1, users + 1):
        inst = rng.randrange(1, institutions + 1)
        for y in range(YEARS):
            since = start + year * y
            data = {"ident": ident(u), "active": True, "activated": True, "staff_roles": [],
                    "user_agreement_version": 1,
                    "certification_expires_at": (since + year + timedelta(days=rng.randrange(-30, 30))).isoformat()}
            yield ("users", str(u), u, None, None, ident(u), json.dumps(data), since,
                   None if y == YEARS - 1 else since + year)
        yield ("associations", str(u), u, None, inst, None,
               json.dumps({"user_id": u, "institution_id": inst, "state": "approved"}), start, None)
        for t in range(0, YEARS, 3):
            since = start + year * t
            yield ("tokens", f"{u}-{t}", u, None, None, None,
                   json.dumps({"user_id": u, "kind": "totp", "state": "active"}), since,
                   None if t + 3 >= YEARS else since + year * 3)
    for p in range(1, projects_for(users) + 1):
        inst = rng.randrange(1, institutions + 1)
        number = 700000 + p
        yield ("projects", str(p), None, p, inst, str(number),
               json.dumps({"number": number, "institution_id": inst, "scheme": "researcher", "kind": None,
                           "state": "approved", "end_date": end.date().isoformat(),
                           "approved_at": start.isoformat(), "closed_at": None, "deleted": False}), start, None)
        for m in range(10):
            u = rng.randrange(1, users + 1)
            since = start + timedelta(days=rng.randrange(0, 365 * YEARS))
            until = since + timedelta(days=rng.randrange(30, 900))
            yield ("project_members", f"{p}-{m}", u, p, None, None,
                   json.dumps({"project_id": p, "user_id": u, "state": "active"}), since,
                   until if until < end else None)
        if rng.random() < 0.1:
            since = start + timedelta(days=rng.randrange(0, 365 * YEARS))
            yield ("locks", str(p), None, p, inst, None,
                   json.dumps({"case_id": None, "scope": "project", "user_id": None, "project_id": p,
                               "institution_id": inst, "scheme": None, "starts_at": since.isoformat(),
                               "ends_at": (since + timedelta(days=90)).isoformat(), "open_end": None,
                               "lifted_at": None}), since, None)


async def seed(url: str, users: int, start: datetime) -> int:
    import asyncpg

    conn = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        count, batch = 0, []
        for row in history_rows(users, start):
            batch.append(row)
            if len(batch) == 200_000:
                await conn.copy_records_to_table("fact_history", records=batch, columns=COLUMNS)
                count, batch = count + len(batch), []
        await conn.copy_records_to_table("fact_history", records=batch, columns=COLUMNS)
        await conn.execute("ANALYZE fact_history")
        return count + len(batch)
    finally:
        await conn.close()


async def measure(users: int, requests: int, start: datetime) -> dict[str, float]:
    from sqlalchemy import select

    from boa.history import timeline
    from boa.history.asof import facts_at
    from boa.history.models import fact_history as fh
    from boa.kernel.access import decide
    from boa.kernel.db import make_engine, transaction
    from boa.kernel.settings import get_settings

    engine = make_engine(get_settings())
    rng = random.Random(7)
    replay, project_year = [], []
    try:
        async with transaction(engine) as session:
            first = start
            for _ in range(requests):
                at = start + timedelta(days=rng.randrange(1, 365 * YEARS - 1))
                number = str(700000 + rng.randrange(1, projects_for(users) + 1))
                person = ident(rng.randrange(1, users + 1))
                began = time.perf_counter()
                decide("project_access", await facts_at(session, person, "project_access", number, at))
                replay.append((time.perf_counter() - began) * 1000)

                span = timeline.Window(at - timedelta(days=365), at)
                began = time.perf_counter()
                members = set(await session.scalars(select(fh.c.user_id).where(
                    fh.c.table_name == "project_members", fh.c.project_id == int(number) - 700000,
                    timeline.overlapping(span.start, span.end))))
                for u in members:
                    await timeline.pair(session, ident(u), number, span, first)
                project_year.append((time.perf_counter() - began) * 1000)
    finally:
        await engine.dispose()
    return {"replay_p50": percentile(replay, 50), "replay_p95": percentile(replay, 95),
            "project_year_p50": percentile(project_year, 50), "project_year_p95": percentile(project_year, 95)}


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--admin-url", default="postgresql+asyncpg://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    url = await fresh_postgres(args.admin_url, "boa_bench_history")
    prepare_env(tmp_var_dir("boa-bench-history-"), url)
    from boa.migrate import upgrade

    await asyncio.to_thread(upgrade, url)
    start = datetime(2016, 1, 1, tzinfo=UTC)
    began = time.perf_counter()
    count = await seed(url, args.users, start)
    seeded = time.perf_counter() - began
    figures = await measure(args.users, args.requests, start)
    print(json.dumps({"users": args.users, "projects": projects_for(args.users), "history_rows": count,
                      "seed_seconds": round(seeded, 1), **{k: round(v, 1) for k, v in figures.items()}}))


if __name__ == "__main__":
    asyncio.run(main())
