import json
import os
import subprocess
import sys
from pathlib import Path

from boa.scanner.cli import main
from tests.unit.scanner_files import csv_text, write

ROOT = Path(__file__).resolve().parents[2]


def clean_file(tmp_path):
    return write(tmp_path / "clean.txt", csv_text([["region", "antal"], ["Nord", 40], ["Syd", 4]]))


def test_clean_file_exits_0(tmp_path, capsys):
    assert main([str(clean_file(tmp_path))]) == 0
    assert "clean.txt: CLEAN" in capsys.readouterr().out


def test_flagged_file_exits_1_with_a_readable_table(tmp_path, capsys):
    path = write(tmp_path / "u.txt", csv_text([["pnr", "x"], ["0101901234", 1]]))
    assert main(["scan", str(clean_file(tmp_path)), str(path)]) == 1
    out = capsys.readouterr().out
    assert "u.txt: FLAGGED (possible_microdata)" in out
    assert "010190-****" in out and "0101901234" not in out
    assert "line 2, row 1, column 1 (pnr)" in out


def test_json_output(tmp_path, capsys):
    path = write(tmp_path / "a.csv", "a;b\n")
    assert main([str(path), "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    (report,) = data["files"]
    assert report["verdict"] == "rejected"
    assert report["reason"] == "file_type_not_allowed"
    assert report["message"] == "File type not allowed"


def test_threshold_and_max_rows_options(tmp_path, capsys):
    path = clean_file(tmp_path)
    assert main([str(path), "--threshold", "5", "--json"]) == 1
    findings = json.loads(capsys.readouterr().out)["files"][0]["findings"]
    assert [f["kind"] for f in findings] == ["small_count"]
    assert main([str(path), "--max-rows", "1", "--json"]) == 1
    findings = json.loads(capsys.readouterr().out)["files"][0]["findings"]
    assert [f["kind"] for f in findings] == ["unit_level_data"]


def test_usage_errors_exit_2(tmp_path, capsys):
    assert main([]) == 2
    assert main(["--threshold", "x", str(clean_file(tmp_path))]) == 2
    assert main([str(tmp_path / "missing.txt")]) == 2
    assert "missing.txt" in capsys.readouterr().err


def test_python_dash_m(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "boa.scanner", str(clean_file(tmp_path)), "--json"],
                          capture_output=True, text=True, env=env, check=False)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["files"][0]["verdict"] == "clean"
