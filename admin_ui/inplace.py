"""Errors in place (issue 18 item 1): a page with a refused form, marked.

:func:`mark` takes a page as rendered and the form that was refused (its action and method), and
gives the page back with

- an error summary at the top of ``<main>`` (``role="alert"``), one line a problem, each linking to
  its field (``href="#<the field's id>"``) or, for the form as a whole, to a message at the top of
  the form;
- each failing field marked: ``aria-invalid="true"``, ``aria-describedby`` naming its message, and
  the message just before the field (a field without an ``id`` gets one);
- the form filled with what was typed: text, numbers, dates, text areas, selects, check boxes and
  radio buttons (never a password, a file, a hidden field or a button);
- "Error: " before the title (a screen reader hears it first).

The templates need nothing for it: the page is the page the form came from, rendered by its own
handler, and the form is found by its ``action``. When the page has several forms with that action
(rows of a table), the one whose fields best match what was sent is taken."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape
from html.parser import HTMLParser
from urllib.parse import urlsplit

# Never written back into a page: the form's own plumbing, secrets (a password field, a one-time
# code), files and buttons.
NOT_KEPT = frozenset({"csrf_token"})
FIELD_TAGS = ("input", "select", "textarea")
UNFILLED_TYPES = frozenset({"hidden", "password", "file", "submit", "button", "reset", "image"})
SECRET_AUTOCOMPLETE = frozenset({"one-time-code", "new-password", "current-password"})
FORM_MESSAGE_ID = "form-error"


@dataclass(frozen=True)
class Problem:
    """One thing to put right: the form field's name (None: the form as a whole) and the message
    in the reader's language."""

    field: str | None
    message: str


def _named(label: str, message: str) -> str:
    """A summary's line: the field's label, then the message ("Name: Fill in this field.")."""
    label = label.rstrip(":").strip()
    if not label:
        return message
    return f"{label} {message}" if label[-1] in "?.!" else f"{label}: {message}"


def _attr_text(tag: str, attrs: Sequence[tuple[str, str | None]], closed: bool) -> str:
    parts = [tag]
    for name, value in attrs:
        parts.append(name if value is None else f'{name}="{escape(value, quote=True)}"')
    return "<" + " ".join(parts) + (" />" if closed else ">")


def _path(action: str) -> str:
    return urlsplit(action).path.rstrip("/") or "/"


def _field_id(name: str, taken: set[str], prefix: str = "field-") -> str:
    base = prefix + (re.sub(r"[^A-Za-z0-9_-]+", "-", name).strip("-") or "x")
    out, n = base, 2
    while out in taken:
        out, n = f"{base}-{n}", n + 1
    taken.add(out)
    return out


class _Forms(HTMLParser):
    """First pass: the forms with the action, each with the names of its fields; the ids in use."""

    def __init__(self, action: str, method: str, here: str) -> None:
        super().__init__(convert_charrefs=False)
        self.action, self.method, self.here = _path(action), method, here
        self.forms: list[set[str]] = []
        self.order: list[list[str]] = []  # a form's fields in the order of the page
        self.required: list[list[str]] = []  # a form's fields marked ``required``
        self.labels: list[dict[str, str]] = []  # a form's fields' labels (the summary names them)
        self.ids: set[str] = set()
        self._in = False
        self._label: list[str] | None = None
        self._label_for: str | None = None
        self._legend: list[str] | None = None
        self._group = ""
        self._by_id: dict[str, str] = {}  # id -> name, for <label for=...>
        self._for: dict[str, str] = {}  # id -> label text

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"] or "")
        if tag == "form":
            self._in = self.is_it(a)
            if self._in:
                self.forms.append(set())
                self.labels.append({})
                self.order.append([])
                self.required.append([])
        elif tag == "label":
            self._label, self._label_for = [], a.get("for")
        elif tag == "legend":
            self._legend = []
        elif tag == "fieldset":
            self._group = ""
        elif self._in and tag in (*FIELD_TAGS, "button") and a.get("name"):
            name = a.get("name") or ""
            self.forms[-1].add(name)
            kind = (a.get("type") or "").lower()
            text = self._group if kind in ("checkbox", "radio") and self._group else \
                " ".join("".join(self._label or []).split())
            if tag != "button" and kind != "hidden":
                if name not in self.order[-1]:
                    self.order[-1].append(name)
                if "required" in a and name not in self.required[-1]:
                    self.required[-1].append(name)
                if text:
                    self.labels[-1].setdefault(name, text)
                if a.get("id"):
                    self._by_id[a.get("id") or ""] = name

    def handle_data(self, data: str) -> None:
        if self._label is not None:
            self._label.append(data)
        if self._legend is not None:
            self._legend.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._in = False
        elif tag == "label" and self._label is not None:
            if self._label_for:
                self._for[self._label_for] = " ".join("".join(self._label).split())
            self._label = None
        elif tag == "legend" and self._legend is not None:
            self._group = " ".join("".join(self._legend).split())
            self._legend = None

    def is_it(self, a: Mapping[str, str | None]) -> bool:
        """The form with the action (a form without one posts to the page it is on)."""
        return (_path(a.get("action") or self.here) == self.action
                and (a.get("method") or "get").lower() == self.method)

    def label(self, form: int, name: str) -> str:
        found = self.labels[form].get(name)
        if found:
            return found
        return next((self._for[i] for i, n in self._by_id.items() if n == name and i in self._for), "")


