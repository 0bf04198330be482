"""Languages: Danish (the default) and English, from Babel ``.po`` catalogues.

The catalogues in ``admin_ui/locales/{da,en}/LC_MESSAGES/messages.po`` are read at runtime
and compiled in memory (``read_po`` + ``write_mo``), so an editable install needs no build
step. Message ids are the English texts; an English entry left empty falls back to its id.
``make messages`` re-extracts the ids from the templates and the Python code."""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

LANGUAGES = ("da", "en")
DEFAULT_LANGUAGE = "da"
LANGUAGE_COOKIE = "boa_lang"
LOCALES = Path(__file__).resolve().parent / "locales"


def catalogue_path(language: str) -> Path:
    return LOCALES / language / "LC_MESSAGES" / "messages.po"


@lru_cache(maxsize=len(LANGUAGES))
def catalogue(language: str) -> Catalog:
    with catalogue_path(language).open("rb") as fh:
        return read_po(fh, locale=language)


@lru_cache(maxsize=len(LANGUAGES))
def translations(language: str) -> Translations:
    compiled = io.BytesIO()
    write_mo(compiled, catalogue(language))
    compiled.seek(0)
    return Translations(fp=compiled, domain="messages")


def pick_language(cookie: str | None, profile: str | None = None) -> str:
    """The cookie (the latest explicit choice), else the user's profile, else Danish."""
    for choice in (cookie, profile):
        if choice in LANGUAGES:
            return choice
    return DEFAULT_LANGUAGE


def gettext(language: str, message: str) -> str:
    return translations(language).gettext(message)


def known(language: str, message: str) -> str | None:
    """The translation of ``message`` if the catalogue has it as an id, else None."""
    if not message or catalogue(language).get(message) is None:
        return None
    return gettext(language, message)


def N_(message: str) -> str:  # noqa: N802 (the gettext convention for "mark for extraction")
    """Marks a message for extraction; it is translated where it is shown."""
    return message
