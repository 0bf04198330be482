"""Is this text, and in which encoding?

Accepted as text: UTF-8, UTF-8 with BOM, UTF-16 LE/BE with BOM, and anything else that has
no NUL bytes and few control characters, read as Windows-1252 (Latin-1). A NUL byte outside
UTF-16 means binary. Form feed, vertical tab, escape and Ctrl-Z occur in SAS listings and old
DOS files and count as text.
"""

from __future__ import annotations

import codecs
from pathlib import Path

BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
TEXT_CONTROLS = frozenset(b"\t\n\r\x0b\x0c\x1a\x1b")
BAD_CONTROLS = bytes(b for b in range(32) if b not in TEXT_CONTROLS) + b"\x7f"
BAD_CONTROL_CHARS = frozenset(BAD_CONTROLS.decode("latin-1"))
MAX_CONTROL_SHARE = 0.005
BINARY_MAGIC = (
    b"\x89PNG", b"%PDF-", b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"\xff\xd8\xff", b"GIF8",
    b"$FL2", b"$FL3", b"\x1f\x8b", b"7z\xbc\xaf", b"Rar!", b"\x7fELF",
)


def bom_encoding(head: bytes) -> tuple[str | None, int]:
    """The encoding a byte-order mark announces and the mark's length."""
    for bom, name in BOMS:
        if head.startswith(bom):
            return name, len(bom)
    return None, 0


def sniff_encoding(sample: bytes, complete: bool) -> str | None:
    """The text encoding of ``sample`` (the head of a file; ``complete`` if it is all of it)."""
    if sample.startswith(BINARY_MAGIC):
        return None
    encoding, skip = bom_encoding(sample)
    if encoding and encoding.startswith("utf-16"):
        body = sample[skip:]
        if not complete:
            body = body[: len(body) - len(body) % 2]
        try:
            text = body.decode(encoding)
        except UnicodeDecodeError:
            return None
        controls = sum(1 for ch in text if ch in BAD_CONTROL_CHARS)
        return encoding if controls <= MAX_CONTROL_SHARE * max(len(text), 1) else None
    if b"\x00" in sample:
        return None
    body = sample[skip:]
    controls = len(body) - len(body.translate(None, BAD_CONTROLS))
    if controls > MAX_CONTROL_SHARE * max(len(body), 1):
        return None
    if encoding:
        return encoding
    try:
        body.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as err:
        # A multi-byte character cut at the end of the sample is still UTF-8.
        if not complete and err.start >= len(body) - 3 and err.reason == "unexpected end of data":
            return "utf-8"
    return "cp1252"


def looks_like_text(path: Path, sample_bytes: int) -> str | None:
    """The encoding of the text file at ``path`` judged on its first ``sample_bytes``, or None."""
    with Path(path).open("rb") as fh:
        sample = fh.read(sample_bytes + 1)
    complete = len(sample) <= sample_bytes
    return sniff_encoding(sample[:sample_bytes], complete)


def decode(data: bytes, encoding: str) -> str:
    """Decode leniently: Windows-1252 has a few undefined bytes, shown as U+FFFD."""
    return data.decode(encoding, errors="replace")
