"""Every text-bearing part of docx, xlsx and pptx files, read as bounded XML streams.

Each part is walked once with :meth:`Allowance.walk <boa.scanner.budget.Allowance.walk>`
(lxml ``iterparse``, ``huge_tree`` off, entities neither resolved nor fetched, depth and
element caps, every element cleared after its end), each member's inflated bytes charged to
the file's one budget. No part is ever loaded whole, and neither openpyxl, python-docx nor
python-pptx reads an upload.

Flow parts (docx and pptx, and the drawings, charts and SmartArt of any of the three):
paragraphs (``w:p``/``a:p``; ``w:t``, ``w:delText``, ``w:instrText``, ``a:t``: tracked
changes, text boxes, content controls and nested tables included) are judged for numbers;
tables (``w:tbl``/``a:tbl``, nested ones too) are checked as tables; text outside paragraphs
(chart caches ``c:v``, comment texts, document properties) is judged element by element.
docx: every ``word/*.xml`` part (body, headers, footers, comments, footnotes, endnotes,
glossary). pptx: slides and their notes (located by slide number in presentation order),
slide masters and layouts, comments, charts, diagrams.

xlsx: each sheet streamed row by row (shared strings resolved; hidden sheets and rows read
like the others): every cell judged and each sheet checked as a table (``row`` as in Excel,
``column`` as a letter); headers and footers; formulas without a cached value: one made only
of string and number literals joined by ``&`` (``="010190"&"-1234"``) is evaluated and judged,
any other makes the file unverifiable. Sheet names and defined names (``xl/workbook.xml``),
cell comments (threaded too), shared strings no cell uses, drawings and charts.

Every package: document properties and custom XML parts. A zip inside (a chart's embedded
workbook, an embedded document) is read the same way with the same budget, one level deep
(``scan_limits.zip_nesting``); a zip that is not an office document, or an embedded OLE2
object (an old .xls or .doc, unreadable as when uploaded alone), makes the file unverifiable.
"""

from __future__ import annotations

import posixpath
import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from typing import Any

from boa.scanner.budget import Allowance, OverBudget
from boa.scanner.containers import zip_problem
from boa.scanner.numbers import NumberJudge
from boa.scanner.report import Findings, ScanConfig
from boa.scanner.tables import TableAnalyzer

HEADER_FOOTER = frozenset({"oddHeader", "oddFooter", "evenHeader", "evenFooter", "firstHeader", "firstFooter"})
_HF_CODE = re.compile(r'&(?:"[^"]*"|[0-9]+|[A-Za-z&+-])')  # &C, &"Arial,Bold", &12, &P ...
_LITERAL = re.compile(r'\s*(?:"((?:[^"]|"")*)"|(-?[0-9]+(?:\.[0-9]+)?))\s*')
_CELL_REF = re.compile(r"([A-Z]{1,3})([0-9]*)")
FLOW_TEXT = frozenset({"t", "delText", "instrText"})
FLOW_STARTS = frozenset({"p", "tbl", "tr", "tc"})
SHEET_STARTS = frozenset({"row", "c"})
SKIPPED = frozenset({"[Content_Types].xml"})
ZIP_MAGIC = b"PK\x03\x04"
OLE2_HEAD = b"\xd0\xcf\x11\xe0"
PACKAGE_KINDS = {"xl/workbook.xml": "xlsx", "word/document.xml": "docx", "ppt/presentation.xml": "pptx"}


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


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def column_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


class _Prefixed(Findings):
    """Findings of an embedded package: every location says which member it came from."""

    def __init__(self, inner: Findings, prefix: dict[str, Any]):  # noqa: D107 - shares the inner lists
        self.inner = inner
        self.prefix = prefix

    def add(self, kind: str, where: dict[str, Any], masked: str | None, confidence: float, message: str) -> None:
        self.inner.add(kind, {**self.prefix, **where}, masked, confidence, message)

    def __bool__(self) -> bool:
        return bool(self.inner)