class _Marker(HTMLParser):
    """Second pass: the page again, the chosen form filled and its failing fields marked."""

    def __init__(self, pick: _Forms, chosen: int | None, typed: Mapping[str, Sequence[str]],
                 problems: Sequence[Problem], title: str, error_word: str) -> None:
        super().__init__(convert_charrefs=False)
        self.pick, self.chosen, self.typed, self.title, self.error_word = pick, chosen, typed, title, error_word
        self.by_field: dict[str, list[str]] = {}
        self.general: list[str] = []
        names = pick.forms[chosen] if chosen is not None else set()
        for p in problems:
            if p.field and p.field in names:
                self.by_field.setdefault(p.field, []).append(p.message)
            else:
                self.general.append(p.message)
        self.problems = problems
        self.out: list[str] = []
        self.links: dict[str, str] = {}  # field -> id of the marked field
        self._form_no = -1
        self._in_form = False
        self._seen: dict[str, int] = {}
        self._select: str | None = None
        self._skip_text = False
        self._in_title = False
        self._summary_at: int | None = None
        self._form_message_at: int | None = None
        self._details: list[tuple[int, list[tuple[str, str | None]]]] = []  # open <details> around here

    # -- the chosen form --------------------------------------------------------------------------

    def _typed(self, name: str) -> Sequence[str] | None:
        return None if name in NOT_KEPT else self.typed.get(name)

    def _mark(self, tag: str, attrs: list[tuple[str, str | None]]) -> list[tuple[str, str | None]]:
        a = dict(attrs)
        name = a.get("name") or ""
        if name not in self.by_field or name in self.links:
            return attrs
        field_id = a.get("id") or _field_id(name, self.pick.ids)
        message_id = _field_id(f"{field_id}-error", self.pick.ids, prefix="")
        self.links[name] = field_id
        described = " ".join(x for x in ((a.get("aria-describedby") or ""), message_id) if x)
        kept = [(k, v) for k, v in attrs if k not in ("id", "aria-invalid", "aria-describedby")]
        self.out.append(f'<span class="field-error" id="{message_id}">'
                        + " ".join(escape(m) for m in self.by_field[name]) + "</span>")
        return [("id", field_id), *kept, ("aria-invalid", "true"), ("aria-describedby", described)]

    def _fill(self, tag: str, attrs: list[tuple[str, str | None]]) -> list[tuple[str, str | None]]:
        a = dict(attrs)
        name = a.get("name") or ""
        index = self._seen.get(name, 0)
        self._seen[name] = index + 1
        values = self._typed(name)
        kind = (a.get("type") or "text").lower()
        if tag == "input" and kind in ("checkbox", "radio"):
            on = (a.get("value") or "on") in (values or ())
            attrs = [(k, v) for k, v in attrs if k != "checked"] + ([("checked", None)] if on else [])
        elif (tag == "input" and kind not in UNFILLED_TYPES and values is not None
              and (a.get("autocomplete") or "") not in SECRET_AUTOCOMPLETE):
            value = values[index] if index < len(values) else ""
            attrs = [(k, v) for k, v in attrs if k != "value"] + [("value", value)]
        elif tag == "select":
            self._select = name
        elif tag == "textarea" and values is not None:
            self._skip_text = True
            return attrs
        return attrs

    # -- the parser's events ---------------------------------------------------------------------

    def _start(self, tag: str, attrs: list[tuple[str, str | None]], closed: bool) -> None:
        raw = self.get_starttag_text() or ""
        changed = False
        a = dict(attrs)
        if tag == "form":
            self._in_form = False
            if self.pick.is_it(a):
                self._form_no += 1
                self._in_form = self._form_no == self.chosen
        elif self._in_form and tag in FIELD_TAGS and a.get("name"):
            before = list(attrs)
            attrs = self._fill(tag, attrs)
            attrs = self._mark(tag, attrs) if (a.get("type") or "").lower() not in ("hidden",) else attrs
            changed = attrs != before
        elif self._in_form and tag == "option" and self._select is not None:
            values = self._typed(self._select)
            if values is not None and "value" in a:
                before = list(attrs)
                attrs = [(k, v) for k, v in attrs if k != "selected"]
                if a.get("value") in values:
                    attrs.append(("selected", None))
                changed = attrs != before
        if tag == "details":
            self._details.append((len(self.out), attrs))
        self.out.append(_attr_text(tag, attrs, closed) if changed else raw)
        if tag == "form" and self._in_form:
            self._form_message_at = len(self.out)
            for at, around in self._details:  # a folded form is unfolded
                if "open" not in dict(around):
                    self.out[at] = _attr_text("details", [*around, ("open", None)], False)
        if tag == "textarea" and self._skip_text:
            self.out.append(escape((self._typed(a.get("name") or "") or [""])[0]))
        if tag == "main":
            self._summary_at = len(self.out)
        if tag == "title":
            self._in_title = True

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._start(tag, attrs, closed=False)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._start(tag, attrs, closed=True)

    def handle_endtag(self, tag: str) -> None:
        if tag == "details" and self._details:
            self._details.pop()
        if tag == "textarea":
            self._skip_text = False
        elif tag == "select":
            self._select = None
        elif tag == "form":
            self._in_form = False
        elif tag == "title":
            self._in_title = False
        self.out.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        if self._skip_text:
            return
        if self._in_title and data.strip():
            data = f"{self.error_word}: {data.lstrip()}"
            self._in_title = False
        self.out.append(data)

    def handle_entityref(self, name: str) -> None:
        if not self._skip_text:
            self.out.append(f"&{name};")

    def handle_charref(self, name: str) -> None:
        if not self._skip_text:
            self.out.append(f"&#{name};")

    def handle_comment(self, data: str) -> None:
        self.out.append(f"<!--{data}-->")

    def handle_decl(self, decl: str) -> None:
        self.out.append(f"<!{decl}>")

    def handle_pi(self, data: str) -> None:
        self.out.append(f"<?{data}>")

    def unknown_decl(self, data: str) -> None:
        self.out.append(f"<![{data}]>")

    # -- the summary -----------------------------------------------------------------------------

    def page(self) -> str:
        self.close()
        items = []
        general_target = FORM_MESSAGE_ID if self._form_message_at is not None else None
        for p in self.problems:
            target = self.links.get(p.field or "") if p.field else None
            label = self.pick.label(self.chosen, p.field) if target and p.field and self.chosen is not None else ""
            target = target or (general_target if p.message in self.general else None)
            text = escape(_named(label, p.message))
            items.append(f'<li><a href="#{target}">{text}</a></li>' if target else f"<li>{text}</li>")
        summary = ('<div class="error-summary" id="error-summary" role="alert" aria-labelledby="error-summary-title"'
                   ' tabindex="-1">'
                   f'<h2 id="error-summary-title">{escape(self.title)}</h2><ul>{"".join(items)}</ul></div>')
        out = list(self.out)
        # Inserted from the back, so the earlier place stays where it was counted.
        places = []
        if self.general and self._form_message_at is not None:
            places.append((self._form_message_at, f'<p class="field-error form-error" id="{FORM_MESSAGE_ID}">'
                           + " ".join(escape(m) for m in self.general) + "</p>"))
        places.append((self._summary_at if self._summary_at is not None else 0, summary))
        for at, text in sorted(places, reverse=True):
            out.insert(at, text)
        return "".join(out)


