"""Is this text, and in which encoding?

Accepted as text: UTF-8, UTF-8 with BOM, UTF-16 and UTF-32 LE/BE with or without a BOM, and
anything else that has no NUL bytes and few control characters, read as Windows-1252
(Latin-1). Without a BOM, UTF-16/32 is told by where its zero bytes fall: the high bytes of
Latin text are zero, so one byte position of every two (or two of every four) is mostly
zero and the others almost never; the sample must then decode strictly. A NUL byte outside
these means binary. Form feed, vertical tab, escape and Ctrl-Z occur in SAS listings and old
DOS files and count as text.
"""

from __future__ import annotations

import codecs
from pathlib import Path

BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
TEXT_CONTROLS = frozenset(b"\t\n\r\x0b\x0c\x1a\x1b")
BAD_CONTROLS = bytes(b for b in range(32) if b not in TEXT_CONTROLS) + b"\x7f"
BAD_CONTROL_CHARS = frozenset(BAD_CONTROLS.decode("latin-1"))
MAX_CONTROL_SHARE = 0.005
WIDE = ("utf-16", "utf-32")
# encoding -> (width, byte positions mostly zero in Latin text, the position almost never zero)
WIDE_SHAPES = {"utf-32-le": (4, (2, 3), 0), "utf-32-be": (4, (0, 1), 3),
               "utf-16-le": (2, (1,), 0), "utf-16-be": (2, (0,), 1)}
MIN_ZERO_SHARE = 0.5  # of the high-byte positions
MAX_OTHER_ZERO_SHARE = 0.02  # of the low-byte position
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


def is_wide(encoding: str) -> bool:
    return encoding.startswith(WIDE)


def wide_without_bom(sample: bytes) -> str | None:
    """UTF-16 or UTF-32 (LE/BE) told by the positions of zero bytes, or None."""
    for encoding, (width, zero_at, low) in WIDE_SHAPES.items():
        body = sample[: len(sample) - len(sample) % width]
        units = len(body) // width
        if units < 4:
            continue
        shares = [body[i::width].count(0) / units for i in range(width)]
        if min(shares[i] for i in zero_at) >= MIN_ZERO_SHARE and shares[low] <= MAX_OTHER_ZERO_SHARE:
            try:
                body.decode(encoding)
            except UnicodeDecodeError:
                continue
            return encoding
    return None


def _wide(sample: bytes, encoding: str, skip: int, complete: bool) -> str | None:
    body = sample[skip:]
    width = 4 if encoding.startswith("utf-32") else 2
    if not complete:
        body = body[: len(body) - len(body) % width]
    try:
        text = body.decode(encoding)
    except UnicodeDecodeError:
        if complete or encoding.startswith("utf-32"):
            return None
        text = body[:-2].decode(encoding, errors="strict")  # a surrogate pair cut at the end
    controls = sum(1 for ch in text if ch in BAD_CONTROL_CHARS)
    return encoding if controls <= MAX_CONTROL_SHARE * max(len(text), 1) else None


def sniff_encoding(sample: bytes, complete: bool) -> str | None:
    """The text encoding of ``sample`` (the head of a file; ``complete`` if it is all of it)."""
    if sample.startswith(BINARY_MAGIC):
        return None
    encoding, skip = bom_encoding(sample)
    if encoding and is_wide(encoding):
        try:
            return _wide(sample, encoding, skip, complete)
        except UnicodeDecodeError:
            return None
    if b"\x00" in sample:
        wide = wide_without_bom(sample)
        return _wide(sample, wide, 0, complete) if wide else None
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
