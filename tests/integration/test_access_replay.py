"""Decision replay (issue 21 item 2): random sequences of real changes through the API (a breach
locks the user and the project, a lock is lifted, a case dismissed, a member removed or added, an
association ended or approved, a token revoked or a new one activated, the clock moved so that the
certification or the project runs out), and after every step the live decision of each researcher
for each action is asked and kept with its moment. At the end, the decision replayed at each kept
moment (``GET /v1/access/decision?...&at=``) must be the live one, reasons and all.

The history the replay reads is written by the database's triggers (migration 0020), so this
also checks that no change the operations make escapes it."""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote

import pyotp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from boa.kernel import clock
from boa.kernel.db import transaction
from boa.people.models import User
from tests.fuzz.test_stateful import RESEARCHERS, World
from tests.helpers import bearer
from tokens.sessions import open_session

EXAMPLES = int(os.environ.get("BOA_REPLAY_EXAMPLES", "4"))
ACTIONS = ("portal", "login", "project_access", "transfer")
OPERATIONS = ("breach", "dismiss", "lift", "remove_member", "add_member", "end_association", "associate",
              "revoke_token", "new_token", "months_pass")
STEP = st.tuples(st.sampled_from(OPERATIONS), st.integers(min_value=0, max_value=7))


class Replayed(World):
    """The stateful fuzz's world, with tokens and time, and the live decisions kept per moment."""

    kept: list[tuple[datetime, str, str, dict[str, Any]]]

    async def reopen_sessions(self, engine) -> None:  # type: ignore[no-untyped-def]
        async with transaction(engine) as s:
            for ident in self.headers:
                user = await s.scalar(select(User).where(User.ident == ident))
                self.headers[ident] = bearer((await open_session(s, user)).token)

    async def revoke_token(self, n: int) -> None:
        ident = RESEARCHERS[n % len(RESEARCHERS)]
        me = (await self.call(ident, "GET", "/v1/me")).json()
        active = [t for t in me.get("tokens", []) if t["state"] == "active"]
        if active:
            await self.call(ident, "POST", f"/v1/tokens/{active[0]['id']}/revoke")

    async def new_token(self, n: int) -> None:
        ident = RESEARCHERS[n % len(RESEARCHERS)]
        r = await self.call(ident, "POST", f"/v1/users/{ident}/tokens", json={"kind": "totp"})
        if r.status_code in (200, 201):
            secret = pyotp.parse_uri(r.json()["provisioning_uri"]).secret
            await self.call(ident, "POST", f"/v1/tokens/{r.json()['id']}/activate",
                            json={"code": pyotp.TOTP(secret).at(clock.now())})

    async def months_pass(self, n: int) -> None:
        clock.travel(timedelta(days=30 * (n + 1)))

    async def keep_live(self) -> None:
        for ident in RESEARCHERS:
            for action in ACTIONS:
                at = clock.now()
                self.kept.append((at, ident, action, await self.decision(ident, action)))
        clock.travel(timedelta(seconds=1))

    async def replayed(self, at: datetime, ident: str, action: str) -> dict[str, Any]:
        r = await self.call("STAF", "GET", f"/v1/access/decision?ident={ident}&action={action}"
                                           f"&project={self.number}&at={quote(at.isoformat())}")
        assert r.status_code == 200, r.text
        return r.json()


@given(steps=st.lists(STEP, min_size=3, max_size=10))
@settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
async def test_the_replay_at_every_step_is_the_live_decision_then(client, db, steps):
    clock.reset()
    world = await Replayed.from_the_demo(client, db)
    world.kept = []
    await world.keep_live()
    for step in steps:
        world.steps.append(step)
        name, arg = step
        await getattr(world, name)(arg)
        if name == "months_pass":
            await world.reopen_sessions(db)
        await world.keep_live()
    await world.reopen_sessions(db)
    for at, ident, action, live in world.kept:
        assert await world.replayed(at, ident, action) == live, (at, ident, action, world.steps)
