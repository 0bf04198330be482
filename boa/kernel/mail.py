"""Outgoing e-mail. Mail is queued on the database session and sent only after the commit,
so a rolled-back change never sends a letter. Without ``BOA_SMTP_HOST`` mail goes to an
outbox file (``var/outbox/mail.jsonl``), which the demo uses."""

from __future__ import annotations

import json
import logging
import smtplib
from dataclasses import dataclass
from datetime import date, datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import jinja2
from babel.dates import format_date, format_datetime
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from boa.kernel import clock
from boa.kernel.settings import SEED_DATA, Settings, get_settings

log = logging.getLogger("boa.kernel.mail")
_KEY = "boa_mail_queue"


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    body: str


LANGUAGES = ("da", "en")
COPENHAGEN = ZoneInfo("Europe/Copenhagen")
TEMPLATES = SEED_DATA / "mail"
_templates = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), undefined=jinja2.StrictUndefined,
                                autoescape=False, keep_trailing_newline=False)  # noqa: S701 - plain-text mail


def render(template: str, lang: str | None, **context: Any) -> tuple[str, str]:
    """The subject and body of ``seed_data/mail/<template>.<lang>.txt`` (Danish when the language is
    unknown). A template's first line is ``Subject: ...``; the body follows a blank line."""
    language = lang if lang in LANGUAGES else LANGUAGES[0]
    text = _templates.get_template(f"{template}.{language}.txt").render(lang=language, **context)
    head, _, body = text.partition("\n\n")
    if not head.startswith("Subject: "):
        raise ValueError(f"mail template {template}.{language}.txt does not start with 'Subject: '")
    return head.removeprefix("Subject: ").strip(), body.strip() + "\n"


def local_time(moment: datetime, lang: str | None) -> str:
    """A time as a mail shows it: Copenhagen time, in the reader's way of writing it."""
    return format_datetime(moment.astimezone(COPENHAGEN), "d. MMM y 'kl.' HH.mm" if lang != "en" else
                           "d MMM y, HH:mm", locale="en_GB" if lang == "en" else "da_DK")


def local_date(day: date, lang: str | None) -> str:
    return format_date(day, "d. MMMM y" if lang != "en" else "d MMMM y", locale="en_GB" if lang == "en" else "da_DK")


def send(session: AsyncSession, *, to: str | None, template: str, lang: str | None, **context: Any) -> None:
    """A mail to ``to`` from a template in the recipient's language, sent only if the change commits."""
    if not to:
        return
    subject, body = render(template, lang, **context)
    queue(session, to, subject, body)


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
