from boa.scanner.core import scan_file
from boa.scanner.report import ScanConfig
from tests.unit.scanner_files import make_dataset, write

SAS7BDAT_MAGIC = bytes.fromhex("000000000000000000000000c2ea8160b31411cfbd92080009c7318c181f1011")


def only(report, kind):
    return [f for f in report.findings if f.kind == kind]


def test_dta_with_key_column_and_cpr(tmp_path):
    path = make_dataset(tmp_path / "u.dta", {"pnr": ["0101901234", "1502851234"], "loen": [350000.0, 410000.0]})
    report = scan_file(path, "u.dta")
    assert report.verdict == "flagged"
    assert report.rows == 2
    (key,) = only(report, "key_column")
    assert key.location["column"] == "pnr"
    cprs = only(report, "cpr_number")
    assert [(f.location["row"], f.location["column"], f.masked_value) for f in cprs] == [
        (1, "pnr", "010190-****"), (2, "pnr", "150285-****")]
    (unit,) = only(report, "unit_level_data")
    assert "identifier column (pnr)" in unit.message


def test_sav_aggregated_with_a_small_count(tmp_path):
    path = make_dataset(tmp_path / "a.sav", {"kommune": [101.0, 147.0, 151.0, 153.0],
                                             "antal": [10.0, 2.0, 0.0, 7.0]})
    report = scan_file(path, "a.sav")
    (small,) = report.findings
    assert small.kind == "small_count"
    assert (small.location["row"], small.location["column"]) == (2, "antal")


def test_sav_aggregated_clean(tmp_path):
    path = make_dataset(tmp_path / "a.sav", {"kommune": [101.0, 147.0], "antal": [10.0, 30.0]})
    report = scan_file(path, "a.sav")
    assert report.verdict == "clean", report.findings


def test_dataset_with_many_rows_is_unit_level(tmp_path):
    path = make_dataset(tmp_path / "m.dta", {"alder": [float(i % 90) for i in range(50)]})
    assert scan_file(path, "m.dta").verdict == "clean"
    report = scan_file(path, "m.dta", ScanConfig(max_rows=20))
    (unit,) = report.findings
    assert unit.kind == "unit_level_data" and "50 rows" in unit.message


def test_cpr_stored_as_a_number_in_a_dataset(tmp_path):
    path = make_dataset(tmp_path / "n.dta", {"x": [101901234.0, 5.0]})
    report = scan_file(path, "n.dta")
    (cpr,) = report.findings
    assert cpr.kind == "cpr_number" and cpr.masked_value == "010190-****"
    assert cpr.location == {"file": "n.dta", "row": 1, "column": "x"}


def test_broken_sas7bdat_is_rejected(tmp_path):
    # pyreadstat cannot write sas7bdat files, so only the signature and damage paths are tested.
    report = scan_file(write(tmp_path / "a.sas7bdat", SAS7BDAT_MAGIC + b"\x00" * 4000), "a.sas7bdat")
    assert (report.verdict, report.reason) == ("rejected", "corrupt_file")
    report = scan_file(write(tmp_path / "b.sas7bdat", "data x; run;\n"), "b.sas7bdat")
    assert (report.verdict, report.reason) == ("rejected", "content_mismatch")
