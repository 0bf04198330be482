import zipfile

from boa.scanner.core import scan_file
from tests.unit.scanner_files import (
    PNG_1PX,
    make_docx,
    make_pptx,
    make_xlsx,
    make_zip_bomb_xlsx,
    pdf_bytes,
    write,
)


def only(report, kind):
    return [f for f in report.findings if f.kind == kind]


# --- xlsx -----------------------------------------------------------------

def test_xlsx_with_microdata(tmp_path):
    path = make_xlsx(tmp_path / "u.xlsx", {
        "Forside": [["Resultater"], ["ingen tal her"]],
        "Data": [["PNR", "alder"], ["010190-1234", 34], [101901234, 34]],
    })
    report = scan_file(path, "u.xlsx")
    assert report.verdict == "flagged"
    key = only(report, "key_column")[0]
    assert key.location == {"file": "u.xlsx", "sheet": "Data", "row": 1, "column": "A", "column_name": "PNR"}
    cprs = only(report, "cpr_number")
    assert [(f.location["sheet"], f.location["row"], f.location["column"]) for f in cprs] == [
        ("Data", 2, "A"), ("Data", 3, "A")]  # the second is a number that lost its leading zero
    assert {f.masked_value for f in cprs} == {"010190-****"}
    assert only(report, "unit_level_data")[0].location == {"file": "u.xlsx", "sheet": "Data"}


def test_xlsx_aggregated_is_clean(tmp_path):
    rows = [["Tabel 1. Personer efter region"], [], ["Region", "Antal", "Andel"]]
    rows += [[f"Region {i}", 1000 + i, 0.2] for i in range(5)]
    report = scan_file(make_xlsx(tmp_path / "t.xlsx", {"Tabel": rows}), "t.xlsx")
    assert report.verdict == "clean", report.findings


def test_xlsx_small_count_below_a_title_row(tmp_path):
    rows = [["Tabel 2"], ["Region", "Antal"], ["Nord", 57], ["Syd", 2]]
    report = scan_file(make_xlsx(tmp_path / "t.xlsx", {"Tabel": rows}), "t.xlsx")
    (small,) = report.findings
    assert small.kind == "small_count"
    assert small.location == {"file": "t.xlsx", "sheet": "Tabel", "row": 4, "column": "B", "column_name": "Antal"}


def test_corrupt_xlsx_is_rejected(tmp_path):
    good = make_xlsx(tmp_path / "a.xlsx", {"Ark1": [["a"], [1]]}).read_bytes()
    report = scan_file(write(tmp_path / "b.xlsx", good[:-200]), "b.xlsx")
    assert (report.verdict, report.reason) == ("rejected", "corrupt_file")


def test_xlsx_with_damaged_sheet_data_is_rejected(tmp_path):
    path = make_xlsx(tmp_path / "a.xlsx", {"Ark1": [["a", "b"]] + [[i, i * 2] for i in range(300)]})
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo("xl/worksheets/sheet1.xml")
    data = bytearray(path.read_bytes())
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for i in range(start + 10, start + info.compress_size - 10):
        data[i] ^= 0x5A
    report = scan_file(write(tmp_path / "b.xlsx", bytes(data)), "b.xlsx")
    assert (report.verdict, report.reason) == ("rejected", "corrupt_file")


def test_xlsx_a_reader_cannot_parse_is_unverifiable(tmp_path):
    path = make_xlsx(tmp_path / "a.xlsx", {"Ark1": [["a"], [1]]})
    out = tmp_path / "b.xlsx"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            body = src.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                body = b"<worksheet><sheetData><row><c r='A1' t='n'><v>1"  # not well-formed
            dst.writestr(item, body)
    report = scan_file(out, "b.xlsx")
    assert (report.verdict, report.reason) == ("unverifiable", "unreadable_content")


def test_zip_bomb_in_xlsx_is_rejected(tmp_path):
    report = scan_file(make_zip_bomb_xlsx(tmp_path / "bomb.xlsx"), "bomb.xlsx")
    assert (report.verdict, report.reason) == ("rejected", "archive_too_large")


# --- docx / pptx ----------------------------------------------------------

def test_docx_with_cpr_in_paragraph_and_small_count_in_table(tmp_path):
    path = make_docx(tmp_path / "r.docx", ["Resultater", "Personen med cpr-nr 211062-5629 er med."],
                     [[["Gruppe", "n"], ["A", "120"], ["B", "1"]]])
    report = scan_file(path, "r.docx")
    assert report.verdict == "flagged"
    (cpr,) = only(report, "cpr_number")
    assert cpr.location == {"file": "r.docx", "paragraph": 2}
    assert cpr.masked_value == "211062-****"
    (small,) = only(report, "small_count")
    assert small.location == {"file": "r.docx", "table": 1, "row": 3, "column": 2, "column_name": "n"}


def test_docx_clean(tmp_path):
    path = make_docx(tmp_path / "r.docx", ["Modellen forklarer 42 % af variationen."],
                     [[["Gruppe", "n"], ["A", "120"], ["B", "95"]]])
    assert scan_file(path, "r.docx").verdict == "clean"


