"""Delivering the outbox (``outbox_mails``, written by :func:`boa.kernel.mail.send`).

:func:`deliver_due` is what the worker runs (``boa worker``, or the app's in-process loop on
SQLite): it claims due mails in a short transaction (PostgreSQL: ``FOR UPDATE SKIP LOCKED``, so
workers on several machines take different mails; SQLite serialises writers), sends them outside
any transaction and off the event loop (SMTP with ``BOA_SMTP_*`` in a thread; without
``BOA_SMTP_HOST`` one JSON line each in ``<var>/outbox/mail.jsonl``), then marks each sent, or
schedules its next try with a doubling back-off, or gives up after ``BOA_MAIL_MAX_ATTEMPTS``.

A claim is a lease: a worker that dies between claiming and marking leaves the mail ``sending``
until ``lease_until``, when any worker claims it again. Delivery is therefore at least once: if
the relay accepted a mail and the worker died before marking it sent, the mail goes again, with
the same Message-ID, which lets the relay or the reader's client drop the second copy."""

from __future__ import annotations

import asyncio
import json
import logging
import smtplib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any

from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from boa.kernel import clock
from boa.kernel.db import transaction
from boa.kernel.models import MailState, OutboxMail
from boa.kernel.queries import changed
from boa.kernel.settings import Settings, get_settings

log = logging.getLogger("boa.kernel.outbox")

BATCH = 10  # mails claimed at a time: BATCH x SMTP_TIMEOUT stays well inside the lease
SMTP_TIMEOUT = 20.0
LONGEST_BACKOFF = timedelta(hours=6)
KEEP_SENT = timedelta(days=30)  # sent rows (without their bodies) are kept this long
MAX_BATCHES = 100  # one run delivers at most BATCH x MAX_BATCHES mails, then yields to the next


@dataclass(frozen=True)
class Claimed:
    """A mail as its worker claimed it; ``attempt`` is the claim's number (the row's attempts)."""

    id: int
    attempt: int
    message_id: str
    recipient: str
    subject: str
    body: str
    language: str
    template: str
    written_at: datetime


@dataclass(frozen=True)
class Failure:
    error: str
    permanent: bool = False  # the relay refused it for good (5xx): no further tries


@dataclass
class Report:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    lost_claims: list[int] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"sent": self.sent, "retried": self.retried, "failed": self.failed}


def backoff(attempt: int, settings: Settings) -> timedelta:
    """The wait after the ``attempt``-th failed try: BOA_MAIL_RETRY_SECONDS, doubled each time,
    at most six hours."""
    return min(timedelta(seconds=settings.mail_retry_seconds * 2 ** (attempt - 1)), LONGEST_BACKOFF)


def _due(now: datetime) -> Any:
    return or_(and_(OutboxMail.state == MailState.PENDING, OutboxMail.next_attempt_at <= now),
               and_(OutboxMail.state == MailState.SENDING, OutboxMail.lease_until <= now))


async def claim(engine: AsyncEngine, settings: Settings, limit: int = BATCH) -> list[Claimed]:
    """Takes up to ``limit`` due mails (waiting for their next try, or claimed by a worker whose
    lease ran out) for this worker, in one short transaction."""
    async with transaction(engine) as session:
        now = clock.now()
        gave_up = list(await session.scalars(update(OutboxMail).where(
            OutboxMail.state == MailState.SENDING, OutboxMail.lease_until <= now,
            OutboxMail.attempts >= settings.mail_max_attempts).values(
            state=MailState.FAILED, lease_until=None,
            last_error="the worker died during the last try").returning(OutboxMail.id)))
        for mail_id in gave_up:
            log.error("mail %s failed: its worker died during the last of %d tries", mail_id,
                      settings.mail_max_attempts)
        rows = (await session.scalars(select(OutboxMail).where(_due(now)).order_by(
            OutboxMail.next_attempt_at, OutboxMail.id).limit(limit).with_for_update(skip_locked=True))).all()
        lease = now + timedelta(seconds=settings.mail_lease_seconds)
        for row in rows:
            row.state, row.attempts, row.lease_until = MailState.SENDING.value, row.attempts + 1, lease
        return [Claimed(row.id, row.attempts, row.message_id, row.recipient, row.subject, row.body, row.language,
                        row.template, clock.aware(row.written_at)) for row in rows]


