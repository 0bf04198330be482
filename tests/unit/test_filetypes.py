import json
import zipfile
from pathlib import Path

import pytest

from boa.kernel.settings import transfer_rules_path
from boa.scanner.filetypes import FileNameError, allowed_extensions, check_file, safe_relative_name
from tests.unit.scanner_files import (
    PNG_1PX,
    make_dataset,
    make_declared_huge_xlsx,
    make_docx,
    make_pptx,
    make_xlsx,
    make_zip_bomb_xlsx,
    pdf_bytes,
    write,
)

SPEC_LIST = ("xls xlsx xlsm xlm xml eps png wmf tif tiff jpg jpeg gif emf svg bmp ppt pptx pptm htm html mht "
             "sas r do doh ado log lst sas7bdat sps sav spv dta smcl tab txt tex pdf doc docx rtf").split()
SAS7BDAT_MAGIC = bytes.fromhex("000000000000000000000000c2ea8160b31411cfbd92080009c7318c181f1011")


def test_allowed_list_is_exactly_spec_6():
    assert allowed_extensions() == frozenset(SPEC_LIST)
    raw = json.loads(transfer_rules_path().read_text(encoding="utf-8"))
    assert sorted(raw["allowed_extensions"]) == sorted(SPEC_LIST)


@pytest.mark.parametrize("name", ["data.csv", "prog.py", "archive.zip", "noext", "results.txt.exe", "x.XLSB"])
def test_extension_not_allowed(tmp_path, name):
    path = write(tmp_path / "f", "a;b\n1;2\n")
    check = check_file(name, path)
    assert not check.ok
    assert check.code == "file_type_not_allowed"
    assert check.message == "File type not allowed"
    assert check.message_da == "Filtype ikke tilladt"


def test_extension_is_case_insensitive(tmp_path):
    path = write(tmp_path / "f", "a;b\n1;2\n")
    assert check_file("RESULTS.TXT", path).ok
    assert check_file("Results.Txt", path).ok


def test_double_extension_is_judged_by_the_last(tmp_path):
    path = write(tmp_path / "f", "a,b\n1,2\n")
    assert check_file("x.csv.txt", path).ok
    assert check_file("x.txt.csv", path).code == "file_type_not_allowed"


def test_empty_file(tmp_path):
    assert check_file("a.txt", write(tmp_path / "a.txt", b"")).code == "empty_file"


@pytest.mark.parametrize(
    ("name", "data", "encoding"),
    [
        ("a.txt", "aar;antal\n2020;5\n", "utf-8"),
        ("a.sas", "data x; set y; run; /* æøå */\n", "utf-8"),
        ("a.log", "\ufeffNOTE: Ærø\n".encode(), "utf-8-sig"),
        ("a.lst", "Side 1\x0c\nÆrø   Frekvens\n".encode("cp1252"), "cp1252"),
        ("a.do", "\ufeffreg y x\n".encode("utf-16-le").replace(b"\xff\xfe", b"\xff\xfe", 1), "utf-16-le"),
        ("a.tab", b"\xfe\xff" + "a\tb\n".encode("utf-16-be"), "utf-16-be"),
    ],
)
def test_text_encodings_are_accepted(tmp_path, name, data, encoding):
    check = check_file(name, write(tmp_path / name, data))
    assert check.ok, check
    assert check.kind == "text"
    assert check.encoding == encoding


def test_nul_bytes_outside_utf16_are_not_text(tmp_path):
    check = check_file("a.txt", write(tmp_path / "a.txt", b"abc\x00def\n"))
    assert check.code == "content_mismatch"


def test_png_renamed_txt_is_refused(tmp_path):
    assert check_file("chart.txt", write(tmp_path / "c", PNG_1PX)).code == "content_mismatch"
    assert check_file("chart.png", write(tmp_path / "c", PNG_1PX)).ok


def test_txt_renamed_xlsx_is_refused(tmp_path):
    assert check_file("t.xlsx", write(tmp_path / "t", "a;b\n1;2\n")).code == "content_mismatch"


def test_png_renamed_jpg_is_refused(tmp_path):
    assert check_file("c.jpg", write(tmp_path / "c", PNG_1PX)).code == "content_mismatch"


def test_ooxml_main_part_must_match_extension(tmp_path):
    xlsx = make_xlsx(tmp_path / "a.xlsx", {"Ark1": [["a"], [1]]})
    docx = make_docx(tmp_path / "a.docx", ["hello"])
    pptx = make_pptx(tmp_path / "a.pptx", ["hello"])
    assert check_file("a.xlsx", xlsx).ok
    assert check_file("a.docx", docx).ok
    assert check_file("a.pptx", pptx).ok
    assert check_file("a.docx", xlsx).code == "content_mismatch"
    assert check_file("a.xlsx", docx).code == "content_mismatch"
    assert check_file("a.xlsm", xlsx).code == "content_mismatch"  # not macro-enabled
    assert check_file("a.xls", xlsx).code == "content_mismatch"   # xls must be OLE2


def test_plain_zip_renamed_xlsx_is_refused(tmp_path):
    path = tmp_path / "z.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("data.txt", "a;b\n")
    assert check_file("z.xlsx", path).code == "content_mismatch"


