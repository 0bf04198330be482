"""File-type checks for the transfer gate (SPEC 6.1).

``check_file`` accepts a file only when its last extension is on the allowed list (from
``seed_data/transfer_rules.json``, case-insensitive) *and* its content matches that extension
(magic bytes, container structure, or text that decodes). ``safe_relative_name`` normalises a
folder upload's relative names and refuses path traversal.
"""

from __future__ import annotations

import posixpath
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from boa.kernel.inputs import line_refusal
from boa.scanner import containers
from boa.scanner.rules import TransferRules, load_rules
from boa.scanner.textsniff import looks_like_text

# What each allowed extension must contain. Text formats must decode as text (textsniff).
TEXT_EXTENSIONS = frozenset(
    {"sas", "r", "do", "doh", "ado", "log", "lst", "sps", "tab", "txt", "tex", "smcl"}
)
MARKUP_KIND = {"xml": "xml", "xlm": "xml", "svg": "svg", "htm": "html", "html": "html", "mht": "mht"}
IMAGE_MAGIC: dict[str, tuple[bytes, ...]] = {
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "gif": (b"GIF87a", b"GIF89a"),
    "tif": (b"II*\x00", b"MM\x00*"),
    "tiff": (b"II*\x00", b"MM\x00*"),
    "bmp": (b"BM",),
    "eps": (b"%!PS", b"\xc5\xd0\xd3\xc6"),
    "wmf": (b"\xd7\xcd\xc6\x9a", b"\x01\x00\x09\x00", b"\x02\x00\x09\x00"),
}
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
OLE2_EXTENSIONS = frozenset({"xls", "doc", "ppt"})
OOXML_EXTENSIONS = frozenset({"xlsx", "xlsm", "docx", "pptx", "pptm"})
SAS7BDAT_MAGIC = bytes.fromhex("000000000000000000000000c2ea8160b31411cfbd92080009c7318c181f1011")
HEAD_BYTES = 4096


@dataclass(frozen=True)
class TypeCheck:
    """The outcome of a type check: ``ok`` or a stable error ``code`` with its messages.

    ``kind`` names the content found (``text``, ``xml``, ``svg``, ``html``, ``mht``, ``rtf``,
    ``pdf``, ``image``, ``ole2``, ``ooxml``, ``spv``, ``sas7bdat``, ``dta``, ``sav``) and
    ``encoding`` the text encoding for text kinds (a Python codec name).
    """

    ok: bool
    extension: str
    code: str | None = None
    message: str | None = None
    message_da: str | None = None
    kind: str | None = None
    encoding: str | None = None
    detail: str | None = None


class FileNameError(ValueError):
    """A relative file name that is unsafe; ``code`` is ``invalid_file_name``."""

    code = "invalid_file_name"


def extension_of(name: str) -> str:
    """The last extension of ``name``, lower-case, without the dot ('' if none)."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    stem, dot, ext = base.rpartition(".")
    return ext.lower() if dot and stem else ""


def allowed_extensions(rules: TransferRules | None = None) -> frozenset[str]:
    return (rules or load_rules()).allowed_extensions


def is_allowed_name(name: str, rules: TransferRules | None = None) -> bool:
    return extension_of(name) in allowed_extensions(rules)


def _fail(ext: str, code: str, rules: TransferRules, detail: str | None = None) -> TypeCheck:
    return TypeCheck(False, ext, code, rules.message(code, "en"), rules.message(code, "da"), detail=detail)


def check_file(name: str, path: Path, rules: TransferRules | None = None) -> TypeCheck:
    """Check the file at ``path`` uploaded as ``name`` against the allowed types."""
    rules = rules or load_rules()
    ext = extension_of(name)
    if ext not in rules.allowed_extensions:
        return _fail(ext, "file_type_not_allowed", rules)
    path = Path(path)
    size = path.stat().st_size
    if size == 0:
        return _fail(ext, "empty_file", rules)
    if size > rules.limits["max_file_bytes"]:
        return _fail(ext, "file_too_large", rules)
    with path.open("rb") as fh:
        head = fh.read(HEAD_BYTES)
    kind, encoding, problem = _judge(ext, head, path, rules)
    if problem is not None:
        code, detail = problem
        return _fail(ext, code, rules, detail)
    return TypeCheck(True, ext, kind=kind, encoding=encoding)


Problem = tuple[str, str | None]


def _judge(ext: str, head: bytes, path: Path, rules: TransferRules) -> tuple[str | None, str | None, Problem | None]:
    mismatch: Problem = ("content_mismatch", None)
    if ext in IMAGE_MAGIC:
        ok = head.startswith(IMAGE_MAGIC[ext])
        return "image", None, None if ok else mismatch
    if ext == "emf":
        ok = head[:4] == b"\x01\x00\x00\x00" and head[40:44] == b" EMF"
        return "image", None, None if ok else mismatch
    if ext in OLE2_EXTENSIONS:
        return "ole2", None, None if head.startswith(OLE2_MAGIC) else mismatch
    if ext in OOXML_EXTENSIONS:
        return "ooxml", None, containers.check_ooxml(path, ext, head, rules)
    if ext == "spv":
        return "spv", None, containers.check_zip(path, head, rules)
    if ext == "pdf":
        return "pdf", None, containers.check_pdf(path, head)
    if ext == "rtf":
        return "rtf", "cp1252", None if head.startswith(b"{\\rtf") else mismatch
    if ext == "sas7bdat":
        return "sas7bdat", None, containers.check_dataset(path, head, "sas7bdat", SAS7BDAT_MAGIC)
    if ext == "dta":
        return "dta", None, containers.check_dataset(path, head, "dta", None)
    if ext == "sav":
        return "sav", None, containers.check_dataset(path, head, "sav", None)
    if ext == "xlm" and head.startswith(OLE2_MAGIC):
        return "ole2", None, None
    # What is left must be text: program code, logs, listings, tables, markup.
    encoding = looks_like_text(path, rules.limits["text_sample_bytes"])
    if encoding is None:
        return None, None, mismatch
    if ext in TEXT_EXTENSIONS:
        return "text", encoding, None
    kind = MARKUP_KIND[ext]
    if not containers.markup_matches(kind, path, encoding):
        return None, None, mismatch
    return kind, encoding, None


def safe_relative_name(name: str) -> str:
    """Normalise a relative file name from a folder upload, or raise ``FileNameError``.

    Backslashes become ``/``, ``.`` segments are dropped and the result is NFC. Refused:
    empty names, NUL or other control characters, absolute paths (``/x``, ``C:``, ``//host``),
    ``..`` segments, empty segments (``a//b``, a trailing ``/``) and over-long names.
    """
    if not isinstance(name, str) or not name:
        raise FileNameError("empty file name")
    if line_refusal(name) is not None:
        raise FileNameError("control or text-direction character in file name")
    name = unicodedata.normalize("NFC", name.replace("\\", "/"))
    if name.startswith("/") or (len(name) >= 2 and name[1] == ":"):
        raise FileNameError("absolute path")
    segments = [seg for seg in name.split("/") if seg != "."]
    if not segments:
        raise FileNameError("empty file name")
    for seg in segments:
        if seg == "":
            raise FileNameError("empty path segment")
        if seg == ".." or seg.strip() in ("", "..") or seg.strip(" .") == "":
            raise FileNameError("path traversal")
        if ":" in seg or len(seg.encode("utf-8")) > 255:
            raise FileNameError("invalid path segment")
    result = posixpath.join(*segments)
    if len(result.encode("utf-8")) > 1024:
        raise FileNameError("file name too long")
    return result
