import pytest

from boa.scanner.core import scan_file
from boa.scanner.report import ScanConfig
from tests.unit.scanner_files import csv_text, write


def kinds(report):
    return sorted({f.kind for f in report.findings})


def only(report, kind):
    return [f for f in report.findings if f.kind == kind]


def test_csv_shaped_txt_with_microdata_is_flagged(tmp_path):
    rows = [["pnr", "koen", "indkomst"], ["0101901234", 1, "350000.50"], ["150285-2345", 2, "410000.00"]]
    report = scan_file(write(tmp_path / "u.txt", csv_text(rows)), "udtraek.csv.txt")
    assert report.verdict == "flagged"
    assert report.reason == "possible_microdata"
    assert kinds(report) == ["cpr_number", "key_column", "unit_level_data"]
    key = only(report, "key_column")[0]
    assert key.location == {"file": "udtraek.csv.txt", "line": 1, "column": 1, "column_name": "pnr"}
    cprs = only(report, "cpr_number")
    assert [f.masked_value for f in cprs] == ["010190-****", "150285-****"]
    assert cprs[0].location == {"file": "udtraek.csv.txt", "line": 2, "row": 1, "column": 1, "column_name": "pnr"}
    assert cprs[1].location["line"] == 3
    assert all("1234" not in str(f.to_dict()) for f in cprs)
    assert 0.8 <= cprs[0].confidence <= 1.0  # valid date + context (header pnr)


def test_aggregated_txt_is_clean(tmp_path):
    rows = [["kommune", "aar", "antal", "gennemsnit"]] + [[101 + i, 2020, 150 + i, "12.5"] for i in range(30)]
    report = scan_file(write(tmp_path / "t.txt", csv_text(rows)), "t.txt")
    assert report.verdict == "clean", report.findings
    assert report.findings == []
    assert report.reason is None


def test_small_counts_are_flagged_but_zero_is_not(tmp_path):
    rows = [["region", "koen", "antal"], ["Nord", "M", 0], ["Nord", "K", 1], ["Syd", "M", 2], ["Syd", "K", 3]]
    report = scan_file(write(tmp_path / "t.txt", csv_text(rows)), "t.txt")
    assert report.verdict == "flagged"
    small = only(report, "small_count")
    assert [(f.location["row"], f.location["line"], f.location["column_name"]) for f in small] == [
        (2, 3, "antal"), (3, 4, "antal")]
    assert kinds(report) == ["small_count"]


def test_threshold_is_configurable(tmp_path):
    rows = [["region", "antal"], ["Nord", 4], ["Syd", 9]]
    path = write(tmp_path / "t.txt", csv_text(rows))
    assert scan_file(path, "t.txt").verdict == "clean"
    report = scan_file(path, "t.txt", ScanConfig(min_cell_count=5))
    assert [f.location["row"] for f in only(report, "small_count")] == [1]


def test_tsv_tab_file_with_count_header_n(tmp_path):
    rows = [["Uddannelse", "N", "Pct"], ["Grundskole", 1234, "20.1"], ["Ph.d.", 2, "0.0"]]
    report = scan_file(write(tmp_path / "t.tab", csv_text(rows, "\t")), "t.tab")
    small = only(report, "small_count")
    assert len(small) == 1
    assert small[0].location == {"file": "t.tab", "line": 3, "row": 2, "column": 2, "column_name": "N"}


def test_many_rows_are_unit_level(tmp_path):
    rows = [["aar", "beloeb"]] + [[2020, i * 3] for i in range(120)]
    path = write(tmp_path / "t.txt", csv_text(rows))
    assert scan_file(path, "t.txt").verdict == "clean"
    report = scan_file(path, "t.txt", ScanConfig(max_rows=100))
    unit = only(report, "unit_level_data")
    assert len(unit) == 1 and "120 rows" in unit[0].message


def test_log_with_cpr_in_a_note(tmp_path):
    text = "NOTE: 1000 observations read.\nNOTE: personnummer 211062-5629 not found\nNOTE: done\n"
    report = scan_file(write(tmp_path / "run.log", text), "run.log")
    assert report.verdict == "flagged"
    (finding,) = report.findings
    assert finding.kind == "cpr_number"
    assert finding.location == {"file": "run.log", "line": 2}
    assert finding.masked_value == "211062-****"
    assert finding.confidence == 1.0  # date, modulus 11, context word


def test_lst_listing_clean(tmp_path):
    text = "\x0cThe FREQ Procedure\n\nkoen    Frequency   Percent\n1        5123        50.1\n2        5101        49.9\n"
    report = scan_file(write(tmp_path / "out.lst", text), "out.lst")
    assert report.verdict == "clean"