def message(mail: Claimed, settings: Settings) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = settings.mail_from
    msg["To"] = mail.recipient
    msg["Subject"] = mail.subject
    msg["Date"] = format_datetime(mail.written_at)
    msg["Message-ID"] = mail.message_id
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(mail.body)
    msg["Content-Language"] = mail.language  # after the content, which sets the Content-* headers
    return msg


def _failure(exc: BaseException) -> Failure:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        return Failure(f"recipient refused: {', '.join(str(c) for c in codes)}", permanent=all(c >= 500 for c in codes))
    if isinstance(exc, smtplib.SMTPResponseException):
        text = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
        # A message the relay refuses for good (5xx at DATA); a refused sender or login is the
        # relay's configuration, which an operator can fix: tried again.
        return Failure(f"{exc.smtp_code} {text}"[:500], permanent=isinstance(exc, smtplib.SMTPDataError)
                       and exc.smtp_code >= 500)
    return Failure(f"{type(exc).__name__}: {exc}"[:500])


def _connect(settings: Settings) -> smtplib.SMTP:
    assert settings.smtp_host is not None
    smtp = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=SMTP_TIMEOUT)
    try:
        if settings.smtp_starttls:
            smtp.starttls()
        if settings.smtp_user:
            smtp.login(settings.smtp_user, settings.smtp_password or "")
    except BaseException:
        smtp.close()
        raise
    return smtp


def send_smtp(batch: Sequence[Claimed], settings: Settings) -> list[Failure | None]:
    """Sends the batch over one SMTP connection (blocking: run it in a thread). A refused mail does
    not stop the others; a relay that cannot be reached fails the rest of the batch as well."""
    outcomes: list[Failure | None] = []
    smtp: smtplib.SMTP | None = None
    try:
        for mail in batch:
            try:
                if smtp is None:
                    smtp = _connect(settings)
                smtp.send_message(message(mail, settings))
                outcomes.append(None)
            except (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError) as exc:
                outcomes.append(_failure(exc))  # this mail only; the connection goes on
            except (OSError, smtplib.SMTPException) as exc:
                failure = _failure(exc)
                outcomes.extend([failure] * (len(batch) - len(outcomes)))
                break
            except Exception as exc:  # this mail cannot be sent (an address smtplib cannot encode)
                outcomes.append(_failure(exc))
                if smtp is not None:
                    smtp.close()
                    smtp = None
    finally:
        if smtp is not None:
            try:
                smtp.quit()
            except (OSError, smtplib.SMTPException):
                smtp.close()
    return outcomes


def send_to_file(batch: Sequence[Claimed], settings: Settings) -> list[Failure | None]:
    """The demo's stand-in for a relay: one JSON line a mail in ``<var>/outbox/mail.jsonl``."""
    path = settings.outbox_dir / "mail.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [json.dumps({"at": clock.now().isoformat(), "message_id": m.message_id, "to": m.recipient,
                         "lang": m.language, "template": m.template, "subject": m.subject, "body": m.body},
                        ensure_ascii=False) + "\n" for m in batch]
    with path.open("a", encoding="utf-8") as fh:
        fh.writelines(lines)
    return [None] * len(batch)


