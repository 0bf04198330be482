"""Stateful fuzzing (issue 17 item 9): random sequences of real operations by several roles over
the API, with the invariants a gate must keep whatever happened before:

* no answer is a 5xx;
* nobody gets project access or a transfer through without an allowing decision: every upload,
  submit and portal listing by a researcher that succeeds is checked against
  ``GET /v1/access/decision`` asked right after it (nothing changes in between), and every
  decision that allows is checked the other way (an upload the decision allows goes through);
* the audit chain verifies after every sequence.

The operations are those that change what the decision reads: Research Services register a breach
(suspending the user and the project) and dismiss cases or lift locks; the administrator removes
and adds project members and asks for associations that the responsible person approves or ends.
Hypothesis draws the sequences (``BOA_FUZZ_EXAMPLES`` of them, up to 20 operations each) and
shrinks a failing one to the shortest sequence that still breaks an invariant.

Every sequence starts from the demo, loaded afresh. The people's sessions are opened directly in the
database, as the schemathesis test does: the login is not what is fuzzed here, and a login per
person and sequence would replay TOTP codes or move the clock."""

from __future__ import annotations

import os
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from boa.kernel.db import transaction
from boa.people.models import User
from tests.conftest import empty_database
from tests.helpers import bearer
from tests.sanction_helpers import breach, labour
from tests.transfer_helpers import CLEAN_TABLE, upload
from tokens.sessions import open_session

pytestmark = pytest.mark.fuzz
EXAMPLES = int(os.environ.get("BOA_FUZZ_EXAMPLES", "15"))
RESEARCHERS = ("RESA", "RESB")
INSTITUTION = "1"  # the demo's university, where RESA and RESB are associated

# Each step: an operation and a number that picks whom it concerns (a researcher, a case, a lock).
OPERATIONS = ("breach", "dismiss", "lift", "remove_member", "add_member", "end_association", "associate",
              "upload", "submit", "portal")
STEP = st.tuples(st.sampled_from(OPERATIONS), st.integers(min_value=0, max_value=7))


