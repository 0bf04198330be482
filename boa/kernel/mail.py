"""Outgoing e-mail. Mail is queued on the database session and sent only after the commit,
so a rolled-back change never sends a letter. Without ``BOA_SMTP_HOST`` mail goes to an
outbox file (``var/outbox/mail.jsonl``), which the demo uses."""

from __future__ import annotations

import json
import logging
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from boa.kernel import clock
from boa.kernel.settings import Settings, get_settings

log = logging.getLogger("boa.kernel.mail")
_KEY = "boa_mail_queue"


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    body: str


def queue(session: AsyncSession, to: str | None, subject: str, body: str) -> None:
    if not to:
        return
    session.sync_session.info.setdefault(_KEY, []).append(Mail(to, subject, body))


def deliver(mail: Mail, settings: Settings | None = None) -> None:
    settings = settings or get_settings()
    if not settings.smtp_host:
        outbox = settings.outbox_dir / "mail.jsonl"
        outbox.parent.mkdir(parents=True, exist_ok=True)
        line = json.dumps({"at": clock.now().isoformat(), "to": mail.to, "subject": mail.subject,
                           "body": mail.body}, ensure_ascii=False)
        with Path(outbox).open("a", encoding="utf-8") as fh:
            fh.write(line + "\n")
        return
    msg = EmailMessage()
    msg["From"] = settings.mail_from
    msg["To"] = mail.to
    msg["Subject"] = mail.subject
    msg.set_content(mail.body)
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=10) as smtp:
        if settings.smtp_starttls:
            smtp.starttls()
        if settings.smtp_user:
            smtp.login(settings.smtp_user, settings.smtp_password or "")
        smtp.send_message(msg)


@event.listens_for(Session, "after_commit")
def _send_after_commit(session: Session) -> None:
    for mail in session.info.pop(_KEY, []):
        try:
            deliver(mail)
        except (OSError, smtplib.SMTPException):
            log.exception("mail to %s could not be delivered", mail.to)


@event.listens_for(Session, "after_rollback")
def _drop_after_rollback(session: Session) -> None:
    session.info.pop(_KEY, None)
