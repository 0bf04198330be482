"""``boa sdc INPUT --count COLUMN --min N [--method suppress|aggregate] --output OUTPUT``
(API.md, "Table disclosure control").

Writes the protected table to OUTPUT (same format as INPUT, a ``Total`` row for every margin,
protected cells ``..``) and the full report as JSON to ``--report`` (default: OUTPUT with
``.report.json``), and prints the summary ``{"primary", "secondary", "aggregated"}``. Exit 0 when
protected; 1 when the table cannot be protected (the report names the failing categories for
manual aggregation; no table is written); 2 when the input or an option is refused (the message
says why; nothing is written).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from boa.disclosure import rules
from boa.disclosure.protect import CannotProtect, protect_file
from boa.kernel.errors import BoaError


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError("must be a whole number") from None
    if not 1 <= value <= rules.MAX_MIN_COUNT:
        raise argparse.ArgumentTypeError(f"must be from 1 to {rules.MAX_MIN_COUNT}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="boa sdc", description="Table disclosure control: protect a frequency table so that "
                     "no published cell is below the minimum count and no suppressed cell can be recomputed.")
    parser.add_argument("input", metavar="INPUT", help="long frequency table (.csv/.txt semicolon-separated, .xlsx)")
    parser.add_argument("--count", default=None, metavar="COLUMN",
                        help="the count column (default: the one column named N, count, antal, ...)")
    parser.add_argument("--min", type=_positive, default=rules.DEFAULT_MIN_COUNT, metavar="N", dest="min_count",
                        help="minimum count per cell (3; 30 or 50 for a variable that delimited the population)")
    parser.add_argument("--method", choices=rules.METHODS, default="suppress")
    parser.add_argument("--output", required=True, metavar="OUTPUT", help="the protected table")
    parser.add_argument("--report", default=None, metavar="FILE", help="the report (JSON)")
    parser.add_argument("--lang", choices=("en", "da"), default="en", help="labels: Total/I alt, "
                        "statistical disclosure control/statistisk diskretionering")
    return parser


def main(argv: list[str]) -> int:
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as done:  # argparse has printed the usage error (or the help)
        return 2 if done.code else 0
    source, output = Path(args.input), Path(args.output)
    report_path = Path(args.report) if args.report else output.with_name(output.name + ".report.json")
    if not source.is_file():
        print(f"boa sdc: no such file: {source}", file=sys.stderr)
        return 2
    if output.suffix.lower() != source.suffix.lower():
        print(f"boa sdc: the output has the input's format: name it *{source.suffix}", file=sys.stderr)
        return 2
    try:
        protected = protect_file(source, output, count=args.count, method=args.method, min_count=args.min_count,
                                 lang=args.lang)
    except CannotProtect as err:
        report = {"error": err.code, "message": err.detail, **err.extra}
        report_path.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        print(f"boa sdc: {err.detail}", file=sys.stderr)
        for item in err.extra.get("failing", []):
            print(f"  {item['dimension']}: {item['category']} ({item['sensitive_cells']} cells below "
                  f"{args.min_count})", file=sys.stderr)
        return 1
    except BoaError as err:
        print(f"boa sdc: {err.detail}", file=sys.stderr)
        return 2
    report_path.write_text(json.dumps(protected.report.as_dict(), ensure_ascii=False, indent=2) + "\n",
                           encoding="utf-8")
    print(json.dumps(protected.report.summary(), ensure_ascii=False))
    return 0