async def record(engine: AsyncEngine, batch: Sequence[Claimed], outcomes: Sequence[Failure | None],
                 settings: Settings, report: Report) -> None:
    """Marks each mail of a claim sent, due again after its back-off, or failed. Only the worker's
    own claim is marked (a claim taken over after its lease ran out belongs to the other worker)."""
    async with transaction(engine) as session:
        now = clock.now()
        for mail, outcome in zip(batch, outcomes, strict=True):
            mine = update(OutboxMail).where(OutboxMail.id == mail.id, OutboxMail.state == MailState.SENDING,
                                            OutboxMail.attempts == mail.attempt)
            if outcome is None:
                # The body may carry an activation code: it is not kept once delivered.
                done = await changed(session, mine.values(state=MailState.SENT, sent_at=now, lease_until=None,
                                                          body="", last_error=None))
                report.sent += done
            elif outcome.permanent or mail.attempt >= settings.mail_max_attempts:
                done = await changed(session, mine.values(state=MailState.FAILED, lease_until=None,
                                                          last_error=outcome.error))
                report.failed += done
                if done:
                    log.error("mail %s (%s) failed after %d tries: %s", mail.id, mail.template, mail.attempt,
                              outcome.error)
            else:
                retry_at = now + backoff(mail.attempt, settings)
                done = await changed(session, mine.values(state=MailState.PENDING, lease_until=None,
                                                          next_attempt_at=retry_at, last_error=outcome.error))
                report.retried += done
                if done:
                    log.warning("mail %s (%s) not delivered (try %d of %d): %s; next try at %s", mail.id,
                                mail.template, mail.attempt, settings.mail_max_attempts, outcome.error,
                                retry_at.isoformat(timespec="seconds"))
            if not done:
                report.lost_claims.append(mail.id)
                log.warning("mail %s: the claim's lease ran out before it was marked; another worker has it",
                            mail.id)


async def deliver_due(engine: AsyncEngine, settings: Settings | None = None) -> Report:
    """Delivers every mail that is due now (at most MAX_BATCHES batches a run)."""
    settings = settings or get_settings()
    transport = send_smtp if settings.smtp_host else send_to_file
    report = Report()
    for _ in range(MAX_BATCHES):
        batch = await claim(engine, settings)
        if not batch:
            break
        try:
            outcomes = await asyncio.to_thread(transport, batch, settings)
        except Exception as exc:  # the outbox file cannot be written, ...: the whole batch tries again
            outcomes = [_failure(exc)] * len(batch)
        await record(engine, batch, outcomes, settings, report)
    return report


async def forget_sent(engine: AsyncEngine) -> int:
    """Deletes the rows of mails sent more than KEEP_SENT ago."""
    async with transaction(engine) as session:
        gone = await session.scalars(delete(OutboxMail).where(
            OutboxMail.state == MailState.SENT, OutboxMail.sent_at < clock.now() - KEEP_SENT).returning(OutboxMail.id))
        return len(gone.all())


async def status(engine: AsyncEngine) -> dict[str, Any]:
    """What an operator watches: mails per state, the oldest mail waiting, the failed ones."""
    async with transaction(engine) as session:
        counts = dict((await session.execute(select(OutboxMail.state, func.count(OutboxMail.id))
                                             .group_by(OutboxMail.state))).all())
        oldest = await session.scalar(select(func.min(OutboxMail.written_at)).where(
            OutboxMail.state.in_((MailState.PENDING, MailState.SENDING))))
        failed = (await session.scalars(select(OutboxMail).where(OutboxMail.state == MailState.FAILED)
                                        .order_by(OutboxMail.id))).all()
    return {"counts": {s.value: counts.get(s.value, 0) for s in MailState},
            "oldest_waiting": clock.iso(oldest),
            "failed": [{"id": m.id, "to": m.recipient, "template": m.template, "attempts": m.attempts,
                        "last_error": m.last_error} for m in failed]}


async def retry_failed(engine: AsyncEngine, ids: Sequence[int] = ()) -> int:
    """Puts failed mails (all, or those with these ids) back in the queue with their tries reset."""
    async with transaction(engine) as session:
        query = update(OutboxMail).where(OutboxMail.state == MailState.FAILED)
        if ids:
            query = query.where(OutboxMail.id.in_(ids))
        return await changed(session, query.values(state=MailState.PENDING, attempts=0, next_attempt_at=clock.now(),
                                                   last_error=None))
