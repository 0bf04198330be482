"""Outgoing e-mail. :func:`send` renders a template in the recipient's language and writes the
mail into the outbox (a row of ``outbox_mails``) in the caller's transaction: a rolled-back change
leaves no mail, a committed one is delivered by the worker (:mod:`boa.kernel.outbox`), with
retries, whatever happens to the process that wrote it."""

from __future__ import annotations

from datetime import date, datetime
from email.utils import make_msgid
from typing import Any
from zoneinfo import ZoneInfo

import jinja2
from babel.dates import format_date, format_datetime
from sqlalchemy.ext.asyncio import AsyncSession

from boa.kernel import clock
from boa.kernel.actor import Actor
from boa.kernel.models import MailState, OutboxMail
from boa.kernel.settings import SEED_DATA, get_settings

LANGUAGES = ("da", "en")
# Research Services' own mailbox (BOA_OFFICE_EMAIL) reads Danish.
OFFICE_LANGUAGE = "da"
COPENHAGEN = ZoneInfo("Europe/Copenhagen")
TEMPLATES = SEED_DATA / "mail"
_templates = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), undefined=jinja2.StrictUndefined,
                                autoescape=False, keep_trailing_newline=False)  # noqa: S701 - plain-text mail


def language(lang: str | None) -> str:
    """The language a mail is written in: the reader's, Danish when it is unknown."""
    return lang if lang in LANGUAGES else LANGUAGES[0]


def render(template: str, lang: str | None, **context: Any) -> tuple[str, str]:
    """The subject and body of ``seed_data/mail/<template>.<lang>.txt`` (Danish when the language is
    unknown). A template's first line is ``Subject: ...``; the body follows a blank line."""
    lang = language(lang)
    text = _templates.get_template(f"{template}.{lang}.txt").render(lang=lang, **context)
    head, _, body = text.partition("\n\n")
    if not head.startswith("Subject: "):
        raise ValueError(f"mail template {template}.{lang}.txt does not start with 'Subject: '")
    return head.removeprefix("Subject: ").strip(), body.strip() + "\n"


def local_time(moment: datetime, lang: str | None) -> str:
    """A time as a mail shows it: Copenhagen time, in the reader's way of writing it."""
    return format_datetime(clock.aware(moment).astimezone(COPENHAGEN),
                           "d. MMM y 'kl.' HH.mm" if lang != "en" else "d MMM y, HH:mm",
                           locale="en_GB" if lang == "en" else "da_DK")


def local_date(day: date | datetime, lang: str | None) -> str:
    """A day as a mail shows it; a time is first taken to Copenhagen (its day there)."""
    if isinstance(day, datetime):
        day = clock.aware(day).astimezone(COPENHAGEN).date()
    return format_date(day, "d. MMMM y" if lang != "en" else "d MMMM y", locale="en_GB" if lang == "en" else "da_DK")


@jinja2.pass_context
def _day_filter(context: Any, value: date | datetime) -> str:
    return local_date(value, context["lang"])


@jinja2.pass_context
def _time_filter(context: Any, value: datetime) -> str:
    return local_time(value, context["lang"])


# In a template: {{ expires | day }}, {{ expires | time }}, in the reader's language.
_templates.filters.update(day=_day_filter, time=_time_filter)


def by(actor: Actor) -> dict[str, str | None]:
    """Who did it, as a mail names them: a person by name and IDENT (``words.actor`` in a
    template); anyone else (the system, a service client) as Research Services."""
    user = actor.user
    return {"by_name": user.name if user else None, "by_ident": user.ident if user else None}


def message_id() -> str:
    """A Message-ID fixed when the mail is written, so a repeated delivery repeats it."""
    domain = get_settings().mail_from.rpartition("@")[2] or "localhost"
    return make_msgid(idstring="boa", domain=domain)


def send(session: AsyncSession, *, to: str | None, template: str, lang: str | None, **context: Any) -> None:
    """A mail to ``to`` from a template in the recipient's language, written to the outbox in the
    session's transaction: it is delivered only if the change commits. No address, no mail."""
    if not to:
        return
    lang = language(lang)
    subject, body = render(template, lang, **context)
    now = clock.now()
    session.add(OutboxMail(message_id=message_id(), recipient=to, subject=subject[:998], body=body, language=lang,
                           template=template, written_at=now, state=MailState.PENDING.value, attempts=0,
                           next_attempt_at=now))
