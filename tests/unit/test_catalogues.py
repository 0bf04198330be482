"""The Danish and English catalogues cover every message the pages show."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.extract import extract_from_dir

from admin_ui import labels
from admin_ui.i18n import LANGUAGES, catalogue, gettext, pick_language
from boa.kernel.domain import INSTITUTION_KINDS, INSTITUTION_ROLES, SCHEME_KINDS, STAFF_ROLES
from schemes.researcher.states import State

ROOT = Path(__file__).resolve().parents[2]
METHODS = [("admin_ui/templates/**.html", "jinja2"), ("admin_ui/**.py", "python")]
OPTIONS = {"admin_ui/templates/**.html": {"extensions": "jinja2.ext.i18n"}}
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _extracted() -> set[str]:
    found = set()
    for _, _, message, _, _ in extract_from_dir(str(ROOT), METHODS, options_map=OPTIONS,
                                                keywords={"_": None, "gettext": None, "N_": None}):
        found.add(message if isinstance(message, str) else message[0])
    return {m for m in found if m}


def test_every_message_is_in_both_catalogues_and_translated_to_danish():
    messages = _extracted()
    assert len(messages) > 300
    for lang in LANGUAGES:
        ids = {m.id for m in catalogue(lang) if m.id}
        assert not messages - ids, f"{lang}: run `make messages`; missing {sorted(messages - ids)[:5]}"
    untranslated = [m.id for m in catalogue("da") if m.id and not m.string]
    assert untranslated == []


def test_placeholders_survive_translation():
    for message in catalogue("da"):
        if message.id and message.string:
            assert set(PLACEHOLDER.findall(message.id)) == set(PLACEHOLDER.findall(message.string)), message.id


def test_every_domain_value_has_a_label():
    assert set(INSTITUTION_ROLES) | set(STAFF_ROLES) <= set(labels.ROLES)
    assert set(SCHEME_KINDS) == set(labels.SCHEMES)
    assert set(INSTITUTION_KINDS) == set(labels.INSTITUTION_KINDS)
    assert {s.value for s in State} <= set(labels.STATES)
    assert {s.value for s in State} - {"created"} == set(labels.TRANSITIONS)


def test_error_codes_of_the_core_have_messages_in_both_languages():
    for code in ("invalid_credentials", "locked_out", "access_denied", "invalid_transition", "not_found",
                 "conflict", "validation_failed", "forbidden", "csrf_failed"):
        assert gettext("da", labels.ERRORS[code]) != labels.ERRORS[code]
        assert gettext("en", labels.ERRORS[code]) == labels.ERRORS[code]
    assert "Vent 30 minutter" in gettext("da", labels.ERRORS["locked_out"])


def test_language_choice_cookie_then_profile_then_danish():
    assert pick_language("en", "da") == "en"
    assert pick_language(None, "en") == "en"
    assert pick_language("xx", None) == "da"
