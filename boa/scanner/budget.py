"""The caps of one scan, and XML read as a bounded stream (issue 17 item 3).

Every cap is data: ``scan_limits`` in ``seed_data/transfer_rules.json``.

- ``uncompressed_bytes``: one budget per file for the bytes actually inflated from all its zip
  members together (counted while streaming, whatever the central directory declares);
- ``parts``: zip members opened; ``zip_nesting``: how deep a zip inside a zip is followed
  (an embedded workbook of a chart is one level; one inside it is refused);
- ``xml_depth`` and ``xml_elements``: element nesting and elements read, over all parts;
- ``sheet_rows``, ``cells`` (over all sheets, a sparse row counting as wide as its last
  cell) and ``row_width``; ``shared_strings`` and ``shared_string_chars`` (the one table
  a spreadsheet reader must hold).

Past any cap the reader raises :class:`OverBudget`; the file is ``unverifiable`` with the
reason ``scan_budget`` (a person looks at it), or ``flagged`` if findings came before.
XML is read with lxml's ``iterparse`` (``huge_tree`` off, entities neither resolved nor
fetched, no DTD): each element is cleared once the reader has seen its end, so memory holds
the path from the root to the current element, not the part.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Any

from lxml import etree

from boa.scanner.report import SCAN_BUDGET
from boa.scanner.rules import TransferRules

REASON = SCAN_BUDGET


class OverBudget(Exception):
    """A cap of ``scan_limits`` was reached; the message names it."""


def local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


class _Counted:
    """A zip member's stream whose inflated bytes are charged to the file's budget."""

    def __init__(self, raw: IO[bytes], allowance: Allowance):
        self.raw = raw
        self.allowance = allowance

    def read(self, size: int = -1) -> bytes:
        want = self.allowance.bytes_left + 1 if size is None or size < 0 else min(size, self.allowance.bytes_left + 1)
        data = self.raw.read(max(want, 1))
        self.allowance.spend(len(data))
        return data

    def close(self) -> None:
        self.raw.close()

    def __enter__(self) -> _Counted:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class Allowance:
    """What is left of one file's caps; shared by every reader of the file."""

    def __init__(self, rules: TransferRules, nesting: int = 0):
        self.caps = rules.scan_limits
        self.bytes_left = self.caps["uncompressed_bytes"]
        self.parts = 0
        self.elements = 0
        self.cells = 0
        self.nesting = nesting

    def refuse(self, what: str) -> OverBudget:
        return OverBudget(f"more than {self.caps[what]} {what.replace('_', ' ')}")

    def spend(self, n: int) -> None:
        self.bytes_left -= n
        if self.bytes_left < 0:
            raise self.refuse("uncompressed_bytes")

    def add_cells(self, n: int) -> None:
        self.cells += n
        if self.cells > self.caps["cells"]:
            raise self.refuse("cells")

    def open(self, zf: zipfile.ZipFile, name: str) -> _Counted:
        """A member of ``zf`` as a stream charged to the budget."""
        self.parts += 1
        if self.parts > self.caps["parts"]:
            raise self.refuse("parts")
        return _Counted(zf.open(name), self)

    @contextmanager
    def deeper(self) -> Iterator[None]:
        """Inside a zip inside this one: the same budget, one level deeper."""
        if self.nesting + 1 > self.caps["zip_nesting"]:
            raise self.refuse("zip_nesting")
        self.nesting += 1
        try:
            yield
        finally:
            self.nesting -= 1

    def walk(self, fh: IO[bytes] | _Counted, starts: frozenset[str] = frozenset()) -> Iterator[tuple[str, str, Any]]:
        """``(event, local name, element)`` for the ``end`` of every element, and for the
        ``start`` of those named in ``starts``.

        After the consumer has seen an ``end``, the element is cleared and its earlier
        siblings dropped, so text and children are there only at the element's own end."""
        depth = 0
        max_depth = self.caps["xml_depth"]
        max_elements = self.caps["xml_elements"]
        names: dict[Any, str] = {}
        for event, elem in etree.iterparse(fh, events=("start", "end"), huge_tree=False, resolve_entities=False,
                                           no_network=True, load_dtd=False, remove_comments=True,
                                           remove_pis=True):
            tag = elem.tag
            name = names.get(tag)
            if name is None:
                name = names[tag] = local(tag)
            if event == "start":
                depth += 1
                self.elements += 1
                if depth > max_depth:
                    raise self.refuse("xml_depth")
                if self.elements > max_elements:
                    raise self.refuse("xml_elements")
                if name in starts:
                    yield event, name, elem
                continue
            depth -= 1
            yield event, name, elem
            elem.clear()
            previous = elem.getprevious()
            if previous is not None:
                parent = elem.getparent()
                while previous is not None:
                    del parent[0]
                    previous = elem.getprevious()

    def walk_member(self, zf: zipfile.ZipFile, name: str,
                    starts: frozenset[str] = frozenset()) -> Iterator[tuple[str, str, Any]]:
        with self.open(zf, name) as fh:
            yield from self.walk(fh, starts)