class Package:
    """One open OOXML package and what its readers share."""

    def __init__(self, zf: zipfile.ZipFile, allowance: Allowance, config: ScanConfig, findings: Findings):
        self.zf = zf
        self.names = zf.namelist()
        self.allowance = allowance
        self.config = config
        self.findings = findings
        self.judge = NumberJudge(config, findings)
        self.reason: str | None = None

    def walk(self, name: str, starts: frozenset[str] = frozenset()) -> Iterator[tuple[str, str, Any]]:
        return self.allowance.walk_member(self.zf, name, starts)

    def rels(self, part: str) -> dict[str, str]:
        """Relationship id -> target part name for ``part``."""
        folder, base = posixpath.split(part)
        rels_name = posixpath.join(folder, "_rels", base + ".rels")
        found: dict[str, str] = {}
        if rels_name not in self.names:
            return found
        for event, name, elem in self.walk(rels_name):
            if event == "end" and name == "Relationship" and elem.get("TargetMode") != "External":
                target = elem.get("Target", "")
                path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
                found[elem.get("Id", "")] = path
        return found

    # -- flow parts: paragraphs, tables, loose text ------------------------------------------

    def flow(self, name: str, where: dict[str, Any], number_paragraphs: bool, table_counter: list[int]) -> None:
        """Judge a docx/pptx/drawing/chart part (see the module's docstring)."""
        judge, config, findings = self.judge, self.config, self.findings
        texts: list[str] = []
        in_paragraph = 0
        paragraph = 0
        tables: list[dict[str, Any]] = []
        for event, tag, elem in self.walk(name, FLOW_STARTS):
            if event == "start":
                if tag == "p":
                    in_paragraph += 1
                elif tag == "tbl":
                    table_counter[0] += 1
                    tables.append({"analyzer": TableAnalyzer(config, findings, {**where, "table": table_counter[0]}),
                                   "rows": 0, "row": None, "cell": None})
                elif tables and tag == "tr":
                    tables[-1]["row"] = []
                elif tables and tag == "tc":
                    tables[-1]["cell"] = []
                continue
            if tag in FLOW_TEXT:
                if in_paragraph:
                    texts.append(elem.text or "")
                elif elem.text:
                    judge.scan_text(elem.text, where)
            elif tag == "tab" and in_paragraph:
                texts.append(" ")
            elif tag == "p":
                in_paragraph -= 1
                paragraph += 1
                text = "".join(texts)
                texts = []
                if text:
                    judge.scan_text(text, {**where, "paragraph": paragraph} if number_paragraphs else where)
                    if tables and tables[-1]["cell"] is not None:
                        tables[-1]["cell"].append(text)
            elif tables and tag == "tc" and tables[-1]["row"] is not None:
                tables[-1]["row"].append("\n".join(tables[-1]["cell"] or []))
                tables[-1]["cell"] = None
            elif tables and tag == "tr" and tables[-1]["row"] is not None:
                tables[-1]["rows"] += 1
                tables[-1]["analyzer"].feed(tables[-1]["row"], {"row": tables[-1]["rows"]})
                tables[-1]["row"] = None
            elif tag == "tbl" and tables:
                tables.pop()["analyzer"].finish()
            elif not in_paragraph and elem.text and elem.text.strip():
                judge.scan_text(elem.text, where)  # chart caches, comment texts, properties

    # -- the rest of every package ------------------------------------------------------------

    def embedded(self, name: str) -> None:
        """A member that is itself a zip: an office document read with the same budget."""
        with self.allowance.open(self.zf, name) as fh:
            head = fh.read(4)
            if head == OLE2_HEAD and "/embeddings/" in name:
                self.reason = self.reason or "not_scannable"  # an embedded .xls/.doc: like one uploaded
                return
            if head != ZIP_MAGIC:
                return
            with self.allowance.deeper(), tempfile.TemporaryFile() as tmp:
                tmp.write(head)
                shutil.copyfileobj(fh, tmp, 1 << 20)
                tmp.seek(0)
                with zipfile.ZipFile(tmp) as inner:
                    problem = zip_problem(inner, self.config.rules)
                    if problem is not None:
                        raise OverBudget(f"{name}: {problem[1]}")
                    kind = next((k for part, k in PACKAGE_KINDS.items() if part in inner.namelist()), None)
                    if kind is None:
                        self.reason = "unreadable_content"  # a zip we cannot read inside
                        return
                    package = Package(inner, self.allowance, self.config, _Prefixed(self.findings, {"embedded": name}))
                    READERS[kind](package)
                    self.reason = self.reason or package.reason

    def rest(self, done: set[str]) -> None:
        """Every member no format reader took: XML as flow text, zips as embedded packages."""
        for name in self.names:
            if name in done or name in SKIPPED or name.endswith((".rels", "/")):
                continue
            if name.endswith(".xml"):
                self.flow(name, {"part": name}, False, [0])
            elif not name.endswith((".png", ".jpeg", ".jpg", ".gif", ".emf", ".wmf", ".tiff", ".bmp")):
                self.embedded(name)


