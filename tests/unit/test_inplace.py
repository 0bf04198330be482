"""The page of a refused form, marked (admin_ui.inplace): the form found by its action, filled with
what was typed, each failing field marked and linked from the summary, nothing else touched."""

from __future__ import annotations

from admin_ui.inplace import Problem, mark
from tests.pages.inplace import field_message, summary, value_of

PAGE = """<!doctype html><html><head><title>Users — BOA</title></head><body>
<main>
<h1>Users &amp; roles</h1>
<form method="get" class="search"><label>Search <input name="q" value=""></label></form>
<form method="post" action="/staff/users" class="grid">
  <input type="hidden" name="csrf_token" value="TOKEN">
  <label>Name <input name="name" required maxlength="200"></label>
  <label>E-mail <input name="email" type="email" required></label>
  <label for="m">Mobile</label><input id="m" name="mobile">
  <label>PIN <input name="pin" type="password"></label>
  <label>Kind <select name="kind"><option value="a" selected>A</option><option value="b">B</option></select></label>
  <fieldset><legend>Roles</legend>
    <label><input type="checkbox" name="roles" value="x" checked> X</label>
    <label><input type="checkbox" name="roles" value="y"> Y</label>
  </fieldset>
  <label>Note <textarea name="note">old &lt;text&gt;</textarea></label>
  <button>Create</button>
</form>
<form method="post" action="/other"><input name="name" value="other"></form>
</main></body></html>"""

TYPED = {"csrf_token": ["SENT"], "name": [""], "email": ["a@b"], "mobile": ["12 <34>"], "pin": ["1234"],
         "kind": ["b"], "roles": ["y"], "note": ["new & \"quoted\""]}


def _marked(problems: list[Problem], typed: dict[str, list[str]] = TYPED, action: str = "/staff/users") -> str:
    return mark(PAGE, action=action, here="/staff/users", typed=typed, problems=problems,
                title="There is a problem", error_word="Error", required="Fill in this field.")


def test_the_form_comes_back_with_what_was_typed_and_every_problem_in_place():
    html = _marked([Problem("mobile", "Write a Danish mobile number.")])
    # The service's problem and the empty required field, in the order of the form, each linked.
    assert summary(html) == [("field-name", "Name: Fill in this field."),
                             ("m", "Mobile: Write a Danish mobile number.")]
    assert field_message(html, "field-name") == "Fill in this field."
    assert field_message(html, "m") == "Write a Danish mobile number."
    assert field_message(html, "field-email") is None  # not refused, not marked
    assert value_of(html, "email") == "a@b" and value_of(html, "mobile") == "12 <34>"
    assert value_of(html, "note") == 'new & "quoted"'
    assert '<option value="b" selected>' in html and '<option value="a">' in html
    assert 'value="y" checked' in html and 'value="x" checked' not in html
    assert 'name="pin" type="password">' in html and "1234" not in html  # a secret is never written back
    assert 'value="TOKEN"' in html and "SENT" not in html  # the page's own token stays
    assert '<input name="name" value="other">' in html  # another form is left alone
    assert "<title>Error: Users — BOA</title>" in html and "Users &amp; roles" in html


def test_a_problem_without_a_field_is_shown_at_the_top_of_the_form():
    html = _marked([Problem(None, "You may not do this.")], typed={"name": ["Ann"], "email": ["a@b"]})
    assert summary(html) == [("form-error", "You may not do this.")]
    assert '<p class="field-error form-error" id="form-error">You may not do this.</p>' in html
    assert value_of(html, "name") == "Ann"


def test_a_folded_form_is_unfolded():
    page = PAGE.replace('<form method="post" action="/other">', '<details><summary>Other</summary>'
                        '<form method="post" action="/other">').replace("</main>", "</details></main>")
    html = mark(page, action="/other", here="/staff/users", typed={"name": ["x"]}, problems=[Problem("name", "No.")],
                title="T", error_word="E", required="R")
    assert "<details open><summary>Other</summary>" in html and 'value="x"' in html


def test_without_the_form_the_summary_still_says_it():
    html = _marked([Problem("name", "Fill in this field.")], action="/elsewhere")
    assert summary(html) == [("", "Fill in this field.")]
    assert 'aria-invalid' not in html
