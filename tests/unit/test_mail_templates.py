"""Every mail template exists in Danish and English and starts with its subject; the reminders'
thresholds pick the most urgent reminder that is due, counting days in Copenhagen."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from boa.kernel import mail
from boa.kernel.reminders import threshold


def test_every_template_is_in_both_languages_with_a_subject():
    names = {p.name.split(".")[0] for p in mail.TEMPLATES.glob("*.txt") if not p.name.startswith("_")}
    assert {"activation", "breach_registered", "certification_expiry", "physical_token_not_activated"} <= names
    for name in names:
        for lang in mail.LANGUAGES:
            path = mail.TEMPLATES / f"{name}.{lang}.txt"
            assert path.exists(), path
            first = next(line for line in path.read_text(encoding="utf-8").splitlines()
                         if not line.startswith("{%-"))
            assert first.startswith("Subject: "), path


def test_dates_and_times_in_the_readers_language_and_copenhagen_time():
    moment = datetime(2027, 3, 1, 23, 30, tzinfo=UTC)  # 2 March in Copenhagen
    assert mail.local_date(moment, "da") == "2. marts 2027"
    assert mail.local_date(moment, "en") == "2 March 2027"
    assert mail.local_time(moment, "en") == "2 Mar 2027, 00:30"
    subject, body = mail.render("certification_expiry", "en", name="Nina", days=7, expires=moment, link="x")
    assert subject == "Your security certification expires on 2 March 2027" and "Dear Nina" in body
    assert mail.render("certification_expiry", "fr", name="Nina", days=7, expires=moment, link="x")[0].startswith(
        "Din sikkerhedscertificering")  # an unknown language reads Danish


def test_threshold_picks_the_most_urgent_due_reminder():
    now = datetime(2027, 1, 1, 12, tzinfo=UTC)
    assert threshold(now + timedelta(days=31), now, (30, 7)) is None
    assert threshold(now + timedelta(days=30), now, (30, 7)) == 30
    assert threshold(now + timedelta(days=8), now, (30, 7)) == 30
    assert threshold(now + timedelta(days=7), now, (30, 7)) == 7
    assert threshold(now + timedelta(hours=1), now, (30, 7)) == 7
    assert threshold(now, now, (30, 7)) is None  # a moment that has come: too late
    # A day counts from its start in Copenhagen, up to the day itself.
    assert threshold(date(2027, 1, 31), now, (30,)) == 30
    assert threshold(date(2027, 2, 1), now, (30,)) is None
    assert threshold(date(2027, 1, 1), now, (30,)) == 30
    assert threshold(date(2026, 12, 31), now, (30,)) is None
    late_evening = datetime(2027, 1, 1, 23, 30, tzinfo=UTC)  # 2 January in Copenhagen
    assert threshold(date(2027, 2, 1), late_evening, (30,)) == 30
