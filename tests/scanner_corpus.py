"""A labelled corpus for the scanner (issue 17 items 4 and 5): CPR numbers planted in every
hiding place of every format, CVR numbers beside their context word, key columns, small counts
and unit-level data known only by a table's shape; and clean look-alikes (phone numbers,
dates, invalid CPR dates, amounts, aggregate tables with large counts, code columns, keyed
aggregates). ``build(directory, seed)`` writes the files and returns their labels; the same
seed gives the same files. ``build_bombs(directory)`` writes the bombs.
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
    expect: str | None  # the finding kind the scanner must report; None: a clean file

    @property
    def planted(self) -> bool:
        return self.expect is not None


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


def cvr(rng: random.Random) -> str:
    """An eight-digit number that passes modulus 11 (weights 2765432 1)."""
    while True:
        digits = [rng.randint(1, 9)] + [rng.randint(0, 9) for _ in range(6)]
        check = 11 - sum(w * d for w, d in zip((2, 7, 6, 5, 4, 3, 2), digits, strict=True)) % 11
        if check < 10:
            return "".join(map(str, digits)) + str(check % 11)


def pptx_samples(text: str) -> dict[str, Callable[[Path], Path]]:
    """pptx hiding places, each holding ``text``."""
    import pptx
    from pptx.chart.data import CategoryChartData
    from pptx.enum.chart import XL_CHART_TYPE
    from pptx.util import Inches

    def deck(path: Path, change: Callable, extra_parts: dict[str, str] | None = None) -> Path:
        presentation = pptx.Presentation()
        slide = presentation.slides.add_slide(presentation.slide_layouts[5])
        slide.shapes.title.text = "Resultater"
        change(presentation, slide)
        presentation.save(str(path))
        if extra_parts:
            with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as zf:
                for name, xml in extra_parts.items():
                    zf.writestr(name, xml)
        return path

    def table(_, slide):
        shape = slide.shapes.add_table(2, 2, Inches(1), Inches(2), Inches(6), Inches(2))
        for (r, c), value in {(0, 0): "Navn", (0, 1): "Note", (1, 0): "A", (1, 1): text}.items():
            shape.table.cell(r, c).text = value

    def chart(_, slide):
        data = CategoryChartData()
        data.categories = ["Nord", text]
        data.add_series("Personer", (1200, 3400))
        slide.shapes.add_chart(XL_CHART_TYPE.COLUMN_CLUSTERED, Inches(1), Inches(2), Inches(5), Inches(3), data)

    def group(_, slide):
        grouped = slide.shapes.add_group_shape()
        grouped.shapes.add_textbox(Inches(1), Inches(2), Inches(3), Inches(1)).text_frame.text = text

    p_ns = 'xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"'
    return {
        "pptx:slide": lambda p: deck(p, lambda _, s: setattr(s.shapes.add_textbox(
            Inches(1), Inches(2), Inches(3), Inches(1)).text_frame, "text", text)),
        "pptx:group": lambda p: deck(p, group),
        "pptx:table": lambda p: deck(p, table),
        "pptx:notes": lambda p: deck(p, lambda _, s: setattr(s.notes_slide.notes_text_frame, "text", text)),
        "pptx:master": lambda p: deck(p, lambda d, _: setattr(d.slide_master.placeholders[1].text_frame, "text", text)),
        "pptx:layout": lambda p: deck(p, lambda d, _: setattr(d.slide_layouts[0].placeholders[1].text_frame, "text", text)),
        "pptx:chart": lambda p: deck(p, chart),
        "pptx:comment": lambda p: deck(p, lambda *_: None, {"ppt/comments/comment1.xml": (
            f'<p:cmLst {p_ns}><p:cm authorId="0" idx="1"><p:text>{text}</p:text></p:cm></p:cmLst>')}),
        "pptx:properties": lambda p: deck(p, lambda d, _: setattr(d.core_properties, "subject", text)),
    }


def _table_text(rows: list[list[object]], delimiter: str = ";") -> str:
    return "".join(delimiter.join(str(c) for c in row) + "\n" for row in rows)


def _html_table(rows: list[list[object]]) -> str:
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f"<html><body><p>Tabel</p><table>{body}</table></body></html>"


def _xlsx_rows(path: Path, rows: list[list[object]]) -> Path:
    import openpyxl

    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    workbook.save(path)
    return path


def _docx_table(path: Path, rows: list[list[object]]) -> Path:
    def add(document):
        table = document.add_table(rows=len(rows), cols=len(rows[0]))
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                table.cell(r, c).text = str(value)
    return _docx(path, build=add)


TABLE_WRITERS: dict[str, Callable[[Path, list[list[object]]], Path]] = {
    "txt": lambda p, rows: p.write_text(_table_text(rows), encoding="utf-8") and p,
    "tab": lambda p, rows: p.write_text(_table_text(rows, "\t"), encoding="utf-8") and p,
    "html": lambda p, rows: p.write_text(_html_table(rows), encoding="utf-8") and p,
    "xlsx": _xlsx_rows,
    "docx": _docx_table,
}
REGIONS = ["Hovedstaden", "Sjælland", "Syddanmark", "Midtjylland", "Nordjylland", "Bornholm", "Fyn", "Vestjylland"]


def shape_tables(rng: random.Random) -> list[tuple[str, str | None, list[list[object]]]]:
    """(kind, expected finding, rows): tables known by their shape, and clean look-alikes."""
    header = rng.choice(["Personer", "Total", "Borgere", "Modtagere 2023", "Husstande"])
    small = [[r, rng.randint(200, 9000)] for r in REGIONS[:6]]
    small[rng.randrange(6)][1] = rng.randint(1, 2)
    totals = [[r, 2] for r in REGIONS[:4]] + [["I alt", 8]]
    ident = rng.choice(["løbenr", "id", "nøgle", "ref"])
    unit = [[ident, "alder", "indkomst"]] + [[f"{rng.choice('ABX')}{rng.randrange(10 ** 8):08d}", rng.randint(18, 90),
                                             rng.randint(100_000, 900_000)] for _ in range(600)]
    key = rng.choice(["pnr", "cpr_nr", "mor_pnr", "CVRNR", "arbgnr", "person_id"])
    keyed = [[key, "udd", "beløb"]] + [[f"{rng.randrange(10 ** 6):06d}", rng.randint(10, 90), rng.randint(1000, 9999)]
                                      for _ in range(8)]
    codes = [["Region", "Køn", "Værdi"]] + [[r, 1 + i % 2, rng.randint(300, 9000)] for i, r in enumerate(REGIONS)]
    large = [["Region", header]] + [[r, rng.randint(1_000, 90_000)] for r in REGIONS] + [
        ["I alt", 0]]
    large[-1][1] = sum(row[1] for row in large[1:-1])
    percent = [["Region", "Andel %"]] + [[r, rng.randint(1, 40)] for r in REGIONS]
    postcodes = [["postnr", "antal"]] + [[1000 + i, rng.randint(100, 9999)] for i in range(700)]
    return [
        ("small_count:shape", "small_count", [["Region", header], *small]),
        ("small_count:totals_row", "small_count", [["Område", "Værdi"], *totals]),
        ("unit_level:shape", "unit_level_data", unit),
        ("key_column", "key_column", keyed),
        ("clean:codes", None, codes),
        ("clean:large_counts", None, large),
        ("clean:percentages", None, percent),
        ("clean:keyed_aggregate", None, postcodes),
    ]


def build(directory: Path, seed: int = 17, rounds: int = 3) -> list[Sample]:
    """Write the corpus under ``directory``; ``rounds`` samples of every kind, planted and clean."""
    rng = random.Random(seed)
    directory.mkdir(parents=True, exist_ok=True)
    samples: list[Sample] = []

    def add(kind: str, name: str, planted: bool | str, make: Callable[[Path], Path]) -> None:
        path = directory / name
        make(path)
        expect = planted if isinstance(planted, str) else "cpr_number" if planted else None
        samples.append(Sample(kind, path, expect))

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
        for kind, make in pptx_samples(f"CPR {cpr(rng)}").items():
            add(kind, f"{kind.replace(':', '_')}_{r}.pptx", True, make)
        for kind, make in pptx_samples(look_alike(rng)).items():
            add("clean:" + kind, f"clean_{kind.replace(':', '_')}_{r}.pptx", False, make)
        title = f"Udtræk {cpr(rng)}"
        add("docx:properties", f"properties_{r}.docx", True,
            lambda p, t=title: _docx(p, build=lambda d: setattr(d.core_properties, "title", t)))
        embedded = directory / f"embedded_{r}.xlsx"
        xlsx_samples(cpr(rng), rng)["xlsx:comment"](embedded)
        add("docx:embedded_workbook", f"embedded_workbook_{r}.docx", True, lambda p, e=embedded: _nested_docx(p, e))
        embedded.unlink()
        for encoding in ("utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"):
            add(f"txt:{encoding}_no_bom", f"wide_{encoding}_{r}.txt", True,
                write(f"Første linje\nNote: {cpr(rng)}\n", encoding))
        add("clean:txt_utf-16-le_no_bom", f"clean_wide_{r}.txt", False,
            write("".join(look_alike(rng) + "\n" for _ in range(5)), "utf-16-le"))
        for ext in ("txt", "docx", "xlsx"):
            add("cvr:context", f"cvr_{ext}_{r}.{ext}", "cvr_number", {
                "txt": write(f"Virksomhed: CVR-nr. {cvr(rng)}\n"),
                "docx": lambda p: _docx(p, _p(f"Leverandør med CVR {cvr(rng)}")),
                "xlsx": lambda p: _xlsx_rows(p, [["Firma", "CVR"], ["A/S", f"CVR {cvr(rng)}"]]),
            }[ext])
        add("clean:amounts", f"clean_amounts_{r}.txt", False,
            write("".join(f"Beløb {cvr(rng)} kr. og {rng.randint(10 ** 7, 10 ** 8 - 1)} kr.\n" for _ in range(5))))
        for kind, expect, rows in shape_tables(rng):
            for ext in ("txt", "xlsx", "html", "docx", "tab") if kind != "unit_level:shape" else ("txt", "xlsx"):
                if kind in ("clean:keyed_aggregate",) and ext in ("docx", "html"):
                    continue  # 700-row tables: the text and spreadsheet forms suffice
                add(kind + ":" + ext, f"{kind.replace(':', '_')}_{r}.{ext}", expect or False,
                    lambda p, rows=rows, ext=ext: TABLE_WRITERS[ext](p, rows))
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
