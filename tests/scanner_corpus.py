"""A labelled corpus for the scanner (issue 17 item 4): CPR numbers planted in every hiding
place, and clean look-alikes (phone numbers, dates, invalid CPR dates, aggregate tables
with large counts). ``build(directory, seed)`` writes the files and returns their labels.
"""

from __future__ import annotations

import random
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

CP1252_SEPARATORS = ("\u2013", "\u2014", "\u00a0", " ")
W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


@dataclass(frozen=True)
class Sample:
    kind: str  # the hiding place or look-alike, e.g. "docx:header", "clean:phone"
    path: Path
    planted: bool  # holds a CPR number the scanner must find


def cpr(rng: random.Random, sep: str = "-") -> str:
    """A CPR number with a valid past birth date (7th digit 0-3: born 19YY)."""
    return f"{rng.randint(1, 28):02d}{rng.randint(1, 12):02d}{rng.randint(0, 99):02d}{sep}{rng.randint(0, 3)}{rng.randint(0, 999):03d}"


def look_alike(rng: random.Random) -> str:
    """Clean text that looks like numbers: phones, dates, invalid CPR dates, counts."""
    d, m, y = rng.randint(1, 28), rng.randint(1, 12), rng.randint(1950, 2020)
    return rng.choice([
        f"Tlf. +45 {rng.randint(20, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
        f"ring {rng.randint(20, 99)}{rng.randint(10, 99)} {rng.randint(10, 99)}{rng.randint(10, 99)}",
        f"dato {d:02d}.{m:02d}.{y} og {y}-{m:02d}-{d:02d} og {d:02d}-{m:02d}-{y}",
        f"ugyldig {rng.randint(32, 99)}{m:02d}{y % 100:02d}-{rng.randint(0, 3)}{rng.randint(0, 999):03d}",
        f"ugyldig {d:02d}{rng.randint(13, 99)}{y % 100:02d} {rng.randint(0, 3)}{rng.randint(0, 999):03d}",
        f"ugyldig 3002{y % 100:02d}\u2013{rng.randint(0, 3)}{rng.randint(0, 999):03d}",
        f"I alt {rng.randint(10_000, 999_999):,} personer, {rng.randint(100, 9_999)} husstande".replace(",", "."),
    ])


def _docx(path: Path, body_xml: str = "", extra_parts: dict[str, str] | None = None,
          build: Callable | None = None) -> Path:
    """A python-docx document, its body extended with ``body_xml`` and ``extra_parts`` added."""
    import docx

    document = docx.Document()
    document.add_paragraph("Resultater")
    if build is not None:
        build(document)
    document.save(str(path))
    with zipfile.ZipFile(path) as zf:
        members = {name: zf.read(name) for name in zf.namelist()}
    if body_xml:
        xml = members["word/document.xml"].decode("utf-8")
        cut = xml.rfind("<w:sectPr")
        members["word/document.xml"] = (xml[:cut] + body_xml + xml[cut:]).encode("utf-8")
    for name, text in (extra_parts or {}).items():
        members[name] = text.encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def _p(text: str) -> str:
    return f'<w:p><w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>'


