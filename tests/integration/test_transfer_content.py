"""The store and the database stay in step: a rolled-back delete puts the blob back, concurrent
submits of one transfer store it once, and a delete racing a submit of the same content never
leaves a transferred file without its blob."""

from __future__ import annotations

import asyncio

from sqlalchemy import select

from boa.kernel.actor import Actor
from boa.kernel.db import session_maker, transaction
from boa.kernel.errors import Conflict
from boa.people.models import User
from boa.transfers import portal, service
from boa.transfers.content import release_content
from boa.transfers.models import TransferFile
from tests.transfer_helpers import CLEAN_TABLE, project_no, upload


async def _actor(engine, ident: str) -> Actor:
    async with transaction(engine) as s:
        return Actor(user=await s.scalar(select(User).where(User.ident == ident)))


async def _ready(client, headers, number: str, data: str) -> tuple[str, str]:
    r = await upload(client, headers, number, [("t.tab", data)])
    assert r.status_code == 201, r.text
    return r.json()["id"], r.json()["files"][0]["id"]


async def test_a_rolled_back_delete_puts_the_blob_back(client, as_user, demo, gate):
    store, resa = gate.store, await as_user("RESA")
    tid, fid = await _ready(client, resa, await project_no(demo), CLEAN_TABLE)
    assert (await client.post(f"/v1/transfers/{tid}/submit", headers=resa, json={"approve": True})).status_code == 200
    [sha] = list(store.blobs())
    async with session_maker(demo)() as s:
        await s.begin()
        target = await s.get(TransferFile, int(fid))
        assert await release_content(s, target, store) is True
        assert not store.has(sha)
        await s.rollback()
    assert store.verify(sha) and not any(store.trash_dir.iterdir())


async def test_concurrent_submits_transfer_once(client, as_user, demo, gate):
    resa = await as_user("RESA")
    tid, _ = await _ready(client, resa, await project_no(demo), CLEAN_TABLE)
    actor = await _actor(demo, "RESA")

    async def submit() -> str:
        try:
            await _submit(demo, actor, tid)
            return "ok"
        except Conflict as err:
            return err.code

    results = await asyncio.gather(*(submit() for _ in range(5)))
    assert sorted(results) == ["already_transferred"] * 4 + ["ok"]
    assert len(list(gate.store.blobs())) == 1


async def _delete(engine, actor: Actor, transfer_id: str, file_id: str) -> None:
    async with transaction(engine) as s:
        await portal.delete_file(s, actor=actor, transfer_id=transfer_id, file_id=file_id)


async def _submit(engine, actor: Actor, transfer_id: str) -> None:
    # submit commits part-way (it re-hashes the files with no transaction open), so no begin() block
    async with session_maker(engine)() as s:
        await service.submit(s, actor=actor, transfer_id=transfer_id, approve=True)
        await s.commit()


async def test_a_delete_racing_a_submit_of_the_same_content_keeps_the_blob(client, as_user, demo, gate):
    store = gate.store
    number = await project_no(demo)
    resa, resb = await as_user("RESA"), await as_user("RESB")
    actor_a, actor_b = await _actor(demo, "RESA"), await _actor(demo, "RESB")
    for round_ in range(4):
        data = CLEAN_TABLE + f"{900 + round_};{50 + round_}\n"
        t1, f1 = await _ready(client, resa, number, data)
        assert (await client.post(f"/v1/transfers/{t1}/submit", headers=resa, json={"approve": True})).status_code == 200
        t2, f2 = await _ready(client, resb, number, data)

        await asyncio.gather(_delete(demo, actor_a, t1, f1), _submit(demo, actor_b, t2))
        async with transaction(demo) as s:
            second = await s.get(TransferFile, int(f2))
            assert second.state == "transferred" and second.content_key == second.sha256
        assert store.verify(second.sha256), round_
