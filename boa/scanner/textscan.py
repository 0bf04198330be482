"""Streaming scan of text files in bounded memory.

Pass 1 (``.txt``/``.tab`` only) reads the head of the file (at most ``max_rows + 1`` lines,
each at most 1 MB) to find a delimited table: delimiter ``;``, tab, ``|`` or ``,`` with the
same count on every sampled line, then the header (key-like and count-like columns) and the
count cells of the first ``max_rows`` data rows. Past ``max_rows`` rows a table is unit-level
data anyway, so its cells are not parsed further.

Pass 2 reads the whole file in large byte chunks (UTF-16 and UTF-32 are transcoded to UTF-8 on the fly)
and runs one RE2 scan per chunk for CPR/CVR candidates, with a small carried tail so a
number cut by a chunk boundary is still found once; lines are counted with ``bytes.count``.
A line of any length is fine: nothing holds more than one chunk plus the tail.
A NUL byte in a file that is not UTF-16/32 makes it binary: rejected as ``content_mismatch``.

A chunk that is not all ASCII gets a second, narrow pass (issue 17 item 4): only runs of
digits with separators or format characters between them (``normalize.HIDDEN_BYTES``:
full-width digits, zero-width spaces, en dashes, no-break spaces) are decoded, normalised
and judged, skipping the numbers the first pass already saw. ASCII chunks cost one
``bytes.isascii``.
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from boa.scanner.normalize import hidden_runs, normalize
from boa.scanner.numbers import BYTES_RX, CONTEXT_AFTER, CONTEXT_BEFORE, STR_RX, NumberJudge
from boa.scanner.report import Findings, ScanConfig
from boa.scanner.tables import TableAnalyzer
from boa.scanner.textsniff import bom_encoding, is_wide

TABLE_EXTENSIONS = frozenset({"txt", "tab"})
DELIMITERS = (";", "\t", "|", ",")
SNIFF_LINES = 50
MAX_HEAD_LINE = 1 << 20
MAX_TABLE_LINE = 100_000  # a longer line is not a table row; the head pass stops there
TAIL = 256  # longer than a hidden run (61 characters of up to 3 bytes)


class BinaryContent(Exception):
    """A NUL byte in a text file that is not UTF-16."""


def sniff_delimiter(lines: list[str]) -> str | None:
    lines = [ln for ln in lines if ln.strip()]
    if len(lines) < 2 or any(len(ln) > MAX_TABLE_LINE for ln in lines):
        return None
    for delim in DELIMITERS:
        counts = {next(csv.reader([ln], delimiter=delim)).__len__() for ln in lines}
        if len(counts) == 1 and counts.pop() >= 2:
            return delim
    return None


class TextTable:
    """The delimited table found at the head of a text file (pass 1)."""

    def __init__(self, delimiter: str, header_line: int, analyzer: TableAnalyzer):
        self.delimiter = delimiter
        self.header_line = header_line
        self.analyzer = analyzer
        self.header = analyzer.header or []


def head_table(path: Path, encoding: str, config: ScanConfig, findings: Findings) -> TextTable | None:
    with open(path, encoding=encoding, errors="replace", newline="") as fh:
        sniff = [fh.readline(MAX_HEAD_LINE) for _ in range(SNIFF_LINES)]
        delim = sniff_delimiter([ln for ln in sniff if ln])
        if delim is None:
            return None
        fh.seek(0)
        analyzer = TableAnalyzer(config, findings, {})
        header_line = line_no = 0
        while analyzer.data_rows <= config.max_rows and line_no < config.max_rows + 100:
            line_no += 1
            line = fh.readline(MAX_HEAD_LINE)
            if not line:
                break
            if len(line) > MAX_TABLE_LINE:
                break
            if not line.strip():
                continue
            try:
                cells = next(csv.reader([line.rstrip("\r\n")], delimiter=delim))
            except csv.Error:
                break
            had_header = analyzer.header is not None
            at: dict[str, Any] = {"line": line_no}
            if had_header:
                at["row"] = line_no - header_line
            analyzer.feed(cells, at)
            if not had_header and analyzer.header is not None:
                header_line = line_no
    return TextTable(delim, header_line, analyzer)


def byte_chunks(path: Path, encoding: str, size: int) -> Iterator[bytes]:
    """The file's bytes in chunks, as UTF-8 if it is UTF-16/32, with any BOM left out."""
    with open(path, "rb") as fh:
        if is_wide(encoding):
            bom, skip = bom_encoding(fh.read(4))
            fh.seek(skip if bom == encoding else 0)
            decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
            while data := fh.read(size):
                yield decoder.decode(data).encode("utf-8")
            yield decoder.decode(b"", final=True).encode("utf-8")
            return
        if encoding == "utf-8-sig":
            fh.read(3)
        while data := fh.read(size):
            if b"\x00" in data:
                raise BinaryContent()
            yield data