def docx_samples(text: str) -> dict[str, Callable[[Path], Path]]:
    """docx hiding places, each holding ``text``."""
    def header(document):
        document.sections[0].header.paragraphs[0].text = f"Udkast {text}"

    def footer(document):
        document.sections[0].footer.paragraphs[0].text = f"Side 1 {text}"

    return {
        "docx:body": lambda p: _docx(p, _p(f"Opgørelse {text}")),
        "docx:header": lambda p: _docx(p, build=header),
        "docx:footer": lambda p: _docx(p, build=footer),
        "docx:comment": lambda p: _docx(p, extra_parts={"word/comments.xml": (
            f'<w:comments {W_NS}><w:comment w:id="0" w:author="a">{_p(text)}</w:comment></w:comments>')}),
        "docx:footnote": lambda p: _docx(p, extra_parts={"word/footnotes.xml": (
            f'<w:footnotes {W_NS}><w:footnote w:id="1">{_p(text)}</w:footnote></w:footnotes>')}),
        "docx:endnote": lambda p: _docx(p, extra_parts={"word/endnotes.xml": (
            f'<w:endnotes {W_NS}><w:endnote w:id="1">{_p(text)}</w:endnote></w:endnotes>')}),
        "docx:tracked_insertion": lambda p: _docx(p, (
            f'<w:p><w:r><w:t>Se </w:t></w:r><w:ins w:id="1" w:author="a"><w:r><w:t>{text}</w:t></w:r></w:ins></w:p>')),
        "docx:text_box": lambda p: _docx(p, (
            '<w:p><w:r><w:pict><v:shape xmlns:v="urn:schemas-microsoft-com:vml"><v:textbox>'
            f'<w:txbxContent>{_p(text)}</w:txbxContent></v:textbox></v:shape></w:pict></w:r></w:p>')),
        "docx:content_control": lambda p: _docx(p, (
            f'<w:sdt><w:sdtPr><w:tag w:val="x"/></w:sdtPr><w:sdtContent>{_p(text)}</w:sdtContent></w:sdt>')),
        "docx:nested_table": lambda p: _docx(p, (
            '<w:tbl><w:tr><w:tc><w:p/><w:tbl><w:tr><w:tc>'
            f'{_p(text)}</w:tc></w:tr></w:tbl><w:p/></w:tc></w:tr></w:tbl>')),
    }


def xlsx_samples(text: str, rng: random.Random) -> dict[str, Callable[[Path], Path]]:
    """xlsx hiding places, each holding ``text`` (a formula splits it into literals)."""
    import openpyxl
    from openpyxl.comments import Comment
    from openpyxl.workbook.defined_name import DefinedName

    def book(path: Path, change: Callable) -> Path:
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        sheet.title = "Tabel"
        sheet.append(["Region", "Antal"])
        for i in range(5):
            sheet.append([f"Region {i}", rng.randint(1_000, 90_000)])
        change(workbook, sheet)
        workbook.save(path)
        return path

    def hidden_sheet(wb, _):
        hidden = wb.create_sheet("Noter")
        hidden.append([text])
        hidden.sheet_state = "hidden"

    def hidden_row(_, sheet):
        sheet.append(["note", text])
        sheet.row_dimensions[sheet.max_row].hidden = True

    def defined_name(wb, _):
        dn = DefinedName("Note", attr_text=f'"{text}"')
        if hasattr(wb.defined_names, "add"):
            wb.defined_names.add(dn)
        else:
            wb.defined_names["Note"] = dn

    def header(_, sheet):
        sheet.oddHeader.center.text = text

    def footer(_, sheet):
        sheet.oddFooter.left.text = text

    def comment(_, sheet):
        sheet["B2"].comment = Comment(f"tjek {text}", "a")

    def sheet_name(wb, _):
        wb.create_sheet(text[:31])

    def formula(_, sheet):
        cut = rng.randint(2, len(text) - 2)
        sheet["C2"] = f'="{text[:cut]}"&"{text[cut:]}"'

    return {f"xlsx:{name}": (lambda p, f=f: book(p, f)) for name, f in {
        "hidden_sheet": hidden_sheet, "hidden_row": hidden_row, "defined_name": defined_name,
        "header": header, "footer": footer, "comment": comment, "sheet_name": sheet_name,
        "formula": formula}.items()}


def _rtf_escape(text: str, rng: random.Random) -> str:
    escaped = text.replace("-", rng.choice(["\\_", "\\'2d", "\\-"]))
    digits = [i for i, c in enumerate(escaped) if c.isdigit()]
    if digits and rng.random() < 0.5:  # one digit as a unicode escape
        i = rng.choice(digits)
        escaped = escaped[:i] + f"\\u{ord(escaped[i])}?" + escaped[i + 1:]
    return "".join(c if c.isascii() else f"\\u{ord(c)}?" for c in escaped)


