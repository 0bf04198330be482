"""Tables judged by their shape, text without a BOM, and pptx parts beyond slides (issue 17 item 4)."""

import random

import pytest

from boa.scanner.core import scan_file
from tests.unit.scanner_files import make_xlsx, write


def kinds(report):
    return report.finding_counts


@pytest.mark.parametrize("header", ["Personer", "Total", "Borgere i 2023", "x"])
def test_a_small_count_under_a_category_column_is_found_whatever_the_header(tmp_path, header):
    path = write(tmp_path / "t.txt", f"Kommune;{header}\nAarhus;120\nOdder;2\nSkive;45\nLemvig;300\n")
    report = scan_file(path, "t.txt")
    assert kinds(report) == {"small_count": 1}
    assert report.findings[0].location == {"file": "t.txt", "line": 3, "row": 2, "column": 2, "column_name": header}


def test_a_totals_row_shows_a_count_column_even_when_its_values_repeat(tmp_path):
    rows = [["Område", "Værdi"], ["Nord", 2], ["Syd", 2], ["Øst", 2], ["Vest", 5], ["I alt", 11]]
    report = scan_file(make_xlsx(tmp_path / "t.xlsx", {"T": rows}), "t.xlsx")
    assert kinds(report) == {"small_count": 3}
    assert [f.location["row"] for f in report.findings] == [2, 3, 4]


def test_codes_percentages_ages_and_sequences_are_not_counts(tmp_path):
    rng = random.Random(3)
    tables = {
        "codes.txt": "Kommune;Køn;Værdi\n" + "".join(f"K{i};{1 + i % 2};{rng.randint(500, 900)}\n" for i in range(10)),
        "percent.txt": "Kommune;Andel\nA;1\nB;2\nC;97\n",
        "age.txt": "Gruppe;Alder;Beløb\n" + "".join(f"G;{i};{rng.randint(1000, 9999)}\n" for i in range(40)),
        "sequence.txt": "Gruppe;Trin;Beløb\n" + "".join(f"G;{i};{rng.randint(1000, 9999)}\n" for i in range(40)),
        "no_category.txt": "Kode;Værdi\n101;1\n147;2\n151;40\n",
        "totals_do_not_add.txt": "Område;Værdi\nNord;2\nSyd;2\nØst;2\nVest;5\nI alt;99\n",
    }
    for name, text in tables.items():
        report = scan_file(write(tmp_path / name, text), name)
        assert report.verdict == "clean", (name, report.findings)


def test_unit_level_data_by_shape_a_column_of_distinct_identifiers(tmp_path):
    rng = random.Random(4)
    text = "løbenr;alder;indkomst\n" + "".join(
        f"X{rng.randrange(10 ** 9):09d};{rng.randint(18, 90)};{rng.randint(1000, 9999)}\n" for _ in range(600))
    report = scan_file(write(tmp_path / "u.txt", text), "u.txt")
    assert kinds(report) == {"unit_level_data": 1}
    assert "distinct identifiers (løbenr)" in report.findings[0].message


def test_aggregates_with_many_distinct_keys_are_not_unit_level(tmp_path):
    rng = random.Random(5)
    tables = {
        "postcodes.txt": "postnr;antal\n" + "".join(f"{1000 + i};{rng.randint(1000, 9999)}\n" for i in range(900)),
        "daily.txt": "dato;antal\n" + "".join(f"2020{m:02d}{d:02d};{rng.randint(1000, 9999)}\n"
                                             for m in range(1, 13) for d in range(1, 29)),
        "few_rows.txt": "id;antal\n" + "".join(f"X{rng.randrange(10 ** 9):09d};{rng.randint(10, 99)}\n" for _ in range(50)),
    }
    for name, text in tables.items():
        report = scan_file(write(tmp_path / name, text), name)
        assert report.verdict == "clean", (name, report.findings)


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
def test_wide_text_without_a_bom_is_read(tmp_path, encoding):
    path = write(tmp_path / "w.txt", "Første linje\nNote: CPR 010190-1234\n".encode(encoding))
    report = scan_file(path, "w.txt")
    assert kinds(report) == {"cpr_number": 1}
    assert report.findings[0].location["line"] == 2


def test_binary_with_zero_bytes_is_still_not_text(tmp_path):
    data = bytes(random.Random(6).randrange(256) for _ in range(4000)) + b"\x00" * 10
    assert scan_file(write(tmp_path / "b.txt", data), "b.txt").reason == "content_mismatch"
