"""The certification's pure rules and the two seed files of the onboarding."""

from __future__ import annotations

import copy
import json
import random
from datetime import UTC, datetime, timedelta

import pytest

from boa.kernel import clock
from boa.kernel.errors import ValidationFailed
from boa.people import certification_rules as rules
from boa.people.user_agreements import parse_versions, seed_versions


def test_the_shipped_bank_is_well_formed_and_holds_the_rules_as_data():
    bank = rules.bank()
    assert (bank.per_attempt, bank.attempts_per_day, bank.valid_days, bank.renewal_window_days) == (10, 3, 365, 60)
    assert len(bank.questions) == 33
    assert all(len(q.options) >= 2 and q.text["da"] and q.text["en"] for q in bank.questions)


@pytest.mark.parametrize("change", [
    lambda d: d["questions"][0].update(answer="x"),
    lambda d: d["questions"][1].update(id=d["questions"][0]["id"]),
    lambda d: d["questions"][0]["options"][0].pop("en"),
    lambda d: d["questions"][0]["text"].update(da=" "),
    lambda d: d.update(per_attempt=40),
    lambda d: d.update(attempts_per_day=0),
    lambda d: d.update(renewal_window_days=400),
    lambda d: d["questions"][0].update(options=d["questions"][0]["options"][:1]),
])
def test_a_broken_bank_is_refused(change):
    data = json.loads(rules.BANK_FILE.read_text(encoding="utf-8"))
    broken = copy.deepcopy(data)
    change(broken)
    with pytest.raises(rules.InvalidBank):
        rules.parse_bank(broken)


def test_draw_takes_ten_distinct_questions_with_their_options_shuffled():
    bank = rules.bank()
    shown = rules.draw(bank, random.Random(7))
    assert len(shown) == 10 and len({q["id"] for q in shown}) == 10
    by_id = {q.id: q for q in bank.questions}
    for q in shown:
        assert sorted(o["id"] for o in q["options"]) == sorted(o for o, _ in by_id[q["id"]].options)
        assert q["answer"] == by_id[q["id"]].answer
    orders = {tuple(o["id"] for o in q["options"]) for seed in range(20) for q in rules.draw(bank, random.Random(seed))
              if q["id"] == "q01"}
    assert len(orders) > 1  # the options come in more than one order


def test_score_counts_right_answers_and_refuses_what_does_not_fit():
    shown = rules.draw(rules.bank(), random.Random(1))
    right = {q["id"]: q["answer"] for q in shown}
    assert rules.score(shown, right) == 10
    first = shown[0]
    wrong = next(o["id"] for o in first["options"] if o["id"] != first["answer"])
    assert rules.score(shown, {**right, first["id"]: wrong}) == 9
    for answers, code in (({**right, "q99": "a"}, "unknown_question"), ({**right, first["id"]: "zz"}, "unknown_option"),
                          ({}, "answers_missing")):
        with pytest.raises(ValidationFailed) as refused:
            rules.score(shown, answers)
        assert refused.value.code == code


@pytest.mark.parametrize(("moment", "start", "hours"), [
    (datetime(2031, 1, 15, 23, 30, tzinfo=UTC), datetime(2031, 1, 15, 23, tzinfo=UTC), 24),  # CET
    (datetime(2031, 7, 15, 21, 59, tzinfo=UTC), datetime(2031, 7, 14, 22, tzinfo=UTC), 24),  # CEST
    (datetime(2031, 3, 30, 12, tzinfo=UTC), datetime(2031, 3, 29, 23, tzinfo=UTC), 23),  # clocks go forward
    (datetime(2031, 10, 26, 12, tzinfo=UTC), datetime(2031, 10, 25, 22, tzinfo=UTC), 25),  # and back
])
def test_the_office_day_is_copenhagens(moment, start, hours):
    begins, ends = clock.office_day(moment)
    assert begins == start and ends - begins == timedelta(hours=hours)
    assert rules.next_day(moment) == ends
    assert rules.retry_after(moment) == int((ends - moment).total_seconds())


def test_retry_after_rounds_up_and_is_never_zero():
    assert rules.retry_after(datetime(2031, 1, 15, 22, 59, 59, 500_000, tzinfo=UTC)) == 1


def test_validity_renewal_window_and_attempt_time():
    bank = rules.bank()
    passed = datetime(2031, 3, 2, 9, tzinfo=UTC)
    until = rules.certified_until(bank, passed)
    assert until == datetime(2032, 3, 1, 9, tzinfo=UTC)  # 365 days, over 29 February 2032
    assert rules.renewal_opens(bank, until) == datetime(2032, 1, 1, 9, tzinfo=UTC)
    assert rules.renewal_opens(bank, until.replace(tzinfo=None)) == datetime(2032, 1, 1, 9, tzinfo=UTC)  # SQLite
    assert rules.renewal_opens(bank, None) is None
    assert rules.deadline(passed) == passed + timedelta(hours=1)
    assert rules.attempts_left(bank, 0) == 3 and rules.attempts_left(bank, 5) == 0


def test_the_user_agreement_seed_has_both_languages_per_version():
    versions = seed_versions()
    assert [v.version for v in versions] == sorted({v.version for v in versions}) and versions[0].version == 1
    assert all(v.titles["da"] and v.texts["en"] and v.issued_on for v in versions)
    with pytest.raises(ValueError, match="Danish and English"):
        parse_versions({"versions": [{"version": 2, "title": {"da": "T"}, "text": {"da": "x", "en": "y"}}]})
    with pytest.raises(ValueError, match="unique"):
        parse_versions({"versions": [{"version": 1, "title": {"da": "T", "en": "T"}, "text": {"da": "x", "en": "y"}}] * 2})
