"""Every text-bearing part of docx and xlsx files, read with a streaming XML parser.

lxml's ``iterparse`` (``huge_tree=False``, ``resolve_entities=False``, ``no_network=True``)
walks each part and clears what it has read, so memory holds one paragraph or cell at a time.

docx: every ``word/*.xml`` part (body, headers, footers, comments, footnotes, endnotes),
``w:t`` (tracked insertions, text boxes, content controls and nested tables included),
``w:delText`` and ``w:instrText``, joined per paragraph (``w:p``).

xlsx: sheet names and defined names (``xl/workbook.xml``), cell comments
(``xl/comments*.xml``, threaded comments too), headers and footers of every sheet, and
formulas without a cached value: one made only of string and number literals joined by
``&`` (``="010190"&"-1234"``) is evaluated and judged; any other makes the file
unverifiable. Hidden sheets and rows are read like the others by the cell reader.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from lxml import etree

from boa.scanner.numbers import NumberJudge

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
DOCX_TEXT = frozenset({W + "t", W + "delText", W + "instrText"})
HEADER_FOOTER = frozenset({"oddHeader", "oddFooter", "evenHeader", "evenFooter", "firstHeader", "firstFooter"})
_HF_CODE = re.compile(r'&(?:"[^"]*"|[0-9]+|[A-Za-z&+-])')  # &C, &"Arial,Bold", &12, &P ...
_LITERAL = re.compile(r'\s*(?:"((?:[^"]|"")*)"|(-?[0-9]+(?:\.[0-9]+)?))\s*')


def _iterparse(fh: IO[bytes], tags: Any = None) -> Iterator[tuple[str, Any]]:
    return etree.iterparse(fh, events=("end",), tag=tags, huge_tree=False,
                           resolve_entities=False, no_network=True, load_dtd=False)


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _clear(elem: Any) -> None:
    elem.clear()
    parent = elem.getparent()
    while parent is not None and elem.getprevious() is not None:
        del parent[0]


def docx_paragraphs(path: Path) -> Iterator[tuple[str, int, str]]:
    """(part, paragraph number in the part, text) for every paragraph of every word/*.xml part."""
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            if not (name.startswith("word/") and name.endswith(".xml")):
                continue
            with zf.open(name) as fh:
                parts: list[str] = []
                number = 0
                for _, elem in _iterparse(fh):
                    if elem.tag in DOCX_TEXT:
                        parts.append(elem.text or "")
                    elif elem.tag == W + "tab":
                        parts.append(" ")
                    elif elem.tag == W + "p":
                        number += 1
                        if parts:
                            yield name, number, "".join(parts)
                            parts = []
                        _clear(elem)


def literal_concatenation(formula: str) -> str | None:
    """The value of a formula made only of literals joined by ``&``, else None."""
    text = formula.strip()
    if text.startswith("="):
        text = text[1:]
    values: list[str] = []
    pos = 0
    while True:
        m = _LITERAL.match(text, pos)
        if m is None:
            return None
        values.append(m.group(1).replace('""', '"') if m.group(1) is not None else m.group(2))
        pos = m.end()
        if pos == len(text):
            return "".join(values)
        if text[pos] != "&":
            return None
        pos += 1


def _sheet_names(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet part name -> sheet title, from the workbook and its relationships."""
    rels: dict[str, str] = {}
    if "xl/_rels/workbook.xml.rels" in zf.namelist():
        with zf.open("xl/_rels/workbook.xml.rels") as fh:
            for _, elem in _iterparse(fh):
                if _local(elem.tag) == "Relationship":
                    target = elem.get("Target", "").lstrip("/")
                    rels[elem.get("Id", "")] = target if target.startswith("xl/") else "xl/" + target
    names: dict[str, str] = {}
    with zf.open("xl/workbook.xml") as fh:
        for _, elem in _iterparse(fh):
            if _local(elem.tag) == "sheet":
                rid = next((v for k, v in elem.attrib.items() if _local(k) == "id"), "")
                names[rels.get(rid, "")] = elem.get("name", "")
    return names


def scan_xlsx_parts(path: Path, judge: NumberJudge) -> str | None:
    """Judge the xlsx text outside cells and literal formulas; ``unverifiable`` reason or None."""
    reason = None
    with zipfile.ZipFile(path) as zf:
        if "xl/workbook.xml" not in zf.namelist():
            return None
        titles = _sheet_names(zf)
        for title in titles.values():
            judge.scan_text(title, {"sheet_name": title})
        with zf.open("xl/workbook.xml") as fh:
            for _, elem in _iterparse(fh):
                if _local(elem.tag) == "definedName":
                    name = elem.get("name", "")
                    judge.scan_text(f"{name} {elem.text or ''}", {"defined_name": name})
        for name in zf.namelist():
            if not name.endswith(".xml"):
                continue
            if name.startswith(("xl/comments", "xl/threadedComments/")):
                _scan_comments(zf, name, judge)
            elif name.startswith("xl/worksheets/"):
                if _scan_sheet(zf, name, titles.get(name, name), judge):
                    reason = "unreadable_content"
    return reason


def _scan_comments(zf: zipfile.ZipFile, name: str, judge: NumberJudge) -> None:
    with zf.open(name) as fh:
        number = 0
        for _, elem in _iterparse(fh):
            if _local(elem.tag) in ("comment", "threadedComment"):
                number += 1
                text = "".join(t.text or "" for t in elem.iter() if _local(t.tag) == "t")
                judge.scan_text(text, {"comments": name, "cell": elem.get("ref"), "comment": number})
                _clear(elem)


def _scan_sheet(zf: zipfile.ZipFile, name: str, title: str, judge: NumberJudge) -> bool:
    """Headers, footers and uncached formulas of one sheet; True if a formula is unverifiable."""
    unverifiable = False
    with zf.open(name) as fh:
        for _, elem in _iterparse(fh):
            local = _local(elem.tag)
            if local == "c":
                children = {_local(child.tag): child for child in elem}
                formula = children.get("f")
                value = children.get("v")
                if formula is not None and (value is None or not (value.text or "")):
                    evaluated = literal_concatenation(formula.text or "")
                    if evaluated is None:
                        unverifiable = True
                    else:
                        judge.scan_text(evaluated, {"sheet": title, "cell": elem.get("r"), "formula": True})
                _clear(elem)
            elif local in HEADER_FOOTER:
                judge.scan_text(_HF_CODE.sub(" ", elem.text or ""), {"sheet": title, "header_footer": local})
            elif local == "row":
                _clear(elem)
    return unverifiable