class World:
    """The people's sessions and what the sequence has made so far."""

    def __init__(self, client, headers: dict[str, dict[str, str]], number: str) -> None:
        self.client, self.headers, self.number = client, headers, number
        self.uploads: dict[str, list[str]] = {ident: [] for ident in RESEARCHERS}
        self.steps: list[tuple[Any, ...]] = []

    @classmethod
    async def from_the_demo(cls, client, engine) -> World:  # type: ignore[no-untyped-def]
        from boa.demo import load_demo

        await empty_database(engine)
        await load_demo(engine)
        headers = {}
        async with transaction(engine) as s:
            for ident in ("STAF", "SANC", "RESP", "ADMN", *RESEARCHERS):
                user = await s.scalar(select(User).where(User.ident == ident))
                headers[ident] = bearer((await open_session(s, user)).token)
        return cls(client, headers, await labour(client, headers["STAF"]))

    async def call(self, ident: str, method: str, path: str, **kw: Any):  # type: ignore[no-untyped-def]
        r = await self.client.request(method, path, headers=self.headers[ident], **kw)
        assert r.status_code < 500, f"{method} {path} as {ident} answered {r.status_code} after {self.steps}: {r.text}"
        return r

    async def decision(self, ident: str, action: str) -> dict[str, Any]:
        r = await self.call("STAF", "GET", f"/v1/access/decision?ident={ident}&action={action}&project={self.number}")
        assert r.status_code == 200, r.text
        return r.json()

    async def items(self, ident: str, path: str) -> list[dict[str, Any]]:
        r = await self.call(ident, "GET", path)
        assert r.status_code == 200, r.text
        return r.json()["items"]

    async def association(self, ident: str, state: str) -> dict[str, Any] | None:
        found = await self.items("RESP", f"/v1/institutions/{INSTITUTION}/associations?state={state}&q={ident}")
        return next((a for a in found if a["ident"] == ident), None)

    # -- the operations -------------------------------------------------------------------------
    async def breach(self, n: int) -> None:
        ident = RESEARCHERS[n % len(RESEARCHERS)]
        await self.call("SANC", "POST", "/v1/breaches", json=breach(ident, self.number))

    async def dismiss(self, n: int) -> None:
        open_cases = [c for c in await self.items("SANC", "/v1/breaches?limit=50") if c["state"] != "closed"]
        if open_cases:
            case = open_cases[n % len(open_cases)]
            await self.call("SANC", "POST", f"/v1/breaches/{case['id']}/dismiss", json={"comment": "fuzz"})

    async def lift(self, n: int) -> None:
        active = await self.items("SANC", "/v1/locks?active=true&limit=50")
        if active:
            await self.call("SANC", "POST", f"/v1/locks/{active[n % len(active)]['id']}/lift", json={"comment": "fuzz"})

    async def remove_member(self, n: int) -> None:
        ident = RESEARCHERS[n % len(RESEARCHERS)]
        await self.call("ADMN", "DELETE", f"/v1/projects/{self.number}/members/{ident}")

    async def add_member(self, n: int) -> None:
        ident = RESEARCHERS[n % len(RESEARCHERS)]
        await self.call("ADMN", "POST", f"/v1/projects/{self.number}/members", json={"ident": ident})

    async def end_association(self, n: int) -> None:
        ident = RESEARCHERS[n % len(RESEARCHERS)]
        current = await self.association(ident, "approved")
        if current is not None:
            await self.call("RESP", "POST", f"/v1/associations/{current['id']}/end")

    async def associate(self, n: int) -> None:
        ident = RESEARCHERS[n % len(RESEARCHERS)]
        r = await self.call("ADMN", "POST", f"/v1/institutions/{INSTITUTION}/associations", json={"ident": ident})
        if r.status_code in (200, 201):
            await self.call("RESP", "POST", f"/v1/associations/{r.json()['id']}/approve")

    async def upload(self, n: int) -> None:
        ident = RESEARCHERS[n % len(RESEARCHERS)]
        r = await upload(self.client, self.headers[ident], self.number, [("t.csv", CLEAN_TABLE)])
        assert r.status_code < 500, r.text
        allowed = (await self.decision(ident, "transfer"))["allowed"]
        if r.status_code == 201:
            assert allowed, f"{ident} uploaded without an allowing decision after {self.steps}"
            self.uploads[ident].append(r.json()["id"])
        else:
            assert not allowed, f"{ident}'s upload was refused ({r.text}) though the decision allows, after {self.steps}"

    async def submit(self, n: int) -> None:
        ident = RESEARCHERS[n % len(RESEARCHERS)]
        if not self.uploads[ident]:
            return
        transfer = self.uploads[ident].pop()
        r = await self.call(ident, "POST", f"/v1/transfers/{transfer}/submit", json={"approve": True})
        if r.status_code == 200:
            assert (await self.decision(ident, "transfer"))["allowed"], \
                f"{ident} transferred without an allowing decision after {self.steps}"

    async def portal(self, n: int) -> None:
        ident = RESEARCHERS[n % len(RESEARCHERS)]
        r = await self.call(ident, "GET", f"/v1/transfers?project={self.number}")
        if r.status_code == 200:
            assert (await self.decision(ident, "project_access"))["allowed"], \
                f"{ident} read the project's results without an allowing decision after {self.steps}"


@given(steps=st.lists(STEP, min_size=5, max_size=20))
@settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
async def test_random_sequences_keep_the_gates_invariants(client, db, steps):
    world = await World.from_the_demo(client, db)
    for step in steps:
        world.steps.append(step)
        name, arg = step
        await getattr(world, name)(arg)
    r = await world.call("STAF", "GET", "/v1/audit/verify")
    assert r.status_code == 200 and r.json()["ok"], r.text