@pytest.mark.parametrize(
    "text",
    [
        "id 3213901234 x",         # day 32
        "id 0113901234 x",         # month 13
        "run 101019012345 x",      # inside a longer digit run
        "v 0.0101901234 x",        # decimals
        "v 0101901234,5 x",        # decimal comma
        "ref AB0101901234 x",      # glued to letters
        "amount 13585628 kr",      # modulus-11 8 digits without CVR context
    ],
)
def test_not_cpr_or_cvr(tmp_path, text):
    report = scan_file(write(tmp_path / "a.txt", text + "\n"), "a.txt")
    assert report.verdict == "clean", report.findings


def test_cvr_with_context(tmp_path):
    report = scan_file(write(tmp_path / "a.txt", "Virksomhed CVR: 13585628\n"), "a.txt")
    (finding,) = report.findings
    assert finding.kind == "cvr_number"
    assert finding.masked_value == "13******"
    assert finding.location["line"] == 1


def test_latin1_text_with_cpr(tmp_path):
    data = "Navn;fødselsdato\nÆbelø;010190-1234\n".encode("cp1252")
    report = scan_file(write(tmp_path / "a.txt", data), "a.txt")
    (finding,) = only(report, "cpr_number")
    assert finding.location["line"] == 2
    assert finding.location["column_name"] == "fødselsdato"
    assert finding.confidence == pytest.approx(0.85)


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_with_bom_text_with_cpr(tmp_path, encoding):
    bom = b"\xff\xfe" if encoding == "utf-16-le" else b"\xfe\xff"
    data = bom + "Første linje\nanden\nCPR 0101901234 her\n".encode(encoding)
    report = scan_file(write(tmp_path / "a.txt", data), "a.txt")
    assert report.verdict == "flagged"
    (finding,) = report.findings
    assert finding.location == {"file": "a.txt", "line": 3}
    assert finding.masked_value == "010190-****"


def test_ten_megabyte_single_line(tmp_path):
    line = ("abc " * 2_500_000) + "0101901234" + " tail"
    report = scan_file(write(tmp_path / "long.txt", line), "long.txt")
    assert report.verdict == "flagged"
    (finding,) = report.findings
    assert finding.location["line"] == 1
    assert report.rows == 1


@pytest.mark.parametrize("offset", range(40, 70))
def test_numbers_across_chunk_boundaries_are_found_once(tmp_path, offset):
    text = "x" * offset + " 0101901234 " + "y" * 30 + "\n" + "z 12345678901234 z\n"
    config = ScanConfig(chunk_bytes=64)
    report = scan_file(write(tmp_path / "a.txt", text), "a.txt", config)
    assert [f.masked_value for f in report.findings] == ["010190-****"]
    assert report.rows == 2


def test_line_numbers_across_chunks(tmp_path):
    lines = [f"line {i}" for i in range(1, 501)]
    lines[376] = "cpr 0101901234"
    report = scan_file(write(tmp_path / "a.txt", "\n".join(lines)), "a.txt", ScanConfig(chunk_bytes=100))
    assert [f.location["line"] for f in report.findings] == [377]


def test_nul_bytes_deep_in_a_text_file_reject_it(tmp_path):
    data = b"a;b\n" * 400_000 + b"\x00\x01binary" + b"a;b\n"
    report = scan_file(write(tmp_path / "a.txt", data), "a.txt")
    assert report.verdict == "rejected"
    assert report.reason == "content_mismatch"


def test_findings_are_capped_but_counted(tmp_path):
    text = "".join(f"pnr 0101901234 nr {i}\n" for i in range(200))
    report = scan_file(write(tmp_path / "a.txt", text), "a.txt")
    assert len(report.findings) == 50
    assert report.finding_counts == {"cpr_number": 200}


@pytest.mark.parametrize(("name", "code"), [("a.csv", "file_type_not_allowed"), ("a.txt", "empty_file")])
def test_rejected_before_scanning(tmp_path, name, code):
    data = "" if code == "empty_file" else "a;b\n0101901234;2\n"
    report = scan_file(write(tmp_path / "f", data), name)
    assert report.verdict == "rejected"
    assert report.reason == code
    assert report.findings == []


def test_key_column_names_come_from_the_rules(tmp_path):
    import dataclasses

    from boa.scanner.rules import load_rules

    rules = load_rules()
    custom = dataclasses.replace(rules, key_column_names=rules.key_column_names | {"kundenr"})
    path = write(tmp_path / "k.txt", csv_text([["kundenr", "beloeb"], [17, 100], [18, 200]]))
    assert scan_file(path, "k.txt").verdict == "clean"
    report = scan_file(path, "k.txt", ScanConfig(rules=custom))
    assert [f.kind for f in report.findings] == ["key_column", "unit_level_data"]