# -- docx -------------------------------------------------------------------------------------

def read_docx(package: Package) -> None:
    done = set()
    for name in package.names:
        if name.startswith("word/") and name.endswith(".xml") and "/_rels/" not in name:
            where = {} if name == "word/document.xml" else {"part": name}
            package.flow(name, where, True, [0])
            done.add(name)
    package.rest(done)


# -- pptx -------------------------------------------------------------------------------------

def read_pptx(package: Package) -> None:
    slides: dict[str, int] = {}
    if "ppt/presentation.xml" in package.names:
        rels = package.rels("ppt/presentation.xml")
        for event, tag, elem in package.walk("ppt/presentation.xml"):
            if event == "end" and tag == "sldId":
                rid = next((v for k, v in elem.attrib.items() if k.endswith("}id")), "")
                if rid in rels:
                    slides[rels[rid]] = len(slides) + 1
    done = {"ppt/presentation.xml"}
    tables = [0]
    for part, number in sorted(slides.items(), key=lambda item: item[1]):
        if part in package.names:
            package.flow(part, {"slide": number}, False, tables)
            done.add(part)
    for name in package.names:
        if name.startswith("ppt/notesSlides/") and name.endswith(".xml") and "/_rels/" not in name:
            slide = next((slides[t] for t in package.rels(name).values() if t in slides), None)
            package.flow(name, {"slide": slide, "notes": True} if slide else {"part": name}, False, tables)
            done.add(name)
    package.rest(done)


# -- xlsx -------------------------------------------------------------------------------------

def _shared_strings(package: Package, name: str) -> list[str]:
    caps = package.allowance.caps
    strings: list[str] = []
    chars = 0
    texts: list[str] = []
    for event, tag, elem in package.walk(name):
        if event != "end":
            continue
        if tag == "t":
            texts.append(elem.text or "")
        elif tag == "si":
            text = "".join(texts)
            texts = []
            strings.append(text)
            chars += len(text)
            if len(strings) > caps["shared_strings"]:
                raise package.allowance.refuse("shared_strings")
            if chars > caps["shared_string_chars"]:
                raise package.allowance.refuse("shared_string_chars")
    return strings


def _number(text: str) -> int | float | str:
    try:
        return int(text)
    except ValueError:
        try:
            return float(text)
        except ValueError:
            return text


