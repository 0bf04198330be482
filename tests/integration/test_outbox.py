"""Mail through the outbox: written in the transaction of the change, delivered by the worker to a
real SMTP server (aiosmtpd) in the reader's language, retried after a back-off (the clock moves,
nobody sleeps), given up after the last try, sent once after a worker died holding a claim."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from boa.kernel import clock, mail, outbox
from boa.kernel.db import make_engine, transaction
from boa.kernel.jobs import InProcess
from boa.kernel.models import OutboxMail
from boa.kernel.settings import get_settings
from tests.helpers import mails

LINK = {"ident": "NINA", "code": "SECRETCODE12", "link": "http://x/activate?code=SECRETCODE12",
        "expires": "1 Dec 2026, 10:00"}


async def write(engine, *recipients: tuple[str, str]) -> None:
    async with transaction(engine) as session:
        for to, lang in recipients:
            mail.send(session, to=to, template="activation", lang=lang, name="Nina New", **LINK)


async def rows(engine) -> list[OutboxMail]:
    async with transaction(engine) as session:
        return list(await session.scalars(select(OutboxMail).order_by(OutboxMail.id)))


async def test_a_mail_is_delivered_by_the_worker_in_the_readers_language(db, smtp):
    await write(db, ("nina@uni.example", "en"), ("niels@uni.example", "da"))
    assert smtp.messages == []  # written, not sent: the worker sends
    waiting = await rows(db)
    assert [(m.state, m.attempts, m.language) for m in waiting] == [("pending", 0, "en"), ("pending", 0, "da")]

    report = await outbox.deliver_due(db)
    assert report.as_dict() == {"sent": 2, "retried": 0, "failed": 0}
    by_rcpt = {m["To"]: m for m in smtp.messages}
    assert by_rcpt["nina@uni.example"]["Subject"] == "Activate your access to Statistics Denmark's microdata"
    assert by_rcpt["nina@uni.example"]["Content-Language"] == "en"
    assert "Dear Nina New" in by_rcpt["nina@uni.example"].get_content()
    assert by_rcpt["niels@uni.example"]["Subject"] == "Aktivér din adgang til Danmarks Statistiks mikrodata"
    assert "Kære Nina New" in by_rcpt["niels@uni.example"].get_content()
    sent = await rows(db)
    assert {m["Message-ID"] for m in smtp.messages} == {m.message_id for m in sent}
    assert all(m.state == "sent" and m.sent_at is not None and m.attempts == 1 for m in sent)
    assert all(m.body == "" for m in sent)  # a delivered body (an activation code) is not kept
    assert (await outbox.deliver_due(db)).sent == 0 and len(smtp.messages) == 2


async def test_a_rolled_back_change_sends_nothing(db, smtp):
    with pytest.raises(RuntimeError):
        async with transaction(db) as session:
            mail.send(session, to="nina@uni.example", template="activation", lang="en", name="Nina", **LINK)
            await session.flush()
            raise RuntimeError("the change fails after the mail was written")
    assert await rows(db) == []
    await outbox.deliver_due(db)
    assert smtp.messages == []


async def test_creating_a_user_sends_the_activation_mail_through_the_outbox(client, as_user, smtp):
    staff = await as_user("STAF")
    r = await client.post("/v1/users", headers=staff, json={"name": "Nina New", "email": "nina@uni.example"})
    assert r.status_code == 201
    assert smtp.messages == []  # the request wrote a row and answered; it sent nothing
    await outbox.deliver_due(client._transport.app.state.boa_engine)
    assert [m["To"] for m in smtp.messages] == ["nina@uni.example"]
    assert r.json()["ident"] in smtp.messages[0].get_content()


async def test_a_refusing_server_gets_the_mail_after_the_back_off(db, smtp, caplog):
    smtp.refuse = 1
    await write(db, ("nina@uni.example", "en"))
    with caplog.at_level(logging.WARNING, logger="boa.kernel.outbox"):
        assert (await outbox.deliver_due(db)).retried == 1
    [row] = await rows(db)
    assert row.state == "pending" and row.attempts == 1 and "451" in (row.last_error or "")
    assert clock.aware(row.next_attempt_at) - clock.now() <= timedelta(seconds=60)
    assert "not delivered (try 1 of 10)" in caplog.text and "SECRETCODE12" not in caplog.text

    assert (await outbox.deliver_due(db)).sent == 0  # not due before its back-off
    clock.travel(timedelta(seconds=61))
    assert (await outbox.deliver_due(db)).sent == 1
    assert smtp.refused == 1 and [m["To"] for m in smtp.messages] == ["nina@uni.example"]
    [row] = await rows(db)
    assert row.state == "sent" and row.attempts == 2 and row.last_error is None


async def test_the_back_off_doubles_and_the_mail_fails_after_the_last_try(db, smtp, monkeypatch, caplog):
    monkeypatch.setenv("BOA_MAIL_MAX_ATTEMPTS", "3")
    get_settings.cache_clear()
    smtp.refuse = 100
    await write(db, ("nina@uni.example", "en"))
    waits = []
    with caplog.at_level(logging.WARNING, logger="boa.kernel.outbox"):
        for _ in range(3):
            await outbox.deliver_due(db)
            [row] = await rows(db)
            if row.state == "pending":
                waits.append(round((clock.aware(row.next_attempt_at) - clock.now()).total_seconds()))
                clock.travel(timedelta(seconds=waits[-1] + 1))
    assert waits == [60, 120]
    assert row.state == "failed" and row.attempts == 3 and row.body  # kept for an operator's retry
    assert "failed after 3 tries" in caplog.text and "SECRETCODE12" not in caplog.text
    status = await outbox.status(db)
    assert status["counts"]["failed"] == 1 and status["failed"][0]["to"] == "nina@uni.example"

    smtp.refuse = 0
    assert await outbox.retry_failed(db) == 1
    assert (await outbox.deliver_due(db)).sent == 1 and len(smtp.messages) == 1


async def test_a_refused_recipient_fails_at_once_and_the_others_go(db, smtp):
    smtp.unknown = {"nobody@uni.example"}
    await write(db, ("nobody@uni.example", "en"), ("nina@uni.example", "en"))
    report = await outbox.deliver_due(db)
    assert (report.sent, report.failed) == (1, 1)
    states = {m.recipient: (m.state, m.last_error) for m in await rows(db)}
    assert states["nobody@uni.example"][0] == "failed" and "550" in states["nobody@uni.example"][1]
    assert states["nina@uni.example"][0] == "sent"


async def test_an_unreachable_relay_is_tried_again(db, monkeypatch):
    monkeypatch.setenv("BOA_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("BOA_SMTP_PORT", "1")  # nothing listens there
    get_settings.cache_clear()
    try:
        await write(db, ("nina@uni.example", "en"), ("niels@uni.example", "da"))
        assert (await outbox.deliver_due(db)).retried == 2
        assert {m.state for m in await rows(db)} == {"pending"}
    finally:
        get_settings.cache_clear()


async def test_a_worker_that_died_holding_a_claim_loses_nothing_and_the_mail_goes_once(db, smtp):
    await write(db, ("nina@uni.example", "en"))
    settings = get_settings()
    claimed = await outbox.claim(db, settings)  # a worker claims it ... and dies before sending
    assert [c.attempt for c in claimed] == [1]

    # The process restarts (a new engine): the claim's lease still holds, nothing is sent twice.
    restarted = make_engine(settings)
    try:
        assert (await outbox.deliver_due(restarted)).sent == 0 and smtp.messages == []
        clock.travel(timedelta(seconds=settings.mail_lease_seconds + 1))
        assert (await outbox.deliver_due(restarted)).sent == 1
        assert (await outbox.deliver_due(restarted)).sent == 0
    finally:
        await restarted.dispose()
    assert len(smtp.messages) == 1
    [row] = await rows(db)
    assert row.state == "sent" and row.attempts == 2

    # Had the first worker come back after all, it may not mark the claim that is no longer its.
    report = outbox.Report()
    await outbox.record(db, claimed, [None], settings, report)
    assert report.sent == 0 and report.lost_claims == [row.id]


async def test_a_claim_whose_worker_died_during_the_last_try_fails(db, smtp, monkeypatch):
    monkeypatch.setenv("BOA_MAIL_MAX_ATTEMPTS", "1")
    get_settings.cache_clear()
    await write(db, ("nina@uni.example", "en"))
    await outbox.claim(db, get_settings())
    clock.travel(timedelta(seconds=get_settings().mail_lease_seconds + 1))
    await outbox.deliver_due(db)
    [row] = await rows(db)
    assert row.state == "failed" and "died" in (row.last_error or "") and smtp.messages == []


async def test_two_workers_racing_deliver_each_mail_once(db, smtp):
    """On PostgreSQL the claims skip each other's rows (SKIP LOCKED); on SQLite they queue."""
    await write(db, *((f"user{i}@uni.example", "da") for i in range(35)))
    reports = await asyncio.gather(*(outbox.deliver_due(db) for _ in range(4)))
    assert sum(r.sent for r in reports) == 35
    ids = [m["Message-ID"] for m in smtp.messages]
    assert len(ids) == 35 and len(set(ids)) == 35