def test_truncated_xlsx_is_corrupt(tmp_path):
    good = make_xlsx(tmp_path / "a.xlsx", {"Ark1": [["a"], [1]]}).read_bytes()
    bad = write(tmp_path / "b.xlsx", good[: len(good) // 2])
    assert check_file("b.xlsx", bad).code == "corrupt_file"


def test_zip_bomb_by_compression_ratio(tmp_path):
    path = make_zip_bomb_xlsx(tmp_path / "bomb.xlsx")
    assert path.stat().st_size < 1 << 20
    check = check_file("bomb.xlsx", path)
    assert check.code == "archive_too_large"
    assert "ratio" in check.detail


def test_zip_bomb_by_declared_size(tmp_path):
    path = make_declared_huge_xlsx(tmp_path / "huge.xlsx", declared=0xFFFFFFF0)
    check = check_file("huge.xlsx", path)
    assert check.code == "archive_too_large"


def test_pdf(tmp_path):
    assert check_file("a.pdf", write(tmp_path / "a.pdf", pdf_bytes([["Hello"]]))).ok
    assert check_file("a.pdf", write(tmp_path / "b.pdf", "Hello, not a pdf\n")).code == "content_mismatch"
    assert check_file("a.pdf", write(tmp_path / "c.pdf", b"%PDF-1.4\n1 0 obj garbage")).code == "corrupt_file"


def test_datasets(tmp_path):
    dta = make_dataset(tmp_path / "a.dta", {"x": [1.0, 2.0]})
    sav = make_dataset(tmp_path / "a.sav", {"x": [1.0, 2.0]})
    assert check_file("a.dta", dta).kind == "dta"
    assert check_file("a.sav", sav).kind == "sav"
    assert check_file("a.sav", dta).code == "content_mismatch"
    assert check_file("a.dta", sav).code == "content_mismatch"
    old_dta = write(tmp_path / "old.dta", bytes([114, 2, 1, 0]) + b"\x00" * 60)
    assert check_file("old.dta", old_dta).code == "corrupt_file"  # right magic, broken body
    truncated = write(tmp_path / "t.sav", sav.read_bytes()[:100])
    assert check_file("t.sav", truncated).code == "corrupt_file"


def test_sas7bdat_magic(tmp_path):
    # pyreadstat cannot write sas7bdat: a header with the magic and a broken body is corrupt,
    # a file without the magic is a mismatch.
    fake = write(tmp_path / "a.sas7bdat", SAS7BDAT_MAGIC + b"\x00" * 2000)
    assert check_file("a.sas7bdat", fake).code == "corrupt_file"
    assert check_file("a.sas7bdat", write(tmp_path / "b", b"x" * 2000)).code == "content_mismatch"


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("a.gif", b"GIF89a" + b"\x00" * 20),
        ("a.tif", b"II*\x00" + b"\x00" * 20),
        ("a.tiff", b"MM\x00*" + b"\x00" * 20),
        ("a.bmp", b"BM" + b"\x00" * 20),
        ("a.jpeg", b"\xff\xd8\xff\xe0" + b"\x00" * 20),
        ("a.eps", b"%!PS-Adobe-3.0 EPSF-3.0\n"),
        ("a.emf", b"\x01\x00\x00\x00" + b"\x00" * 36 + b" EMF" + b"\x00" * 20),
        ("a.wmf", b"\xd7\xcd\xc6\x9a" + b"\x00" * 20),
        ("a.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 20),
        ("a.rtf", b"{\\rtf1\\ansi hello}"),
        ("a.svg", b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"></svg>'),
        ("a.xml", b"\xef\xbb\xbf<?xml version='1.0'?><a/>"),
        ("a.html", b"<!DOCTYPE html><html><body><p>hi</p></body></html>"),
        ("a.mht", b"MIME-Version: 1.0\r\nContent-Type: text/html\r\n\r\n<p>hi</p>"),
    ],
)
def test_magic_bytes_accepted(tmp_path, name, data):
    check = check_file(name, write(tmp_path / name, data))
    assert check.ok, check


@pytest.mark.parametrize("name", ["a.gif", "a.bmp", "a.doc", "a.rtf", "a.svg", "a.html", "a.emf", "a.sav", "a.dta"])
def test_text_renamed_to_binary_formats_is_refused(tmp_path, name):
    assert check_file(name, write(tmp_path / name, "just some words\n")).code == "content_mismatch"


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("a.txt", "a.txt"),
        ("dir/sub/a.txt", "dir/sub/a.txt"),
        ("dir\\sub\\a.txt", "dir/sub/a.txt"),
        ("./dir/./a.txt", "dir/a.txt"),
    ],
)
def test_safe_relative_name_normalises(raw, clean):
    assert safe_relative_name(raw) == clean


@pytest.mark.parametrize(
    "raw",
    ["../a.txt", "dir/../../a.txt", "..\\a.txt", "/etc/passwd", "\\\\host\\share\\a.txt", "C:\\a.txt",
     "c:a.txt", "dir//a.txt", "dir/", "", "a\x00.txt", "dir/ /a.txt", "dir/.../a.txt", "a" * 300 + ".txt"],
)
def test_safe_relative_name_refuses_traversal(raw):
    with pytest.raises(FileNameError) as err:
        safe_relative_name(raw)
    assert err.value.code == "invalid_file_name"


def test_check_file_accepts_path_like(tmp_path):
    path = write(tmp_path / "a.txt", "x\n")
    assert check_file("a.txt", Path(str(path))).ok