def mark(html: str, *, action: str, here: str, method: str = "post", typed: Mapping[str, Sequence[str]],
         problems: Sequence[Problem], title: str, error_word: str, required: str) -> str:
    """``html`` with the form (``action``, ``method``) filled with ``typed`` and ``problems`` in
    place; ``title`` heads the summary ("There is a problem"), ``error_word`` goes before the
    page's title ("Error").

    A field the page marks ``required`` and that came back empty is a problem too (``required``
    is its message), so the reader sees every empty field at once, beside what the service
    refused; the problems are listed in the order of the form."""
    forms = _Forms(action, method.lower(), _path(here))
    forms.feed(html)
    forms.close()
    sent = {k for k in typed if k not in NOT_KEPT}
    chosen = max(range(len(forms.forms)), key=lambda i: len(forms.forms[i] & sent), default=None)
    if chosen is not None and sent:
        named = {p.field for p in problems}
        empty = [Problem(n, required) for n in forms.required[chosen]
                 if n not in named and not "".join(typed.get(n, ())).strip()]
        order = {n: i for i, n in enumerate(forms.order[chosen])}
        problems = sorted([*problems, *empty], key=lambda p: order.get(p.field or "", len(order)))
    marker = _Marker(forms, chosen, typed, problems, title, error_word)
    marker.feed(html)
    return marker.page()