def _hidden(buf: bytes, ctx: int, cut: int, lines_before: int, encoding: str, judge: NumberJudge) -> None:
    """The second pass over a non-ASCII chunk: hidden runs normalised and judged."""
    for m in hidden_runs(encoding).finditer(buf, ctx):
        s, e = m.start(), m.end()
        if s >= cut:
            break
        run = m.group()
        if run.isascii():
            continue
        seen = {c.group().replace(b"-", b"").replace(b" ", b"") for c in BYTES_RX.finditer(run)}
        text = run.decode(encoding, "replace")
        where = {"line": lines_before + buf.count(b"\n", ctx, s) + 1}
        context = buf[max(0, s - CONTEXT_BEFORE): e + CONTEXT_AFTER].decode(encoding, "replace").lower()
        for c in STR_RX.finditer(normalize(text)):
            digits = c.group().replace("-", "").replace(" ", "")
            if digits.encode("ascii") not in seen:
                judge.judge(digits, "", "", context, where)


def scan_text(path: Path, encoding: str, ext: str, config: ScanConfig, findings: Findings) -> int:
    """Scan a text file; returns its number of lines. Raises ``BinaryContent``."""
    table = head_table(path, encoding, config, findings) if ext in TABLE_EXTENSIONS else None
    judge = NumberJudge(config, findings)
    delim = table.delimiter.encode("utf-8") if table else None
    header = table.header if table else []
    read_enc = "utf-8" if is_wide(encoding) else encoding
    lines_before = 0  # newlines before buf[ctx]
    carry = b""
    last = b""
    tail = min(TAIL, max(16, config.chunk_bytes // 4))  # tiny chunks only in tests
    chunks = byte_chunks(path, encoding, config.chunk_bytes)
    pending = next(chunks, b"")
    while pending:
        following = next(chunks, b"")
        buf = carry + pending
        ctx = 1 if carry else 0
        cut = len(buf) if not following else len(buf) - tail
        line_pos, line_no = ctx, lines_before
        for m in BYTES_RX.finditer(buf, ctx):
            s, e = m.start(), m.end()
            if s >= cut:
                break
            line_no += buf.count(b"\n", line_pos, s)
            line_pos = s
            start = buf.rfind(b"\n", 0, s) + 1
            where: dict[str, Any] = {"line": line_no + 1}
            column_name = None
            if delim is not None and table is not None and (start > 0 or lines_before == 0):
                index = buf.count(delim, start, s)
                column_name = header[index] if index < len(header) else None
                where.update(row=line_no + 1 - table.header_line, column=index + 1, column_name=column_name)
            context = buf[max(start, s - CONTEXT_BEFORE): e + CONTEXT_AFTER].decode(read_enc, "replace")
            before = buf[max(0, s - 2): s].decode("latin-1")
            after = buf[e: e + 2].decode("latin-1")
            judge.judge(m.group().replace(b"-", b"").replace(b" ", b"").decode("ascii"), before, after,
                        context.lower() + " " + (column_name or "").lower(), where)
        if not buf.isascii():
            _hidden(buf, ctx, cut, lines_before, read_enc, judge)
        lines_before += buf.count(b"\n", ctx, cut)
        last = buf[cut - 1: cut] if cut else last
        carry = buf[cut - 1:] if following else b""
        pending = following
    total_lines = lines_before + (1 if last and last != b"\n" else 0)
    if table is not None:
        rows = None
        if table.analyzer.data_rows > config.max_rows:
            rows = total_lines - table.header_line
        table.analyzer.finish(rows)
    return total_lines

