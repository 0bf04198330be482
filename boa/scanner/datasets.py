"""Statistical datasets (sas7bdat, dta, sav) through pyreadstat: metadata and a row sample.

A dataset is unit-level data when a variable is named like a key or it has more rows than
``max_rows``. The first ``SAMPLE_ROWS`` rows are searched for CPR/CVR values (a CPR stored as
a number is padded back to ten digits) and, for a small aggregated dataset, checked for
small counts like any table. Location: ``row`` (1-based) and ``column`` (the variable name).
"""

from __future__ import annotations

from pathlib import Path

from boa.scanner.numbers import NumberJudge
from boa.scanner.report import Findings, ScanConfig
from boa.scanner.tables import TableAnalyzer

SAMPLE_ROWS = 1000


def _reader(kind: str):
    import pyreadstat

    return {"sas7bdat": pyreadstat.read_sas7bdat, "dta": pyreadstat.read_dta, "sav": pyreadstat.read_sav}[kind]


def scan_dataset(path: Path, kind: str, config: ScanConfig, findings: Findings) -> int | None:
    """Scan a dataset; returns its row count when the format tells it."""
    read = _reader(kind)
    _, meta = read(str(path), metadataonly=True, output_format="dict")
    names = list(meta.column_names)
    sample_rows = min(SAMPLE_ROWS, config.max_rows + 1)
    data, _ = read(str(path), row_limit=sample_rows, output_format="dict")
    columns = [list(data.get(name, [])) for name in names]
    sampled = max((len(col) for col in columns), default=0)
    total = meta.number_rows if meta.number_rows is not None and meta.number_rows >= 0 else None
    analyzer = TableAnalyzer(config, findings, {}, label=lambda i: names[i])
    analyzer.set_header(names, {})
    judge = NumberJudge(config, findings)
    for row in range(sampled):
        values = [col[row] if row < len(col) else None for col in columns]
        analyzer.feed(values, {"row": row + 1})
        for index, value in enumerate(values):
            if value is not None:
                judge.scan_value(value, {"row": row + 1, "column": names[index]}, names[index])
    analyzer.finish(total if total is not None else sampled)
    return total
