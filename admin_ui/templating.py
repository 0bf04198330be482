"""Jinja2 templates in Danish and English: one environment per language with the i18n
extension and that language's catalogue installed (``{% trans %}`` and ``_()``)."""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, select_autoescape
from litestar import Request, Response
from litestar.datastructures import Cookie

from admin_ui import labels, nav
from admin_ui.i18n import LANGUAGES, gettext, translations
from admin_ui.viewer import Viewer, viewer_of
from boa.kernel import clock

# Other areas may append their own template folders (searched after this one).
TEMPLATE_DIRS: list[Path] = [Path(__file__).resolve().parent / "templates"]
LOCAL_TIME = ZoneInfo("Europe/Copenhagen")
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
                               "frame-ancestors 'none'; base-uri 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


def label(value: Any, kind: str, lang: str) -> str:
    if value is None:
        return ""
    msgid = labels.KINDS.get(kind, {}).get(str(value))
    return gettext(lang, msgid) if msgid else str(value).replace("_", " ")


def label_or_text(value: Any, kind: str, lang: str) -> str:
    """The label when ``value`` is one of the kind's codes, else ``value`` as written (a comment
    a person typed, beside the codes a service writes)."""
    msgid = labels.KINDS.get(kind, {}).get(str(value))
    return gettext(lang, msgid) if msgid else ("" if value is None else str(value))


# Dates and times as people in each language write them (Babel's patterns): Danish
# "29. nov. 2026" and "29. nov. 2026 19.42", English "29 Nov 2026" and "29 Nov 2026, 19:42" (no
# US month-first dates, the same day-month-year order in both languages).
DATE_FORMATS = {"da": "d. MMM y", "en": "d MMM y"}
DATETIME_FORMATS = {"da": "d. MMM y HH.mm", "en": "d MMM y, HH:mm"}


def day_text(value: date | datetime | str | None, lang: str) -> str:
    """A day as the pages write it in ``lang`` (Danish 1. jan. 2040, English 1 Jan 2040)."""
    if value in (None, ""):
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
    if isinstance(value, datetime):
        value = clock.aware(value).astimezone(LOCAL_TIME).date()
    return format_date(value, DATE_FORMATS[lang], locale=lang)


def moment_text(value: datetime | str | None, lang: str) -> str:
    """A moment as the pages write it in ``lang``, in Copenhagen time (29. nov. 2026 19.42)."""
    if value in (None, ""):
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return format_datetime(clock.aware(value), DATETIME_FORMATS[lang], tzinfo=LOCAL_TIME, locale=lang)


def _size(value: int | None, lang: str) -> str:
    """A byte count for people: B, kB, MB or GB (powers of 1000), one decimal above bytes."""
    if value is None:
        return ""
    for unit, factor in (("GB", 10**9), ("MB", 10**6), ("kB", 10**3)):
        if value >= factor:
            return f"{format_decimal(round(value / factor, 1), '#,##0.#', locale=lang)} {unit}"
    return f"{value} B"


@lru_cache(maxsize=len(LANGUAGES))
def environment(lang: str) -> Environment:
    env = Environment(
        loader=ChoiceLoader([FileSystemLoader(str(d)) for d in TEMPLATE_DIRS]),
        autoescape=select_autoescape(["html", "svg"]),
        extensions=["jinja2.ext.i18n"],
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(translations(lang), newstyle=True)  # type: ignore[attr-defined]  # added to Environment by the i18n extension
    env.filters["label"] = lambda value, kind: label(value, kind, lang)
    env.filters["label_or_text"] = lambda value, kind: label_or_text(value, kind, lang)
    env.filters["day"] = lambda value: day_text(value, lang)
    env.filters["moment"] = lambda value: moment_text(value, lang)
    env.filters["size"] = lambda value: _size(value, lang)
    env.globals["lang"] = lang
    env.globals["LANGUAGES"] = LANGUAGES
    env.globals["m"] = env.get_template("macros.html").make_module()
    return env


def render_html(viewer: Viewer, template: str, path: str = "/", **context: Any) -> str:
    env = environment(viewer.lang)
    return env.get_template(template).render(
        viewer=viewer, csrf_token=viewer.csrf, nav=nav.sections(viewer), here=path, flash=viewer.flash, **context)


def render(request: Request, template: str, *, status: int = 200, cookies: list[Cookie] | None = None,
           **context: Any) -> Response[str]:
    viewer = viewer_of(request)
    html = render_html(viewer, template, request.url.path, **context)
    return Response(html, status_code=status, media_type="text/html",
                    cookies=[*viewer.cookies, *(cookies or [])], headers=SECURITY_HEADERS)
