"""Table disclosure control (issue 20): the table model and its refusals, aggregation into
"statistical disclosure control", and cell suppression with the LP proof that no suppressed
cell can be recomputed from the published cells and the margins."""

from __future__ import annotations

import json
import math
import tracemalloc

import numpy as np
import openpyxl
import pytest

from boa.disclosure import rules
from boa.disclosure.attack import intervals, unprotected
from boa.disclosure.cli import main
from boa.disclosure.protect import CannotProtect, protect_file, protect_table, read_table
from boa.disclosure.suppress import sensitive_cells, suppress
from boa.disclosure.table import Table, TableError, TableTooLarge, with_margins
from tests.unit.sdc_tables import SDCTABLE_4X4, TEXTBOOK


def table_of(inner, names=None) -> Table:
    inner = np.asarray(inner, dtype=np.int64)
    names = names or [f"d{i}" for i in range(inner.ndim)]
    return Table(list(names), [[f"{n}{j}" for j in range(k)] for n, k in zip(names, inner.shape, strict=True)],
                 with_margins(inner))


def assert_protected(table: Table, hidden: set[int], primary: set[int], min_count: int) -> None:
    """The proof: every suppressed cell has an attacker interval wider than zero, every sensitive
    one an upper bound at the threshold or above, and no published cell is sensitive."""
    flat = table.values.reshape(-1)
    for iv in intervals(table.values, hidden):
        assert iv.low <= iv.value <= iv.high
        assert iv.width > 0, f"cell {table.labels(table.coord(iv.cell))} can be recomputed"
        if iv.cell in primary:
            assert iv.high >= min_count, f"cell {table.labels(table.coord(iv.cell))} is known to be below {min_count}"
    published_small = [c for c in range(flat.size) if c not in hidden and 0 < flat[c] < min_count]
    assert published_small == []


def write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


# --- the table and its refusals -----------------------------------------------------------------

def test_a_long_table_is_read_with_its_totals_checked(tmp_path):
    path = write(tmp_path / "t.csv", "region;sex;antal\nNord;M;20\nNord;K;1\nSyd;M;30\nSyd;K;15\n"
                                     "Nord;I alt;21\nTotal;Total;66\n")
    table, fmt = read_table(path)
    assert fmt.delimiter == ";"
    assert table.dimensions == ["region", "sex"] and table.count_name == "antal"
    assert table.values.tolist() == [[20, 1, 21], [30, 15, 45], [50, 16, 66]]


@pytest.mark.parametrize(("text", "code", "words"), [
    ("region;sex;value\nNord;M;20\n", "no_count_column", "no count column"),
    ("region;N\nNord;tyve\n", "count_not_numeric", "'tyve' on line 2 is not a whole number"),
    ("region;N\nNord;2.5\n", "count_not_numeric", "not a whole number"),
    ("region;N\nNord;\n", "count_not_numeric", "not a whole number"),
    ("region;N\nNord;-4\n", "count_negative", "-4 on line 2 is negative"),
    ("region;N\nNord;4\nSyd;5\nTotal;10\n", "inconsistent_total", "line 4 (Total) is 10, but its cells sum to 9"),
    ("region;N\nNord;4\nNord;5\n", "duplicate_row", "Line 3 repeats a cell"),
    ("region;N\nNord;4;7\n", "ragged_row", "Line 2 has 3 fields"),
    ("region;N\n", "empty_table", "no cells"),
    ("", "empty_table", "no table"),
])
def test_bad_tables_are_refused_with_a_clear_message(tmp_path, text, code, words):
    path = write(tmp_path / "bad.csv", text)
    with pytest.raises(TableError) as err:
        read_table(path)
    assert err.value.code == code and err.value.status == 422
    assert words in err.value.detail


def test_a_named_count_column_must_exist(tmp_path):
    path = write(tmp_path / "t.csv", "region;N\nNord;4\n")
    with pytest.raises(TableError, match="no count column 'antal'"):
        read_table(path, count="antal")


