"""Reading a refused form's page as a reader does (issue 18 item 1): the error summary's lines
(where each links and what it says) and the message at a field."""

from __future__ import annotations

import re
from html import unescape

_SUMMARY = re.compile(r'<div class="error-summary"[^>]*>.*?</div>', re.S)
_ITEM = re.compile(r'<li>(?:<a href="#([^"]*)">)?(.*?)(?:</a>)?</li>', re.S)


def summary(html: str) -> list[tuple[str, str]]:
    """(the id linked to or "", the line) for each line of the error summary; [] when none."""
    found = _SUMMARY.search(html)
    return [(target, unescape(text)) for target, text in _ITEM.findall(found.group(0))] if found else []


def field_message(html: str, field_id: str) -> str | None:
    """The message shown at the field with ``field_id``, when the field is marked invalid and
    names the message (``aria-describedby``)."""
    tag = re.search(r'<(?:input|select|textarea)\b[^>]*\bid="' + re.escape(field_id) + r'"[^>]*>', html)
    if tag is None or 'aria-invalid="true"' not in tag.group(0):
        return None
    described = re.search(r'aria-describedby="([^"]*)"', tag.group(0))
    for ref in (described.group(1).split() if described else ()):
        message = re.search(r'id="' + re.escape(ref) + r'"[^>]*>(.*?)</', html, re.S)
        if message:
            return unescape(message.group(1))
    return None


def value_of(html: str, name: str) -> str | None:
    """The value the page shows in the (first) field ``name``: an input's value or a text area's text."""
    tag = re.search(r'<input\b[^>]*\bname="' + re.escape(name) + r'"[^>]*>', html)
    if tag:
        value = re.search(r'\bvalue="([^"]*)"', tag.group(0))
        return unescape(value.group(1)) if value else ""
    area = re.search(r'<textarea\b[^>]*\bname="' + re.escape(name) + r'"[^>]*>(.*?)</textarea>', html, re.S)
    return unescape(area.group(1)) if area else None