class _Sheet:
    """One worksheet streamed row by row."""

    def __init__(self, package: Package, title: str, strings: list[str], used: bytearray):
        self.package = package
        self.title = title
        self.strings = strings
        self.used = used
        self.analyzer = TableAnalyzer(package.config, package.findings, {"sheet": title}, label=column_letter)

    def value(self, kind: str, text: str | None, inline: list[str]) -> Any:
        if kind == "inlineStr":
            return "".join(inline)
        if text is None:
            return None
        if kind == "s":
            try:
                index = int(text)
                self.used[index] = 1
                return self.strings[index]
            except (ValueError, IndexError):
                return None
        if kind == "b":
            return text == "1"
        if kind in ("str", "e"):
            return text
        return _number(text)

    def read(self, name: str) -> None:
        package, judge, title = self.package, self.package.judge, self.title
        caps = package.allowance.caps
        row_no = rows = 0
        cells: dict[int, Any] = {}
        next_col = 0
        v_text: str | None = None
        f_text: str | None = None
        inline: list[str] = []
        for event, tag, elem in package.walk(name, SHEET_STARTS):
            if event == "start":
                if tag == "row":
                    rows += 1
                    if rows > caps["sheet_rows"]:
                        raise package.allowance.refuse("sheet_rows")
                    r = elem.get("r")
                    row_no = int(r) if r and r.isdigit() else row_no + 1
                    cells, next_col = {}, 0
                elif tag == "c":
                    v_text = f_text = None
                    inline = []
                continue
            if tag == "v":
                v_text = elem.text or ""
            elif tag == "f":
                f_text = elem.text or ""
            elif tag == "t":
                inline.append(elem.text or "")
            elif tag == "c":
                m = _CELL_REF.match(elem.get("r") or "")
                col = column_index(m.group(1)) if m else next_col
                if col >= caps["row_width"]:
                    raise package.allowance.refuse("row_width")
                next_col = col + 1
                value = self.value(elem.get("t", "n"), v_text, inline)
                if value is not None and value != "":
                    cells[col] = value
                if f_text is not None and not v_text:
                    evaluated = literal_concatenation(f_text)
                    if evaluated is None:
                        package.reason = "unreadable_content"
                    else:
                        judge.scan_text(evaluated, {"sheet": title, "cell": elem.get("r"), "formula": True})
            elif tag == "row":
                self.row(row_no, cells)
            elif tag in HEADER_FOOTER:
                judge.scan_text(_HF_CODE.sub(" ", elem.text or ""), {"sheet": title, "header_footer": tag})
        self.analyzer.finish()

    def row(self, row_no: int, cells: dict[int, Any]) -> None:
        if not cells:
            return
        width = max(cells) + 1
        self.package.allowance.add_cells(width)
        values = [cells.get(i) for i in range(width)]
        self.analyzer.feed(values, {"row": row_no})
        for index, value in cells.items():
            if isinstance(value, str) and len(value) < 8 or (  # cannot hold a CPR/CVR: skip the call
                    not isinstance(value, str) and not 10_000_000 <= value < 10_000_000_000):
                continue
            self.package.judge.scan_value(value, {"sheet": self.title, "row": row_no, "column": column_letter(index)},
                                          self.analyzer.column_name(index))


def read_xlsx(package: Package) -> None:
    names, judge = package.names, package.judge
    if "xl/workbook.xml" not in names:
        return
    rels = package.rels("xl/workbook.xml")
    sheets: list[tuple[str, str]] = []
    for event, tag, elem in package.walk("xl/workbook.xml"):
        if event != "end":
            continue
        if tag == "sheet":
            rid = next((v for k, v in elem.attrib.items() if k.endswith("}id")), "")
            title = elem.get("name", "")
            judge.scan_text(title, {"sheet_name": title})
            if rels.get(rid) in names:
                sheets.append((rels[rid], title))
        elif tag == "definedName":
            name = elem.get("name", "")
            judge.scan_text(f"{name} {elem.text or ''}", {"defined_name": name})
    done = {"xl/workbook.xml"}
    shared = next((t for t in rels.values() if t.endswith("sharedStrings.xml") and t in names),
                  "xl/sharedStrings.xml" if "xl/sharedStrings.xml" in names else None)
    strings = _shared_strings(package, shared) if shared else []
    used = bytearray(len(strings))
    if shared:
        done.add(shared)
    listed = {part for part, _ in sheets}
    sheets += [(n, n) for n in names if n.startswith("xl/worksheets/") and n.endswith(".xml") and n not in listed]
    for part, title in sheets:
        _Sheet(package, title, strings, used).read(part)
        done.add(part)
    for index, flag in enumerate(used):
        if not flag:
            judge.scan_text(strings[index], {"shared_string": index + 1})
    for name in names:
        if name.endswith(".xml") and name.startswith(("xl/comments", "xl/threadedComments/")):
            _comments(package, name)
            done.add(name)
    package.rest(done)


def _comments(package: Package, name: str) -> None:
    number = 0
    texts: list[str] = []
    for event, tag, elem in package.walk(name):
        if event != "end":
            continue
        if tag == "t" or (tag == "text" and elem.text):
            texts.append(elem.text or "")
        elif tag in ("comment", "threadedComment"):
            number += 1
            package.judge.scan_text("".join(texts), {"comments": name, "cell": elem.get("ref"), "comment": number})
            texts = []


READERS = {"xlsx": read_xlsx, "docx": read_docx, "pptx": read_pptx}


def scan_package(path: Any, kind: str, config: ScanConfig, findings: Findings) -> str | None:
    """Read an OOXML file of ``kind`` (xlsx, docx, pptx); an unverifiable reason or None.
    Raises :class:`~boa.scanner.budget.OverBudget` past a cap."""
    with zipfile.ZipFile(path) as zf:
        package = Package(zf, Allowance(config.rules), config, findings)
        READERS[kind](package)
        return package.reason
