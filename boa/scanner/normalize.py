"""Text normalised before matching, in one place (issue 17 item 4).

``normalize``: NFKC (full-width digits become ASCII), format characters (Unicode category
Cf: zero-width spaces and joiners, soft hyphens, BOMs, bidi marks) removed, dashes (en, em,
figure, minus, non-breaking hyphen) read as ``-`` and every other space (no-break, thin,
narrow, ideographic) read as a plain space. ASCII text is returned as it is, so the plain
path costs one ``str.isascii``.

``HIDDEN_BYTES``: in a UTF-8 byte stream, a run of digits (ASCII or full-width) with
separators or format characters between them that is long enough to hide a CPR number; the
text scan decodes and normalises only such runs, and only in chunks that are not ASCII
(``HIDDEN_CP1252`` for a cp1252 file).
"""

from __future__ import annotations

import re
import unicodedata

DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
SPACES = "\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
_TABLE = {ord(c): "-" for c in DASHES} | {ord(c): " " for c in SPACES}


def normalize(text: str) -> str:
    """``text`` as the matcher reads it (see the module's docstring)."""
    if text.isascii():
        return text
    text = unicodedata.normalize("NFKC", text)
    text = "".join(c for c in text if unicodedata.category(c) != "Cf")
    return text.translate(_TABLE)


_DIGIT = rb"(?:[0-9]|\xef\xbc[\x90-\x99])"
# separators and format characters as UTF-8: space, hyphen, no-break space, soft hyphen,
# U+2000-U+200F, U+2010-U+2015, U+202F, U+2060-U+2064, U+2212, U+3000, U+FEFF, U+FF0D
_GAP = (rb"(?:[ \-]|\xc2[\xa0\xad]|\xe2\x80[\x80-\x95\xaf]|\xe2\x81[\xa0-\xa4]|\xe2\x88\x92"
        rb"|\xe3\x80\x80|\xef\xbb\xbf|\xef\xbc\x8d)")
HIDDEN_BYTES = re.compile(_DIGIT + rb"(?:" + _DIGIT + rb"|" + _GAP + rb"){9,60}")
# the same in a cp1252 file: en and em dash, no-break space, soft hyphen
HIDDEN_CP1252 = re.compile(rb"[0-9](?:[0-9 \-\x96\x97\xa0\xad]){9,60}")


def hidden_runs(encoding: str) -> re.Pattern[bytes]:
    """The pattern of hidden runs for a byte stream in ``encoding``."""
    return HIDDEN_BYTES if encoding.replace("_", "-").lower().startswith("utf-8") else HIDDEN_CP1252