def test_a_million_row_table_is_streamed_and_refused_at_the_cell_cap(tmp_path):
    path = tmp_path / "big.csv"
    with path.open("w", encoding="utf-8") as fh:
        fh.write("a;b;N\n")
        for block in range(1000):
            fh.write("".join(f"a{block};b{i};{i % 7}\n" for i in range(1000)))
    assert path.stat().st_size > 10_000_000
    tracemalloc.start()
    try:
        with pytest.raises(TableTooLarge) as err:
            read_table(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert err.value.status == 413 and err.value.code == "table_too_large"
    assert f"more than {rules.MAX_CELLS} cells" in err.value.detail
    assert peak < 150 * 2**20  # the file (1 million rows) is never held whole


def test_xlsx_tables_are_read_and_written(tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in (["kommune", "køn", "antal"], ["A", "M", 20], ["A", "K", 2], ["B", "M", 30], ["B", "K", 15]):
        sheet.append(row)
    source = tmp_path / "t.xlsx"
    workbook.save(source)
    protected = protect_file(source, tmp_path / "out.xlsx")
    assert protected.report.primary == 1
    rows = list(openpyxl.load_workbook(tmp_path / "out.xlsx").active.iter_rows(values_only=True))
    assert rows[0] == ("kommune", "køn", "antal")
    assert ("A", "K", "..") in rows and ("Total", "Total", 67) in rows


# --- suppression and its proof ----------------------------------------------------------------

def test_a_small_cell_takes_three_others_with_it_in_a_two_way_table():
    table = table_of([[20, 50, 10], [8, 30, 2], [17, 1, 12]])
    done = protect_table(table)
    assert (done.report.primary, done.report.secondary) == (2, 2)
    assert_protected(table, done.hidden, set(sensitive_cells(table.values, 3)), 3)
    rows = list(done.rows())
    assert ["d01", "d12", ".."] in rows and ["Total", "Total", 150] in rows
    assert all(iv["interval"][1] is None or iv["interval"][1] >= 3
               for iv in done.report.suppressed if iv["kind"] == "primary")


def test_suppressing_only_the_small_cells_would_be_undone_by_the_margins():
    """The attack the secondary suppression prevents: with the primary cell alone hidden, the
    LP pins it to its true value."""
    table = table_of([[20, 50, 10], [8, 30, 2], [17, 5, 12]])
    primary = set(sensitive_cells(table.values, 3))
    (iv,) = intervals(table.values, primary)
    assert iv.low == iv.high == 2
    assert unprotected(table.values, primary, primary, 3)


@pytest.mark.parametrize("min_count", [3, 30, 50])
def test_the_threshold_is_a_parameter(min_count):
    rng = np.random.default_rng(min_count)
    table = table_of(rng.integers(0, 4 * min_count, size=(6, 5)))
    done = suppress(table, min_count)
    assert done.primary and done.primary == sensitive_cells(table.values, min_count)
    assert_protected(table, done.suppressed, set(done.primary), min_count)


@pytest.mark.parametrize(("shape", "seed"), [((8, 6), 1), ((12, 9), 2), ((5, 4, 3), 3), ((6, 5, 4), 4),
                                             ((4, 3, 3, 2), 5)])
def test_random_tables_of_two_to_four_dimensions_are_protected(shape, seed):
    rng = np.random.default_rng(seed)
    inner = rng.poisson(7, size=shape)
    inner[rng.random(shape) < 0.08] = 1
    table = table_of(inner)
    done = suppress(table, 3)
    assert len(done.primary) >= 2
    assert_protected(table, done.suppressed, set(done.primary), 3)


def test_the_exact_and_the_relaxed_programme_both_protect():
    rng = np.random.default_rng(7)
    inner = rng.poisson(5, size=(7, 6))
    inner[rng.random((7, 6)) < 0.1] = 2
    table = table_of(inner)
    exact, relaxed = suppress(table, 3, exact=True), suppress(table, 3, exact=False)
    for done in (exact, relaxed):
        assert_protected(table, done.suppressed, set(done.primary), 3)
    assert len(exact.secondary) <= len(relaxed.secondary)


def test_a_small_grand_total_hides_the_whole_table_or_is_refused():
    table = table_of([[1, 0], [0, 1]])
    done = suppress(table, 3)
    assert_protected(table, done.suppressed, set(done.primary), 3)


@pytest.mark.parametrize("book", TEXTBOOK, ids=lambda b: b.name)
def test_textbook_tables_are_protected_and_no_worse_than_the_peer(tmp_path, book):
    table, _ = read_table(write(tmp_path / "t.csv", book.csv()))
    done = suppress(table, book.min_count, zeros=book.zeros)
    assert_protected(table, done.suppressed, set(done.primary), book.min_count)
    if book.peer_suppressed is not None:
        assert len(done.suppressed) <= book.peer_suppressed


def test_the_sdctable_example_margins_as_printed_are_refused(tmp_path):
    text = SDCTABLE_4X4.csv() + "Total;a;1021\nTotal;c;770\n"
    with pytest.raises(TableError) as err:
        read_table(write(tmp_path / "t.csv", text))
    assert err.value.code == "inconsistent_total" and "is 1021, but its cells sum to 1012" in err.value.detail


# --- aggregation -------------------------------------------------------------------------------

def test_aggregation_merges_categories_into_statistical_disclosure_control():
    table = table_of([[20, 50, 10], [8, 30, 2], [17, 1, 12]], names=["a", "b"])
    done = protect_table(table, method="aggregate")
    assert done.report.aggregated == [{"dimension": "a", "categories": ["a1", "a2"]}]
    assert done.table.categories[0] == ["a0", "statistical disclosure control"]
    assert sensitive_cells(done.table.values, 3) == []
    assert int(done.table.values[-1, -1]) == 150
    danish = protect_table(table, method="aggregate", lang="da")
    assert danish.table.categories[0][-1] == "statistisk diskretionering"
    assert list(danish.rows())[-1] == ["I alt", "I alt", 150]


def test_aggregation_with_a_threshold_of_fifty_grows_the_aggregate():
    rng = np.random.default_rng(11)
    table = table_of(rng.integers(5, 60, size=(8, 4)))
    done = protect_table(table, method="aggregate", min_count=50)
    assert sensitive_cells(done.table.values, 50) == []
    assert done.report.aggregated


def test_a_table_aggregation_cannot_fix_reports_the_failing_categories():
    table = table_of([[1, 1], [0, 0]], names=["a", "b"])
    with pytest.raises(CannotProtect) as err:
        protect_table(table, method="aggregate")
    failing = err.value.extra["failing"]
    assert {"dimension": "a", "category": "a0", "sensitive_cells": 3, "total": 2} in failing


# --- boa sdc -----------------------------------------------------------------------------------

def test_boa_sdc_writes_the_protected_table_and_prints_the_summary(tmp_path, capsys):
    source = write(tmp_path / "t.txt", "region;sex;N\nNorth;M;20\nNorth;F;1\nSouth;M;30\nSouth;F;15\n"
                                       "East;M;2\nEast;F;40\n")
    out = tmp_path / "p.txt"
    assert main([str(source), "--count", "N", "--min", "3", "--method", "suppress", "--output", str(out)]) == 0
    assert json.loads(capsys.readouterr().out) == {"primary": 2, "secondary": 2, "aggregated": []}
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "region;sex;N"
    assert "North;F;.." in lines and "East;M;.." in lines and "Total;Total;108" in lines
    assert "South;M;30" in lines
    report = json.loads((tmp_path / "p.txt.report.json").read_text(encoding="utf-8"))
    assert report["method"] == "suppress" and len(report["suppressed"]) == 4
    assert all(s["interval"][0] < s["interval"][1] for s in report["suppressed"])


def test_boa_sdc_aggregates_in_danish(tmp_path, capsys):
    source = write(tmp_path / "t.csv", "region;sex;N\nNorth;M;20\nNorth;F;1\nSouth;M;30\nSouth;F;15\n"
                                       "East;M;2\nEast;F;40\n")
    out = tmp_path / "p.csv"
    assert main([str(source), "--method", "aggregate", "--lang", "da", "--output", str(out)]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["aggregated"] == [{"dimension": "region", "categories": ["North", "East"]}]
    assert "statistisk diskretionering;F;41" in out.read_text(encoding="utf-8")


@pytest.mark.parametrize(("text", "message"), [
    ("region;sex;value\nNord;M;20\n", "no count column"),
    ("region;N\nNord;x\n", "is not a whole number"),
    ("region;N\nNord;-1\n", "is negative"),
    ("region;N\nNord;4\nSyd;5\nTotal;10\n", "but its cells sum to 9"),
])
def test_boa_sdc_refuses_bad_input_and_writes_nothing(tmp_path, capsys, text, message):
    source = write(tmp_path / "t.csv", text)
    out = tmp_path / "p.csv"
    assert main([str(source), "--output", str(out)]) == 2
    assert message in capsys.readouterr().err
    assert not out.exists() and not list(tmp_path.glob(".sdc-*"))


def test_boa_sdc_usage_errors(tmp_path, capsys):
    source = write(tmp_path / "t.csv", "region;N\nNord;4\n")
    assert main([str(source), "--output", str(tmp_path / "p.csv"), "--min", "0"]) == 2
    assert "--min" in capsys.readouterr().err
    assert main([str(tmp_path / "missing.csv"), "--output", str(tmp_path / "p.csv")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_boa_sdc_exits_1_with_the_failing_categories(tmp_path, capsys):
    source = write(tmp_path / "t.csv", "a;b;N\nx;y;1\nx;z;1\n")
    out = tmp_path / "p.csv"
    assert main([str(source), "--method", "aggregate", "--output", str(out)]) == 1
    err = capsys.readouterr().err
    assert "aggregate these categories by hand" in err and "a: x" in err
    assert not out.exists()
    assert json.loads((tmp_path / "p.csv.report.json").read_text(encoding="utf-8"))["error"] == "cannot_protect"


def test_the_boa_command_has_sdc(tmp_path, capsys):
    from boa.cli import main as boa_main

    source = write(tmp_path / "t.csv", "a;N\nx;1\ny;9\nz;9\n")
    assert boa_main(["sdc", str(source), "--output", str(tmp_path / "p.csv")]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["primary"] == 1 and summary["secondary"] == 1
    assert not math.isnan(summary["secondary"])