def test_pptx_with_cpr_and_small_count(tmp_path):
    path = make_pptx(tmp_path / "p.pptx", ["Oversigt", "Eksempel 0101901234"],
                     table=[["Alder", "Antal"], ["20-29", "2"], ["30-39", "40"]])
    report = scan_file(path, "p.pptx")
    (cpr,) = only(report, "cpr_number")
    assert cpr.location == {"file": "p.pptx", "slide": 2}
    (small,) = only(report, "small_count")
    assert small.location == {"file": "p.pptx", "slide": 3, "table": 1, "row": 2, "column": 2, "column_name": "Antal"}


def test_pptx_clean(tmp_path):
    path = make_pptx(tmp_path / "p.pptx", ["Oversigt", "Regression 2010-2020"])
    assert scan_file(path, "p.pptx").verdict == "clean"


# --- pdf ------------------------------------------------------------------

def test_pdf_with_cpr_on_page_two(tmp_path):
    path = write(tmp_path / "a.pdf", pdf_bytes([["Side et", "Intet her"], ["Tabel", "personnummer 010190-1234"]]))
    report = scan_file(path, "a.pdf")
    assert report.verdict == "flagged"
    (cpr,) = report.findings
    assert cpr.location == {"file": "a.pdf", "page": 2, "line": 2}
    assert cpr.masked_value == "010190-****"


def test_pdf_clean(tmp_path):
    path = write(tmp_path / "a.pdf", pdf_bytes([["Estimat 0.123 (0.045)", "N = 51234"]]))
    assert scan_file(path, "a.pdf").verdict == "clean"


def test_pdf_without_text_is_unverifiable(tmp_path):
    path = write(tmp_path / "a.pdf", pdf_bytes([[]]))
    report = scan_file(path, "a.pdf")
    assert (report.verdict, report.reason) == ("unverifiable", "no_text")


def test_corrupt_pdf_is_rejected(tmp_path):
    report = scan_file(write(tmp_path / "a.pdf", b"%PDF-1.7\n%\xe2\xe3\n1 0 obj << /Type"), "a.pdf")
    assert (report.verdict, report.reason) == ("rejected", "corrupt_file")


# --- html / mht -----------------------------------------------------------

HTML = """<!DOCTYPE html><html><body><h1>Tabel</h1>
<table><tr><th>Kommune</th><th>Antal</th></tr>
<tr><td>Aarhus</td><td>1 234</td></tr>
<tr><td>Læsø</td><td>2</td></tr></table>
<p>Kontakt: CPR 010190-1234</p></body></html>"""


def test_html_table_and_text(tmp_path):
    report = scan_file(write(tmp_path / "a.html", HTML), "a.html")
    (small,) = only(report, "small_count")
    assert small.location == {"file": "a.html", "table": 1, "row": 3, "column": 2, "column_name": "Antal"}
    (cpr,) = only(report, "cpr_number")
    assert cpr.location == {"file": "a.html", "line": 5}


def test_html_clean(tmp_path):
    html = HTML.replace("<td>2</td>", "<td>20</td>").replace("CPR 010190-1234", "se tabel")
    assert scan_file(write(tmp_path / "a.htm", html), "a.htm").verdict == "clean"


def test_mht_html_part(tmp_path):
    mht = ("MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=\"b\"\r\n\r\n--b\r\n"
           "Content-Type: text/html; charset=utf-8\r\n\r\n" + HTML.replace("\n", "\r\n") + "\r\n--b--\r\n")
    report = scan_file(write(tmp_path / "a.mht", mht), "a.mht")
    assert report.verdict == "flagged"
    assert {f.kind for f in report.findings} == {"small_count", "cpr_number"}


# --- what cannot be checked -----------------------------------------------

def test_images_and_binary_office_files_are_unverifiable(tmp_path):
    png = scan_file(write(tmp_path / "c.png", PNG_1PX), "c.png")
    doc = scan_file(write(tmp_path / "d.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600), "d.doc")
    svg = scan_file(write(tmp_path / "s.svg", "<svg xmlns='http://www.w3.org/2000/svg'><text>0101901234</text></svg>"),
                    "s.svg")
    for report in (png, doc, svg):
        assert (report.verdict, report.reason) == ("unverifiable", "not_scannable")
        assert report.message and "manual review" in report.message


def test_renamed_files_are_rejected(tmp_path):
    assert scan_file(write(tmp_path / "c", PNG_1PX), "c.txt").reason == "content_mismatch"
    assert scan_file(write(tmp_path / "t", "a;b\n1;2\n"), "t.xlsx").reason == "content_mismatch"


def test_xml_and_rtf_are_scanned_as_text(tmp_path):
    xml = scan_file(write(tmp_path / "a.xml", "<rows>\n<r pnr='0101901234'/>\n</rows>\n"), "a.xml")
    assert [(f.kind, f.location["line"]) for f in xml.findings] == [("cpr_number", 2)]
    rtf = scan_file(write(tmp_path / "a.rtf", "{\\rtf1\\ansi Tabel\\par N = 1234\\par}"), "a.rtf")
    assert rtf.verdict == "clean"


def test_spv_is_checked_as_zip_and_unverifiable(tmp_path):
    path = tmp_path / "out.spv"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("outputViewer0000000001.xml", "<x/>")
    assert (scan_file(path, "out.spv").verdict, scan_file(path, "out.spv").reason) == ("unverifiable", "not_scannable")
    assert scan_file(write(tmp_path / "b.spv", "text\n"), "b.spv").reason == "content_mismatch"
