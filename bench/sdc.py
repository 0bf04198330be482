"""Benchmark ``boa sdc`` (table disclosure control) on large tables.

    python bench/sdc.py [--dir /tmp] [--keep]
    python bench/sdc.py --textbook

Writes long frequency tables (semicolon-separated ``.txt``, Poisson counts with about 5 % of the
cells at 1 or 2) and runs ``python -m boa.cli sdc`` on each as a subprocess, printing the wall
time, the peak RSS (from wait4) and the summary:

- a 1,000,000-row table: refused at the cell cap (``rules.MAX_CELLS``) after reading as far as
  the cap, in bounded memory (exit 2);
- a 200,000-cell table (400 x 50 x 10) aggregated into "statistical disclosure control";
- a 5,151-cell two-way table (100 x 50 with margins) and a 3,696-cell three-way table
  (20 x 15 x 10 with margins) protected by cell suppression (HiGHS), the attacker's LP proof
  included in the time.

``--textbook`` instead protects the textbook tables of ``tests/unit/sdc_tables.py`` (exact and LP
secondary suppression) and prints the suppressed cells beside the peer's published count.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def write_table(path: Path, shape: tuple[int, ...], seed: int = 7) -> int:
    rng = np.random.default_rng(seed)
    counts = rng.poisson(8, size=shape)
    small = rng.random(shape) < 0.05
    counts[small] = rng.integers(1, 3, size=int(small.sum()))
    names = [f"d{i}" for i in range(len(shape))]
    with path.open("w", encoding="utf-8") as fh:
        fh.write(";".join([*names, "antal"]) + "\n")
        for index in np.ndindex(*shape[:-1]):
            prefix = ";".join(f"{names[d]}_{i}" for d, i in enumerate(index))
            row = counts[index]
            fh.write("".join(f"{prefix};{names[-1]}_{j};{row[j]}\n" for j in range(shape[-1])))
    return int(np.prod(shape))


def run(args: list[str], work: Path) -> tuple[float, float, int, str, str]:
    """Run ``boa sdc`` in its own process: wall time, its peak RSS in MB (wait4), exit code, output."""
    out_path, err_path = work / "stdout", work / "stderr"
    started = time.perf_counter()
    with out_path.open("w") as out, err_path.open("w") as err:
        proc = subprocess.Popen([sys.executable, "-m", "boa.cli", "sdc", *args], cwd=ROOT, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    return (wall, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status), out_path.read_text().strip(),
            err_path.read_text().strip())


def textbook() -> int:
    from boa.disclosure.attack import unprotected
    from boa.disclosure.protect import read_table
    from boa.disclosure.suppress import suppress
    from tests.unit.sdc_tables import TEXTBOOK

    with tempfile.TemporaryDirectory() as work:
        for book in TEXTBOOK:
            path = Path(work) / "t.txt"
            path.write_text(book.csv(), encoding="utf-8")
            table, _ = read_table(path)
            print(f"{book.name}: min {book.min_count}, zeros {'sensitive' if book.zeros else 'published'}, "
                  f"peer {book.peer_suppressed if book.peer_suppressed is not None else 'not published'}")
            for exact in (True, False):
                done = suppress(table, book.min_count, zeros=book.zeros, exact=exact)
                bad = unprotected(table.values, done.suppressed, set(done.primary), book.min_count)
                cells = ", ".join("/".join(table.labels(table.coord(c))) for c in sorted(done.suppressed))
                print(f"  {'MILP' if exact else 'LP  '}: {len(done.primary)} primary + {len(done.secondary)} secondary "
                      f"= {len(done.suppressed)} ({cells}); unprotected after the LP attack: {len(bad)}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", default=None)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--textbook", action="store_true")
    opts = parser.parse_args()
    if opts.textbook:
        return textbook()
    work = Path(tempfile.mkdtemp(prefix="boa-sdc-", dir=opts.dir))
    cases = [
        ("1,000,000 rows (refused at the cap)", (1000, 1000), ["--method", "suppress"]),
        ("400 x 50 x 10 aggregated", (400, 50, 10), ["--method", "aggregate"]),
        ("100 x 50 suppressed", (100, 50), ["--method", "suppress"]),
        ("20 x 15 x 10 suppressed", (20, 15, 10), ["--method", "suppress"]),
    ]
    try:
        print(f"{'table':40} {'rows':>9} {'wall':>8} {'peak RSS':>9}  exit  result")
        for name, shape, extra in cases:
            source = work / f"t{len(shape)}_{'x'.join(map(str, shape))}.txt"
            rows = write_table(source, shape)
            wall, rss, code, out, err = run([str(source), "--count", "antal", "--min", "3", *extra,
                                             "--output", str(source.with_suffix(".out.txt"))], work)
            result = out or err.splitlines()[-1]
            if out:
                summary = json.loads(out)
                result = (f"primary {summary['primary']}, secondary {summary['secondary']}, "
                          f"aggregated {sum(len(a['categories']) for a in summary['aggregated'])} categories")
            print(f"{name:40} {rows:>9} {wall:>7.1f}s {rss:>7.0f} MB  {code:>4}  {result}", flush=True)
    finally:
        if not opts.keep:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
