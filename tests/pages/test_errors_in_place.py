"""Errors in place (issue 18 item 1), over HTTP: each form of :data:`tests.form_refusals.REFUSALS`
posted once with bad input comes back as its own page, 422, with the error summary linking to each
failing field, each field marked with its message, and everything typed kept; in Danish and, for
one form, in English. The separate error page remains for what has no page to come back to."""

from __future__ import annotations

import re

import pytest

from tests.form_refusals import REFUSALS, Refusal, find, needed, where
from tests.pages.inplace import field_message, summary, value_of


async def _refused(people, case: Refusal):
    person = await people(case.who)
    found: dict[str, str] = {}
    for name in needed(case):
        who, path = where(name, found)
        finder = await people(who) if who else person
        found[name] = find(name, (await finder.get(path)).text)
    page, action, choose = case.at(found)
    shown = await person.get(page)
    assert shown.status_code == 200, (case.name, page)
    assert re.search(r'action="' + re.escape(action) + r'"', shown.text) or case.method == "get", \
        f"{case.name}: no form to {action} on {page}"
    data = {**case.typed, **choose}
    if case.method == "get":
        return person, await person.get(action, params=data)
    return person, await person.post(action, data)


@pytest.mark.parametrize("case", REFUSALS, ids=[c.name for c in REFUSALS])
async def test_a_refused_form_comes_back_in_place(people, case):
    _, r = await _refused(people, case)
    assert r.status_code == 422, (case.name, r.status_code, r.text[-3000:])
    lines = summary(r.text)
    assert "Der er et problem" in r.text and r.text.count('class="error-summary"') == 1
    linked = {target for target, _ in lines}
    for name in case.marked:
        tag = re.search(r'<(?:input|select|textarea)\b[^>]*\bname="' + name + r'"[^>]*>', _form(r.text, case))
        assert tag, (case.name, name)
        field_id = re.search(r'\bid="([^"]+)"', tag.group(0))
        assert field_id and field_id.group(1) in linked, (case.name, name, lines)
        message = field_message(r.text, field_id.group(1))
        assert message, (case.name, name)
        assert re.search(r"[a-z]_[a-z]| is | must ", message) is None, message  # no service field names, no English
    for name, value in case.typed.items():
        assert value_of(_form(r.text, case), name) == value, (case.name, name)
    assert "<title>Fejl: " in r.text and '"detail"' not in r.text


def _form(html: str, case: Refusal) -> str:
    """The refused form's markup: the first form of the case's method whose action ends as the
    case's does and that has its first field."""
    end = case.action.rsplit("/", 1)[-1] if "{" in case.action else case.action
    first = next(iter(case.typed))
    for form in re.findall(r"<form\b.*?</form>", html, re.S):
        action = re.search(r'action="([^"]*)"', form)
        if f'method="{case.method}"' in form and f'name="{first}"' in form and (
                case.method == "get" or (action and action.group(1).endswith(end))):
            return form
    raise AssertionError(f"{case.name}: the form is gone")


async def test_in_english_too(people):
    case = next(c for c in REFUSALS if c.name == "new institution")
    staff = await people("STAF")
    await staff.post("/language", {"lang": "en", "next_page": "/"})
    await staff.get(case.page)
    r = await staff.post(case.action, case.typed)
    assert r.status_code == 422 and summary(r.text) == [
        ("field-name", "Name: Fill in this field."),
        ("field-authorisation_number", "Authorisation number: Write the number with digits only.")]
    assert "<title>Error: " in r.text and value_of(r.text, "authorisation_number") == "12a"


async def test_without_a_page_to_come_back_to_the_error_page_remains(people):
    staff = await people("STAF")
    staff.page = ""  # no referrer: a post from outside the pages
    r = await staff.post("/staff/institutions", {"name": "X", "authorisation_number": "12a"})
    assert r.status_code == 422 and "Det var ikke muligt" in r.text and "Skriv nummeret med cifre alene." in r.text
    r = await staff.post("/staff/institutions", {"name": "X", "authorisation_number": "12a"},
                         headers={"referer": "https://elsewhere.example/staff/institutions"})
    assert r.status_code == 422 and "Det var ikke muligt" in r.text
