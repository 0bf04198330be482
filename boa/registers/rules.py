"""The catalogue's rules, pure: what a register code, a variable name, a year, a name, a
documentation link and a search may be. The service and the seed loader both check with these, so
a register typed by staff and one read from ``seed_data/registers.json`` meet the same rules."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from boa.kernel.errors import ValidationFailed

# Statistics Denmark's register and variable names: capitals, digits and underscores (BEF,
# DODSAARS, LPR3_KONTAKTER; PNR, PERINDKIALT_13). Typed in any case, stored upper-case.
CODE = re.compile(r"[A-Z][A-Z0-9_]{1,19}")
VARIABLE = re.compile(r"[A-Z][A-Z0-9_]{0,39}")

FREQUENCIES = ("yearly", "quarterly", "monthly", "weekly", "irregular")
LANGUAGES = ("da", "en")

# A register's years: none before the statistical registers began, none far ahead (a closing may
# be announced a few years before the last year; a new register may cover a coming year).
FIRST_POSSIBLE_YEAR = 1900
YEARS_AHEAD = 5

MAX_NAME = 200
MAX_LABEL = 300
MAX_URL = 500
MAX_QUERY = 100
MAX_WORDS = 8


def _has_control(value: str) -> bool:
    return any(unicodedata.category(c) == "Cc" for c in value)


def _name(value: str, pattern: re.Pattern[str], what: str, size: str, code: str, field: str) -> str:
    name = value.strip().upper()
    if not pattern.fullmatch(name):
        raise ValidationFailed(f"A {what} is {size} letters A-Z, digits or underscores, starting with a letter.",
                               code=code, field=field)
    return name


def register_code(value: str, field: str = "code") -> str:
    return _name(value, CODE, "register code", "2-20", "invalid_register_code", field)


def variable_name(value: str, field: str = "name") -> str:
    return _name(value, VARIABLE, "variable name", "1-40", "invalid_variable_name", field)


def text(value: str, field: str, limit: int) -> str:
    """A name or a label: not empty, at most ``limit`` characters, no control characters."""
    cleaned = value.strip()
    if not cleaned:
        raise ValidationFailed(f"{field} must not be empty.", field=field)
    if len(cleaned) > limit:
        raise ValidationFailed(f"{field} is longer than {limit} characters.", field=field)
    if _has_control(cleaned):
        raise ValidationFailed(f"{field} contains control characters.", field=field)
    return cleaned


def year(value: int, field: str, this_year: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) \
            or not FIRST_POSSIBLE_YEAR <= value <= this_year + YEARS_AHEAD:
        raise ValidationFailed(f"{field} must be a year from {FIRST_POSSIBLE_YEAR} to {this_year + YEARS_AHEAD}.",
                               code="invalid_year", field=field)
    return value


def last_year(first_year: int, last: int, this_year: int) -> int:
    """A closing's last year: a plausible year, not before the first."""
    year(last, "last_year", this_year)
    if last < first_year:
        raise ValidationFailed(f"The last year ({last}) is before the first year ({first_year}).",
                               code="last_year_before_first_year", field="last_year")
    return last


def frequency(value: str) -> str:
    if value not in FREQUENCIES:
        raise ValidationFailed(f"frequency must be one of {', '.join(FREQUENCIES)}.", field="frequency")
    return value


def documentation_url(value: str | None) -> str | None:
    """An https link with a host (the office's documentation pages, or the data owner's)."""
    if value is None or not value.strip():
        return None
    url = value.strip()
    parts = urlsplit(url)
    if len(url) > MAX_URL or parts.scheme != "https" or not parts.hostname or _has_control(url) \
            or any(c.isspace() for c in url):
        raise ValidationFailed(f"documentation_url must be an https link of at most {MAX_URL} characters.",
                               field="documentation_url")
    return url


def language(value: str | None) -> str:
    if value in (None, ""):
        return "da"
    if value not in LANGUAGES:
        raise ValidationFailed("lang must be da or en.", field="lang")
    return value


def fold(value: str) -> str:
    """Case- and spelling-folded text for the search: "Dødsårsager" and "doedsaarsager" meet."""
    return value.casefold().replace("æ", "ae").replace("ø", "oe").replace("å", "aa")


def search_words(q: str | None) -> list[str]:
    """The words of a search (each must be found); none for an empty search. Bounded, and a search
    with NUL or other control characters is refused."""
    if q is None:
        return []
    if len(q) > MAX_QUERY:
        raise ValidationFailed(f"q is longer than {MAX_QUERY} characters.", field="q")
    if _has_control(q):
        raise ValidationFailed("q contains control characters.", field="q")
    words = [fold(w) for w in q.split()]
    if len(words) > MAX_WORDS:
        raise ValidationFailed(f"q has more than {MAX_WORDS} words.", field="q")
    return words


def search_text(code: str, name_da: str, name_en: str, variables: Iterable[str]) -> str:
    """What a search looks in: the code, both names and the variable names, folded."""
    return fold(" ".join([code, name_da, name_en, *variables]))


@dataclass(frozen=True)
class VariableSpec:
    """A variable as given (a body, a form, the seed file), checked by :func:`variable_spec`."""

    name: str
    label_da: str
    label_en: str
    key: bool = False
    documentation_url: str | None = None


def variable_spec(spec: VariableSpec) -> VariableSpec:
    return VariableSpec(name=variable_name(spec.name), label_da=text(spec.label_da, "label_da", MAX_LABEL),
                        label_en=text(spec.label_en, "label_en", MAX_LABEL), key=bool(spec.key),
                        documentation_url=documentation_url(spec.documentation_url))


def variable_specs(specs: Sequence[VariableSpec]) -> list[VariableSpec]:
    """Each checked; a name given twice is refused."""
    checked = [variable_spec(s) for s in specs]
    names = [s.name for s in checked]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise ValidationFailed(f"A variable is named twice: {', '.join(twice)}.", code="variable_named_twice",
                               field="variables")
    return checked
