"""The onboarding as the person sees it (the user agreement, a certification attempt and its
result): msgspec Structs both faces show, built by pure functions from rows already loaded
(:mod:`boa.people.onboarding_views` loads). Texts are in the reader's language (``da`` or ``en``);
an attempt never shows which option is right."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import msgspec
from msgspec import UNSET, UnsetType

from boa.kernel import clock
from boa.kernel.domain import LANGUAGES
from boa.people import certification_rules as rules
from boa.people.models import CertificationAttempt, UserAgreementVersion


def language(value: str | None) -> str:
    return value if value in LANGUAGES else "da"


class UserAgreementView(msgspec.Struct, kw_only=True):
    """The current user agreement (``version`` is None while none is published) and the version the
    reader accepted, and when."""

    version: int | None
    title: str | None
    text: str | None
    issued_on: str | None
    accepted_version: int | None
    accepted_at: str | None


def user_agreement(current: UserAgreementVersion | None, lang: str, accepted_version: int | None,
                   accepted_at: datetime | None) -> UserAgreementView:
    issued: date | None = current.issued_on if current else None
    return UserAgreementView(version=current.version if current else None,
                             title=current.titles[language(lang)] if current else None,
                             text=current.texts[language(lang)] if current else None,
                             issued_on=issued.isoformat() if issued else None,
                             accepted_version=accepted_version, accepted_at=clock.iso(accepted_at))


class OptionView(msgspec.Struct):
    id: str
    text: str


class QuestionView(msgspec.Struct):
    id: str
    text: str
    options: list[OptionView]


class AttemptView(msgspec.Struct, kw_only=True):
    """A started attempt: its questions with the options in the order drawn for it, to be answered
    by ``expires_at``."""

    id: str
    started_at: str | None
    expires_at: str
    questions: list[QuestionView]


def questions(shown: list[dict[str, Any]], lang: str) -> list[QuestionView]:
    lang = language(lang)
    return [QuestionView(id=q["id"], text=q["text"][lang],
                         options=[OptionView(id=o["id"], text=o["text"][lang]) for o in q["options"]])
            for q in shown]


def attempt(row: CertificationAttempt, lang: str) -> AttemptView:
    return AttemptView(id=str(row.id), started_at=clock.iso(row.attempted_at),
                       expires_at=rules.deadline(row.attempted_at).isoformat(), questions=questions(row.shown, lang))


class AttemptResult(msgspec.Struct, kw_only=True):
    """A submitted attempt's score (never which answers were wrong); ``certified_until`` after a pass."""

    passed: bool
    correct: int
    of: int
    attempts_left_today: int
    certified_until: str | UnsetType = UNSET


def result(row: CertificationAttempt, attempts_left_today: int, certified_until: datetime | None) -> AttemptResult:
    out = AttemptResult(passed=bool(row.passed), correct=row.correct or 0, of=row.questions,
                        attempts_left_today=attempts_left_today)
    if row.passed and certified_until is not None:
        out.certified_until = clock.aware(certified_until).isoformat()
    return out