def _hide_in_text(text: str, rng: random.Random) -> str:
    """``text`` (DDMMYY-XXXX) disguised: space, en dash, full width, zero-width space."""
    how = rng.choice(["space", "dash", "fullwidth", "zwsp", "nbsp"])
    if how == "space":
        return text.replace("-", " ")
    if how == "dash":
        return text.replace("-", rng.choice(["\u2013", "\u2014"]))
    if how == "nbsp":
        return text.replace("-", rng.choice(["\u00a0", "\u2009"]))
    if how == "fullwidth":
        return "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in text)
    i = rng.randint(1, 5)
    return text[:i] + "\u200b" + text[i:]


def build(directory: Path, seed: int = 17, rounds: int = 3) -> list[Sample]:
    """Write the corpus under ``directory``; ``rounds`` samples of every kind, planted and clean."""
    rng = random.Random(seed)
    directory.mkdir(parents=True, exist_ok=True)
    samples: list[Sample] = []

    def add(kind: str, name: str, planted: bool, make: Callable[[Path], Path]) -> None:
        path = directory / name
        make(path)
        samples.append(Sample(kind, path, planted))

    def write(content: str, encoding: str = "utf-8") -> Callable[[Path], Path]:
        def make(path: Path) -> Path:
            path.write_bytes(content.encode(encoding))
            return path
        return make

    for r in range(rounds):
        for kind, make in docx_samples(f"CPR {cpr(rng)}").items():
            add(kind, f"{kind.replace(':', '_')}_{r}.docx", True, make)
        for kind, make in docx_samples(look_alike(rng)).items():
            add("clean:" + kind, f"clean_{kind.replace(':', '_')}_{r}.docx", False, make)
        for kind, make in xlsx_samples(cpr(rng), rng).items():
            add(kind, f"{kind.replace(':', '_')}_{r}.xlsx", True, make)
        for kind, make in xlsx_samples(look_alike(rng)[:31], rng).items():
            if kind != "xlsx:formula":
                add("clean:" + kind, f"clean_{kind.replace(':', '_')}_{r}.xlsx", False, make)
        add("html:comment", f"comment_{r}.html", True,
            write(f"<html><body><p>Tabel</p><!-- {cpr(rng)} --></body></html>"))
        add("html:attribute", f"attribute_{r}.html", True,
            write(f'<html><body><p title="{cpr(rng)}">Tabel</p></body></html>'))
        add("clean:html", f"clean_{r}.html", False,
            write(f'<html><body><!-- {look_alike(rng)} --><p title="{look_alike(rng)}">{look_alike(rng)}</p>'
                  f'<table><tr><th>Region</th><th>Antal</th></tr>'
                  + "".join(f"<tr><td>R{i}</td><td>{rng.randint(1000, 90000)}</td></tr>" for i in range(4))
                  + "</table></body></html>"))
        add("rtf:escapes", f"escapes_{r}.rtf", True,
            write("{\\rtf1\\ansi {\\b Note} " + _rtf_escape(cpr(rng), rng) + "\\par}\n", "ascii"))
        add("clean:rtf", f"clean_{r}.rtf", False,
            write("{\\rtf1\\ansi " + _rtf_escape(look_alike(rng), rng) + "\\par}\n", "ascii"))
        for how in range(3):
            add("txt:normalised", f"hidden_{r}_{how}.txt", True,
                write(f"Bemærk: {_hide_in_text(cpr(rng), rng)} i teksten\n"))
        add("txt:normalised_cp1252", f"hidden_cp1252_{r}.txt", True,
            write(f"Bemærk: {cpr(rng, rng.choice(CP1252_SEPARATORS))} i teksten\n", "cp1252"))
        add("clean:txt", f"clean_{r}.txt", False,
            write("".join(look_alike(rng) + "\n" for _ in range(5))))
        add("clean:table_txt", f"clean_table_{r}.txt", False,
            write("Region;Antal\n" + "".join(f"R{i};{rng.randint(1000, 900000)}\n" for i in range(8))))
    return samples


