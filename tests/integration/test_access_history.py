"""The history of the access decision's facts is kept by the database (issue 21 item 1): a change
made with plain SQL, past every service, still closes one interval and opens the next at BOA's
clock; the replayed decision refuses a moment it cannot know."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import quote

from sqlalchemy import select, text

from boa.history.models import TRACKED, fact_history
from boa.kernel import clock
from boa.kernel.access_cache import WATCHED_TABLES
from boa.kernel.db import transaction
from boa.people.models import User
from tests.helpers import Sessions


def test_every_table_the_decision_reads_keeps_its_history():
    """A loader that starts reading a new table adds it to WATCHED_TABLES (the cache's notices):
    it must keep its history too (a new migration with its triggers)."""
    assert set(WATCHED_TABLES) - {"service_clients"} <= set(TRACKED)


async def _intervals(engine, ident: str) -> list[tuple]:
    async with transaction(engine) as s:
        user_id = await s.scalar(select(User.id).where(User.ident == ident))
        rows = await s.execute(select(fact_history.c.row_data, fact_history.c.valid_from, fact_history.c.valid_to)
                               .where(fact_history.c.table_name == "users", fact_history.c.row_id == str(user_id))
                               .order_by(fact_history.c.id))
        return [(data, clock.aware(start), clock.aware(end)) for data, start, end in rows]


async def test_a_change_by_plain_sql_is_kept_at_boas_clock(demo):
    before = await _intervals(demo, "RESA")
    assert len(before) == 1 and before[0][2] is None and before[0][0]["active"]
    assert "pin_hash" not in before[0][0] and before[0][0]["activated"]  # a PIN is kept only as set or not
    clock.travel(timedelta(days=40))
    moved = clock.now()
    async with transaction(demo) as s:
        await s.execute(text("UPDATE users SET active = :no WHERE ident = 'RESA'"), {"no": False})
        await s.execute(text("UPDATE users SET email = 'other@demo.boa.example' WHERE ident = 'RESA'"))
    after = await _intervals(demo, "RESA")
    assert len(after) == 2  # the e-mail is not a fact of the decision: no new interval
    (first, start, end), (second, begun, still) = after
    assert end == begun and still is None and not second["active"] and first["active"]
    assert abs(begun - moved) < timedelta(minutes=5)  # BOA's moved clock, not the database's own
    async with transaction(demo) as s:
        await s.execute(text("DELETE FROM tokens WHERE user_id = (SELECT id FROM users WHERE ident = 'RESA')"))
        open_tokens = await s.scalar(select(fact_history.c.id).where(
            fact_history.c.table_name == "tokens", fact_history.c.valid_to.is_(None),
            fact_history.c.user_id == select(User.id).where(User.ident == "RESA").scalar_subquery()))
    assert open_tokens is None  # a deleted row's interval is closed


async def test_the_replay_refuses_what_it_cannot_know(client, demo):
    staff = await Sessions(client)("STAF")
    ask = "/v1/access/decision?ident=RESA&action=login&at="
    now = clock.now()
    cases = {
        (now + timedelta(hours=1)).isoformat(): "time_in_future",
        (now - timedelta(days=3650)).isoformat(): "before_history",
        "yesterday": "validation_failed",
    }
    for at, code in cases.items():
        r = await client.get(ask + quote(at), headers=staff)
        assert r.status_code == 422 and r.json()["code"] == code, (at, r.text)
    r = await client.get(ask + quote(now.replace(tzinfo=None).isoformat()), headers=staff)
    assert r.status_code == 400 and "time zone" in r.json()["detail"], r.text  # the request line's guard
    r = await client.get(ask + quote(now.isoformat()), headers=staff)
    assert r.status_code == 200 and r.json()["allowed"] is True, r.text


async def test_the_replay_tells_the_reasons_of_then(client, demo):
    staff = await Sessions(client)("STAF")
    before = clock.now()
    clock.travel(timedelta(days=400))  # RESA's certification (a year) has run out since
    staff = await Sessions(client)("STAF")  # a session of a year ago has ended
    now_ = await client.get("/v1/access/decision?ident=RESA&action=login", headers=staff)
    assert "certification_expired" in [x["code"] for x in now_.json()["reasons"]]
    then = await client.get(f"/v1/access/decision?ident=RESA&action=login&at={quote(before.isoformat())}",
                            headers=staff)
    assert then.json() == {"allowed": True, "reasons": []}
    unknown = await client.get(f"/v1/access/decision?ident=ZZZZ&action=login&at={quote(before.isoformat())}",
                               headers=staff)
    assert unknown.json()["reasons"][0]["code"] == "user_unknown"