async def test_without_a_relay_mail_goes_to_the_outbox_file(db):
    await write(db, ("nina@uni.example", "en"))
    [line] = await mails()  # mails() delivers what is due, as the worker would, then reads the file
    assert (line["to"], line["lang"], line["template"]) == ("nina@uni.example", "en", "activation")
    assert line["message_id"] == (await rows(db))[0].message_id


async def test_sent_mails_are_forgotten_after_thirty_days(db):
    await write(db, ("nina@uni.example", "en"))
    await outbox.deliver_due(db)
    assert await outbox.forget_sent(db) == 0
    clock.travel(timedelta(days=31))
    assert await outbox.forget_sent(db) == 1
    async with transaction(db) as session:
        assert await session.scalar(select(func.count(OutboxMail.id))) == 0


async def test_the_in_process_worker_delivers_within_seconds(db):
    worker = InProcess(db, poll=0.05)
    worker.start()
    try:
        await write(db, ("nina@uni.example", "en"))
        for _ in range(100):
            if (await rows(db))[0].state == "sent":
                break
            await asyncio.sleep(0.05)
    finally:
        await worker.stop()
    assert (await rows(db))[0].state == "sent"
    path = get_settings().outbox_dir / "mail.jsonl"
    assert path.read_text(encoding="utf-8").count("nina@uni.example") == 1