# -- bombs (issue 17 items 3 and 5) ----------------------------------------------------------

@dataclass(frozen=True)
class Bomb:
    kind: str
    path: Path
    verdicts: frozenset[str]  # what the scan may end as (a bomb never crashes the gate)


XLSX_TYPES = ('<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
              '<Default Extension="xml" ContentType="application/xml"/>'
              '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
              '<Override PartName="/xl/workbook.xml" '
              'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>')
S_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
R_NS = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
REL_NS = 'xmlns="http://schemas.openxmlformats.org/package/2006/relationships"'
SHEET_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"


def raw_xlsx(path: Path, sheets: list[bytes | Callable], extra: dict[str, bytes] | None = None,
             workbook_extra: str = "") -> Path:
    """A minimal xlsx written member by member; a sheet is bytes or a writer of its stream."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", XLSX_TYPES)
        zf.writestr("_rels/.rels", f'<Relationships {REL_NS}><Relationship Id="r1" Type="x" Target="xl/workbook.xml"/>'
                                   "</Relationships>")
        sheet_tags = "".join(f'<sheet name="S{i + 1}" sheetId="{i + 1}" r:id="s{i + 1}"/>' for i in range(len(sheets)))
        zf.writestr("xl/workbook.xml", f"<workbook {S_NS} {R_NS}><sheets>{sheet_tags}</sheets>{workbook_extra}</workbook>")
        rels = "".join(f'<Relationship Id="s{i + 1}" Type="{SHEET_REL}" Target="worksheets/sheet{i + 1}.xml"/>'
                       for i in range(len(sheets)))
        zf.writestr("xl/_rels/workbook.xml.rels", f"<Relationships {REL_NS}>{rels}</Relationships>")
        for i, sheet in enumerate(sheets):
            name = f"xl/worksheets/sheet{i + 1}.xml"
            if isinstance(sheet, bytes):
                zf.writestr(name, sheet)
            else:
                with zf.open(name, "w", force_zip64=True) as fh:
                    sheet(fh)
        for name, data in (extra or {}).items():
            zf.writestr(name, data)
    return path


def _sheet_rows(rows: int, cells: Callable[[int], str]) -> Callable:
    def write(fh) -> None:
        fh.write(f"<worksheet {S_NS}><sheetData>".encode())
        batch = []
        for r in range(1, rows + 1):
            batch.append(f'<row r="{r}">{cells(r)}</row>')
            if len(batch) == 1000:
                fh.write("".join(batch).encode())
                batch = []
        fh.write(("".join(batch) + "</sheetData></worksheet>").encode())
    return write


def _padded_sheet(size: int) -> bytes:
    head = f"<worksheet {S_NS}><sheetData>".encode()
    tail = b"</sheetData></worksheet>"
    return head + b" " * (size - len(head) - len(tail)) + tail


def _nested_docx(path: Path, inner: Path) -> Path:
    """A docx carrying ``inner`` as an embedded package (as Word embeds a chart's workbook)."""
    _docx(path)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as zf:
        zf.write(inner, "word/embeddings/Microsoft_Excel_Worksheet1.xlsx")
    return path


def build_bombs(directory: Path) -> list[Bomb]:
    """Decompression and parser bombs, each small on the wire."""
    directory.mkdir(parents=True, exist_ok=True)
    unverifiable = frozenset({"unverifiable"})
    refused = frozenset({"unverifiable", "rejected"})
    bombs: list[Bomb] = []

    def add(kind: str, path: Path, verdicts: frozenset[str] = unverifiable) -> None:
        bombs.append(Bomb(kind, path, verdicts))

    # one member that inflates 1000:1 (the declared ratio refuses it)
    path = directory / "zip_bomb.xlsx"
    raw_xlsx(path, [f"<worksheet {S_NS}><sheetData/></worksheet>".encode()])
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as zf, zf.open("xl/media/zeros.bin", "w", force_zip64=True) as fh:
        for _ in range(200):
            fh.write(b"\x00" * (1 << 20))
    add("zip_bomb:ratio", path, refused)
    # 300 sheets just under 1 MiB each: no member checked for its ratio, 300 MiB in all
    add("zip_bomb:many_members", raw_xlsx(directory / "many_members.xlsx", [_padded_sheet((1 << 20) - 4096)] * 300))
    # 3,000 tiny parts
    add("many_parts", raw_xlsx(directory / "many_parts.xlsx", [b"<worksheet/>"],
                               {f"xl/custom/part{i}.xml": b"<x>1</x>" for i in range(3000)}))
    # a sheet that claims the whole grid and puts a cell in its last column on every row
    add("huge_dimensions", raw_xlsx(directory / "huge_dimensions.xlsx", [_sheet_rows(
        5000, lambda r: f'<c r="A{r}"><v>{r}</v></c><c r="XFD{r}"><v>1</v></c>')]))
    # a 1.05-million-cell sheet (a real workbook's shape: small, but far past the cell cap)
    add("huge_sheet", raw_xlsx(directory / "huge_sheet.xlsx", [_sheet_rows(
        50_000, lambda r: "".join(f'<c r="{c}{r}"><v>{r % 97}</v></c>' for c in "ABCDEFGHIJKLMNOPQRSTU"))]))
    # billion laughs: in a sheet, in the workbook, in a docx comment
    levels = "".join(f'<!ENTITY {b} "{("&" + a + ";") * 10}">' for a, b in zip("abcdefgh", "bcdefghi", strict=True))
    laughs = f'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY a "lol">{levels}]>'
    add("billion_laughs:sheet", raw_xlsx(directory / "laughs_sheet.xlsx", [
        (laughs + f"<worksheet {S_NS}><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>&i;</t></is></c>"
                  "</row></sheetData></worksheet>").encode()]), frozenset({"unverifiable", "rejected", "clean"}))
    add("billion_laughs:docx", _docx(directory / "laughs.docx", extra_parts={"word/comments.xml": (
        laughs.replace("worksheet", "w:comments") + f'<w:comments {W_NS}><w:comment><w:p><w:r><w:t>&i;</w:t>'
        "</w:r></w:p></w:comment></w:comments>")}), frozenset({"unverifiable", "rejected", "clean"}))
    # 100,000 nested elements
    deep = f"<worksheet {S_NS}><sheetData>" + "<x>" * 100_000 + "</x>" * 100_000 + "</sheetData></worksheet>"
    add("deep_nesting", raw_xlsx(directory / "deep.xlsx", [deep.encode()]), refused)
    # 600,000 shared strings
    strings = "".join(f"<si><t>s{i}</t></si>" for i in range(600_000))
    add("shared_strings", raw_xlsx(directory / "strings.xlsx", [b"<worksheet/>"],
                                   {"xl/sharedStrings.xml": f"<sst {S_NS}>{strings}</sst>".encode()},))
    # a 30 MB document.xml in a ~1 MB docx (python-docx once took 600 MB for it)
    add("big_part:docx", _docx(directory / "big_part.docx", "".join(_p(f"Linje {i} med tekst") for i in range(400_000))),
        frozenset({"clean", "unverifiable"}))
    # zips in zips: an embedded clean workbook is read; one level deeper is refused
    inner = raw_xlsx(directory / "inner.xlsx", [f"<worksheet {S_NS}><sheetData/></worksheet>".encode()])
    add("nested_zip:one_level", _nested_docx(directory / "nested_once.docx", inner), frozenset({"clean"}))
    middle = _nested_docx(directory / "middle.docx", inner)
    add("nested_zip:two_levels", _nested_docx(directory / "nested_twice.docx", middle))
    plain = directory / "plain.zip"
    with zipfile.ZipFile(plain, "w") as zf:
        zf.writestr("a.txt", "x")
    add("nested_zip:plain_zip", _nested_docx(directory / "nested_plain.docx", plain))
    for path in (inner, middle, plain):
        path.unlink()
    return bombs
