"""Structure checks for container formats: OOXML and other zips, PDF, statistical datasets.

Each check returns ``None`` when the structure is sound, or ``(code, detail)`` with a code of
``content_mismatch`` (not this kind of file at all), ``corrupt_file`` (this kind, but damaged)
or ``archive_too_large`` (a zip that would unpack beyond the limits: a zip bomb).
Zip limits are checked on the *declared* sizes in the central directory before any member is
read; ``zipfile`` then refuses to inflate a member past its declared size, and the readers
charge the bytes they actually inflate to one budget per file (``budget``). The OOXML check
streams ``[Content_Types].xml`` and the main part (if at most 4 MiB) with the same caps.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from lxml import etree

from boa.scanner.budget import Allowance, OverBudget
from boa.scanner.rules import TransferRules
from boa.scanner.textsniff import decode

Problem = tuple[str, str | None]
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
MAX_XML_PART = 4 << 20
MAIN_CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    "xlsm": "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
    "pptm": "application/vnd.ms-powerpoint.presentation.macroEnabled.main+xml",
}
ALL_MAIN_TYPES = frozenset(MAIN_CONTENT_TYPES.values())
CORRUPTION_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError)


def zip_problem(zf: zipfile.ZipFile, rules: TransferRules) -> Problem | None:
    """``archive_too_large`` if the declared sizes break the limits, else None."""
    limits = rules.limits
    infos = zf.infolist()
    if len(infos) > limits["max_archive_members"]:
        return "archive_too_large", f"{len(infos)} members"
    total = sum(info.file_size for info in infos)
    if total > limits["max_uncompressed_bytes"]:
        return "archive_too_large", f"unpacks to {total} bytes"
    for info in infos:
        if info.file_size >= limits["ratio_check_min_bytes"]:
            ratio = info.file_size / max(info.compress_size, 1)
            if ratio > limits["max_compression_ratio"]:
                return "archive_too_large", f"{info.filename} compression ratio {ratio:.0f}"
    return None


def _open_zip(path: Path, head: bytes) -> zipfile.ZipFile | Problem:
    if not head.startswith(ZIP_MAGIC):
        return "content_mismatch", "not a zip container"
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as err:
        return "corrupt_file", str(err)


def check_zip(path: Path, head: bytes, rules: TransferRules) -> Problem | None:
    opened = _open_zip(path, head)
    if isinstance(opened, tuple):
        return opened
    with opened as zf:
        return zip_problem(zf, rules)


def check_ooxml(path: Path, ext: str, head: bytes, rules: TransferRules) -> Problem | None:
    """A zip with a ``[Content_Types].xml`` whose main part is the one ``ext`` promises."""
    opened = _open_zip(path, head)
    if isinstance(opened, tuple):
        return opened
    with opened as zf:
        problem = zip_problem(zf, rules)
        if problem:
            return problem
        names = set(zf.namelist())
        if "[Content_Types].xml" not in names:
            return "content_mismatch", "zip without [Content_Types].xml"
        allowance = Allowance(rules)  # streamed: a part of many small elements costs no tree
        mains: dict[str | None, str] = {}
        try:
            for event, tag, elem in allowance.walk_member(zf, "[Content_Types].xml"):
                if event == "end" and tag == "Override" and elem.get("ContentType") in ALL_MAIN_TYPES:
                    mains[elem.get("ContentType")] = (elem.get("PartName") or "").lstrip("/")
        except OverBudget:
            return None  # the reader meets the same cap: unverifiable
        except (etree.XMLSyntaxError, *CORRUPTION_ERRORS) as err:
            return "corrupt_file", f"[Content_Types].xml: {err}"
        wanted = MAIN_CONTENT_TYPES[ext]
        if wanted not in mains:
            found = ", ".join(sorted(m for m in mains if m)) or "none"
            return "content_mismatch", f"main part is {found}"
        part = mains[wanted]
        if part not in names:
            return "corrupt_file", f"main part {part} missing"
        if zf.getinfo(part).file_size <= MAX_XML_PART:
            try:
                for _ in allowance.walk_member(zf, part):
                    pass
            except OverBudget:
                return None
            except (etree.XMLSyntaxError, *CORRUPTION_ERRORS) as err:
                return "corrupt_file", f"{part}: {err}"
    return None


def check_pdf(path: Path, head: bytes) -> Problem | None:
    if b"%PDF-" not in head[:1024]:
        return "content_mismatch", "no %PDF- header"
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(path, strict=False)
        if not reader.is_encrypted:
            len(reader.pages)
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, OSError) as err:
        return "corrupt_file", str(err) or type(err).__name__
    return None


def dta_magic(head: bytes) -> bool:
    """Stata: ``<stata_dta>`` (formats 117+) or the old binary header (formats 102–115)."""
    if head.startswith(b"<stata_dta>"):
        return True
    return len(head) >= 4 and 102 <= head[0] <= 115 and head[1] in (1, 2) and head[2] == 1


def check_dataset(path: Path, head: bytes, kind: str, magic: bytes | None) -> Problem | None:
    """Magic bytes, then pyreadstat must read the metadata; otherwise ``corrupt_file``."""
    if kind == "sas7bdat":
        ok = head.startswith(magic or b"")
    elif kind == "dta":
        ok = dta_magic(head)
    else:
        ok = head.startswith((b"$FL2", b"$FL3"))
    if not ok:
        return "content_mismatch", f"no {kind} signature"
    import pyreadstat

    reader: dict[str, Callable[..., Any]] = {"sas7bdat": pyreadstat.read_sas7bdat, "dta": pyreadstat.read_dta,
                                             "sav": pyreadstat.read_sav}
    try:
        reader[kind](str(path), metadataonly=True, output_format="dict")
    except Exception as err:  # pyreadstat raises several error types for damaged files
        return "corrupt_file", str(err) or type(err).__name__
    return None


MARKUP_SIGNS = {
    "xml": re.compile(r"^\s*<"),
    "svg": re.compile(r"<svg[\s>]", re.IGNORECASE),
    "html": re.compile(r"<(!doctype\s+html|html|head|body|table|p|div|h[1-6]|meta)[\s>/]", re.IGNORECASE),
    "mht": re.compile(r"^(mime-version|content-type|from|subject|date)\s*:", re.IGNORECASE | re.MULTILINE),
}


def markup_matches(kind: str, path: Path, encoding: str) -> bool:
    """The text at ``path`` looks like ``kind`` (xml, svg, html, mht) in its first 64 KB."""
    with Path(path).open("rb") as fh:
        text = decode(fh.read(65536), encoding).lstrip("\ufeff")
    return bool(MARKUP_SIGNS[kind].search(text))
