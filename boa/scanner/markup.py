"""HTML (and HTML inside MHT) scanned as text plus tables.

Every text node is searched for CPR/CVR numbers (location: ``line`` of the source), and
so are comments and attribute values (issue 17 item 4); every ``<table>`` is checked like a spreadsheet (location: ``table``, ``row``, ``column``).
"""

from __future__ import annotations

import email
import email.policy
import io
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from boa.scanner.numbers import NumberJudge
from boa.scanner.report import Findings, ScanConfig
from boa.scanner.tables import TableAnalyzer

FEED_CHARS = 1 << 20


class _Table:
    def __init__(self, analyzer: TableAnalyzer):
        self.analyzer = analyzer
        self.rows = 0
        self.row: list[str] | None = None
        self.cell: list[str] | None = None


class TableTextParser(HTMLParser):
    def __init__(self, config: ScanConfig, findings: Findings, where: dict[str, Any]):
        super().__init__(convert_charrefs=True)
        self.config = config
        self.findings = findings
        self.where = where
        self.judge = NumberJudge(config, findings)
        self.tables: list[_Table] = []
        self.table_count = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value:
                self.judge.scan_text(value, {**self.where, "line": self.getpos()[0], "attribute": name})
        if tag == "table":
            self.table_count += 1
            analyzer = TableAnalyzer(self.config, self.findings, {**self.where, "table": self.table_count})
            self.tables.append(_Table(analyzer))
        elif self.tables and tag == "tr":
            self._end_row()
            self.tables[-1].row = []
        elif self.tables and tag in ("td", "th"):
            self._end_cell()
            self.tables[-1].cell = []

    def handle_endtag(self, tag: str) -> None:
        if not self.tables:
            return
        if tag in ("td", "th"):
            self._end_cell()
        elif tag == "tr":
            self._end_row()
        elif tag == "table":
            self._end_row()
            self.tables.pop().analyzer.finish()

    def _end_cell(self) -> None:
        table = self.tables[-1]
        if table.cell is not None:
            if table.row is None:
                table.row = []
            table.row.append(" ".join("".join(table.cell).split()))
            table.cell = None

    def _end_row(self) -> None:
        table = self.tables[-1]
        self._end_cell()
        if table.row is not None:
            table.rows += 1
            table.analyzer.feed(table.row, {"row": table.rows})
            table.row = None

    def handle_data(self, data: str) -> None:
        if self.tables and self.tables[-1].cell is not None:
            self.tables[-1].cell.append(data)
        self.judge.scan_text(data, {**self.where, "line": self.getpos()[0]})

    def handle_comment(self, data: str) -> None:
        self.judge.scan_text(data, {**self.where, "line": self.getpos()[0], "comment": True})

    def close(self) -> None:
        super().close()
        while self.tables:
            self._end_row()
            self.tables.pop().analyzer.finish()


def scan_html_text(read: Callable[[int], str], config: ScanConfig, findings: Findings, where: dict[str, Any]) -> None:
    parser = TableTextParser(config, findings, where)
    while chunk := read(FEED_CHARS):
        parser.feed(chunk)
    parser.close()


def scan_html(path: Path, encoding: str, config: ScanConfig, findings: Findings) -> None:
    with open(path, encoding=encoding, errors="replace") as fh:
        scan_html_text(fh.read, config, findings, {})


def scan_mht(path: Path, config: ScanConfig, findings: Findings) -> bool:
    """Scan the HTML and text parts of an MHT archive; False when it has none."""
    with open(path, "rb") as fh:
        message = email.message_from_binary_file(fh, policy=email.policy.default)
    found = False
    for index, part in enumerate(message.walk(), start=1):
        if part.get_content_type() not in ("text/html", "text/plain"):
            continue
        found = True
        text = part.get_content()
        where = {"part": index}
        if part.get_content_type() == "text/html":
            scan_html_text(io.StringIO(text).read, config, findings, where)
        else:
            judge = NumberJudge(config, findings)
            for line_no, line in enumerate(text.splitlines(), start=1):
                judge.scan_text(line, {**where, "line": line_no})
    return found
