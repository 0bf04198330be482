"""``boa scan FILE... [--json] [--threshold N] [--max-rows N]``.

Exit code 0 when every file is clean, 1 when any is flagged, unverifiable or rejected,
2 on a usage error (bad option, missing file).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, NoReturn

from boa.scanner.core import scan_file
from boa.scanner.report import FileReport, ScanConfig

LOCATION_ORDER = ("sheet", "page", "slide", "table", "part", "paragraph", "line", "row", "column")


class _UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise _UsageError(message)


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="boa scan", description="Check files for the transfer gate: type and microdata.")
    parser.add_argument("files", nargs="+", metavar="FILE")
    parser.add_argument("--json", action="store_true", help="print the reports as JSON")
    parser.add_argument("--threshold", type=_positive, help="smallest allowed count in count tables")
    parser.add_argument("--max-rows", type=_positive, help="a table with more rows is unit-level data")
    return parser


def describe_location(location: dict[str, Any]) -> str:
    parts = []
    for key in LOCATION_ORDER:
        if key in location:
            value = location[key]
            if key == "column" and location.get("column_name") and location["column_name"] != value:
                value = f"{value} ({location['column_name']})"
            parts.append(f"{key} {value}")
    return ", ".join(parts) or "whole file"


def render_table(reports: list[FileReport]) -> str:
    lines = []
    for report in reports:
        lines.append(f"{report.name}: {report.verdict.upper()}" + (f" ({report.reason})" if report.reason else ""))
        if report.message:
            lines.append(f"  {report.message}")
        if report.findings:
            rows = [("KIND", "WHERE", "VALUE", "CONF", "MESSAGE")]
            rows += [(f.kind, describe_location(f.location), f.masked_value or "-", f"{f.confidence:.2f}", f.message)
                     for f in report.findings]
            widths = [max(len(r[i]) for r in rows) for i in range(4)]
            for r in rows:
                lines.append("  " + "  ".join(r[i].ljust(widths[i]) for i in range(4)) + "  " + r[4])
        hidden = sum(report.finding_counts.values()) - len(report.findings)
        if hidden > 0:
            lines.append(f"  … and {hidden} more findings of the same kinds")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["scan"]:
        argv = argv[1:]
    try:
        args = build_parser().parse_args(argv)
    except _UsageError as err:
        print(f"boa scan: {err}", file=sys.stderr)
        return 2
    missing = [f for f in args.files if not Path(f).is_file()]
    if missing:
        print(f"boa scan: no such file: {', '.join(missing)}", file=sys.stderr)
        return 2
    config = ScanConfig()
    if args.threshold is not None:
        config.min_cell_count = args.threshold
    if args.max_rows is not None:
        config.max_rows = args.max_rows
    reports = [scan_file(Path(f), Path(f).name, config) for f in args.files]
    if args.json:
        print(json.dumps({"files": [r.to_dict() for r in reports]}, ensure_ascii=False, indent=2))
    else:
        print(render_table(reports))
    return 0 if all(r.verdict == "clean" for r in reports) else 1
