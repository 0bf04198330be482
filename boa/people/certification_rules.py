"""The security certification's rules, pure (SPEC 2); the numbers are data, in the question bank
``seed_data/certification.json`` (read by :func:`bank`):

- An attempt draws ``per_attempt`` (10) questions at random from the bank and shuffles each
  question's options (:func:`draw`). What was drawn is kept on the attempt with each question's
  right option, so the answers are checked against what was shown, whatever the bank says later.
- All questions right passes; a failed attempt is told its score, never which answers were wrong
  (:func:`score`).
- At most ``attempts_per_day`` (3) attempts start per calendar day of the office
  (Europe/Copenhagen); an attempt counts from its start. The next is possible from the next
  midnight there (:func:`retry_after`).
- A pass is valid ``valid_days`` (365) days; a renewal starts no earlier than
  ``renewal_window_days`` (60) days before the expiry (:func:`renewal_opens`).
- An attempt is answered within :data:`ATTEMPT_TIME` (one hour) of its start.
"""

from __future__ import annotations

import hmac
import json
import math
import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

from boa.kernel import clock
from boa.kernel.domain import LANGUAGES, per_language
from boa.kernel.errors import ValidationFailed
from boa.kernel.settings import SEED_DATA

BANK_FILE = SEED_DATA / "certification.json"
ATTEMPT_TIME = timedelta(hours=1)


class InvalidBank(ValueError):
    """The question bank breaks its own shape (a test reads the shipped bank through this check)."""


@dataclass(frozen=True)
class Question:
    id: str
    topic: str
    text: dict[str, str]
    options: tuple[tuple[str, dict[str, str]], ...]  # (option id, its text per language)
    answer: str


@dataclass(frozen=True)
class Bank:
    per_attempt: int
    attempts_per_day: int
    valid_days: int
    renewal_window_days: int
    questions: tuple[Question, ...]


def _texts(value: Any, where: str) -> dict[str, str]:
    try:
        return per_language(value, where)
    except ValueError as exc:
        raise InvalidBank(str(exc)) from None


def _positive(data: Mapping[str, Any], key: str) -> int:
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidBank(f"{key} must be a positive integer")
    return value


def parse_bank(data: Mapping[str, Any]) -> Bank:
    questions = []
    for raw in data.get("questions") or []:
        qid = raw.get("id")
        options = tuple((o.get("id"), _texts({lang: o.get(lang) for lang in LANGUAGES}, f"{qid} option {o.get('id')}"))
                        for o in raw.get("options") or [])
        option_ids = [o for o, _ in options]
        if not isinstance(qid, str) or not qid or len(options) < 2 or len(set(option_ids)) != len(option_ids) \
                or not all(isinstance(o, str) and o for o in option_ids):
            raise InvalidBank(f"question {qid!r}: an id and two or more options with distinct ids are needed")
        if raw.get("answer") not in option_ids:
            raise InvalidBank(f"question {qid}: the answer {raw.get('answer')!r} is not one of its options")
        questions.append(Question(qid, str(raw.get("topic") or ""), _texts(raw.get("text"), qid), options, raw["answer"]))
    if len({q.id for q in questions}) != len(questions):
        raise InvalidBank("question ids must be unique")
    bank = Bank(_positive(data, "per_attempt"), _positive(data, "attempts_per_day"), _positive(data, "valid_days"),
                _positive(data, "renewal_window_days"), tuple(questions))
    if bank.per_attempt > len(questions):
        raise InvalidBank(f"the bank has {len(questions)} questions, fewer than the {bank.per_attempt} an attempt draws")
    if bank.renewal_window_days >= bank.valid_days:
        raise InvalidBank("the renewal window must be shorter than the validity")
    return bank


@lru_cache(maxsize=1)
def bank(path: Path = BANK_FILE) -> Bank:
    return parse_bank(json.loads(path.read_text(encoding="utf-8")))


# ---- an attempt ---------------------------------------------------------------------------------


def draw(questions: Bank, rng: random.Random) -> list[dict[str, Any]]:
    """``per_attempt`` questions at random, each with its options shuffled: what the attempt keeps
    (JSON), the right option of each included."""
    shown = []
    for q in rng.sample(questions.questions, questions.per_attempt):
        options = list(q.options)
        rng.shuffle(options)
        shown.append({"id": q.id, "text": q.text, "options": [{"id": o, "text": t} for o, t in options],
                      "answer": q.answer})
    return shown


def score(shown: list[dict[str, Any]], answers: Mapping[str, str]) -> int:
    """How many of the attempt's questions ``answers`` (question id → option id) gets right. Every
    question must be answered with one of its options, and only the attempt's questions."""
    ids = [q["id"] for q in shown]
    unknown = sorted(set(answers) - set(ids))
    if unknown:
        raise ValidationFailed("Some answers are to questions that are not in this attempt.",
                               code="unknown_question", field="answers", questions=unknown)
    bad = [q["id"] for q in shown if q["id"] in answers and answers[q["id"]] not in {o["id"] for o in q["options"]}]
    if bad:
        raise ValidationFailed("Some answers are not one of the question's options.",
                               code="unknown_option", field="answers", questions=bad)
    missing = [qid for qid in ids if qid not in answers]
    if missing:
        raise ValidationFailed("Answer every question.", code="answers_missing", field="answers", missing=missing)
    return sum(1 for q in shown if hmac.compare_digest(answers[q["id"]].encode(), q["answer"].encode()))


def deadline(started_at: datetime) -> datetime:
    return clock.aware(started_at) + ATTEMPT_TIME


# ---- the calendar -------------------------------------------------------------------------------


def attempts_left(questions: Bank, started_today: int) -> int:
    return max(0, questions.attempts_per_day - started_today)


def next_day(now: datetime) -> datetime:
    """The next midnight at the office, when the day's attempts start again."""
    return clock.office_day(now)[1]


def retry_after(now: datetime) -> int:
    """Whole seconds from ``now`` to the next midnight at the office (at least 1)."""
    return max(1, math.ceil((next_day(now) - now).total_seconds()))


def certified_until(questions: Bank, passed_at: datetime) -> datetime:
    return passed_at + timedelta(days=questions.valid_days)


def renewal_opens(questions: Bank, expires_at: datetime | None) -> datetime | None:
    """From when a certified person may start an attempt again; None without a certification."""
    if expires_at is None:
        return None
    return clock.aware(expires_at) - timedelta(days=questions.renewal_window_days)
