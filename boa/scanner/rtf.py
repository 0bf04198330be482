"""RTF read as the text it shows (issue 17 item 4), line by line in bounded memory.

Escapes are decoded before matching: ``\\'hh`` (a code-page byte, e.g. ``\\'2d`` a hyphen),
``\\uN`` with its fallback character (a Unicode character), ``\\_`` (non-breaking hyphen) as
``-``, ``\\-`` (optional hyphen) as nothing and ``\\~`` as a space; other control words and
group braces become a space. The text is then normalised and judged like any text.
A NUL byte makes the file binary (``content_mismatch``).
"""

from __future__ import annotations

import re
from pathlib import Path

from boa.scanner.numbers import NumberJudge
from boa.scanner.report import Findings, ScanConfig
from boa.scanner.textscan import MAX_HEAD_LINE, BinaryContent

_TOKEN = re.compile(r"\\'([0-9a-fA-F]{2})|\\u(-?[0-9]{1,6}) ?(?:\\'[0-9a-fA-F]{2}|[^\\{}])?|\\([_~-])"
                    r"|\\[a-zA-Z]+-?[0-9]* ?|\\[^a-zA-Z]|[{}]")
_SYMBOLS = {"_": "-", "-": "", "~": " "}


def _replace(m: re.Match[str]) -> str:
    if m.group(1) is not None:
        return bytes([int(m.group(1), 16)]).decode("cp1252", "replace")
    if m.group(2) is not None:
        code = int(m.group(2))
        code = code + 65536 if code < 0 else code
        return chr(code) if 0 <= code < 0x110000 else " "
    if m.group(3) is not None:
        return _SYMBOLS[m.group(3)]
    return " "


def rtf_text(line: str) -> str:
    """The text an RTF line shows, escapes decoded (see the module's docstring)."""
    if "\\" not in line and "{" not in line and "}" not in line:
        return line
    return _TOKEN.sub(_replace, line)


def scan_rtf(path: Path, encoding: str, config: ScanConfig, findings: Findings) -> int:
    """Scan an RTF file; returns its number of lines. Raises ``BinaryContent``."""
    judge = NumberJudge(config, findings)
    line_no = 0
    with open(path, encoding=encoding, errors="replace", newline="") as fh:
        while line := fh.readline(MAX_HEAD_LINE):
            if "\x00" in line:
                raise BinaryContent()
            if line.endswith("\n") or not line_no:
                line_no += 1
            judge.scan_text(rtf_text(line), {"line": line_no})
    return line_no
