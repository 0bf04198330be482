"""Benchmark ``boa scan`` on a big CSV-shaped .txt against ripgrep.

    python bench/scan.py [--size 1G] [--dir /tmp] [--cprs 300] [--keep]

Writes a file of the given size (semicolon-separated rows, a few hundred valid CPR numbers
spread through it), warms the page cache, runs ``rg -c`` with a CPR-shaped pattern and then
``python -m boa.scanner scan FILE --json`` as subprocesses, and prints wall time, MB/s, the
scanner's peak RSS (from wait4) and the speed ratio. Targets: peak RSS < 200 MB and at least
a quarter of ripgrep's speed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RG_PATTERN = r"\b[0-9]{6}-?[0-9]{4}\b"
BLOCK_BYTES = 1 << 20
UNITS = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}


def parse_size(text: str) -> int:
    text = text.strip().upper().removesuffix("B")
    if text and text[-1] in UNITS:
        return int(float(text[:-1]) * UNITS[text[-1]])
    return int(text)


def random_cpr(rng: random.Random) -> str:
    born = dt.date(1930, 1, 1) + dt.timedelta(days=rng.randrange(70 * 365))
    return f"{born:%d%m%y}" + str(rng.randrange(4)) + f"{rng.randrange(1000):03d}"


def random_block(rng: random.Random) -> bytes:
    rows, size = [], 0
    words = ("ingen", "ok", "se note", "mangler", "", "")
    while size < BLOCK_BYTES:
        row = (f"{rng.randint(2000, 2023)};{rng.randint(101, 860)};{rng.randint(1, 2)};{rng.randint(0, 99)};"
               f"{rng.random() * 1e6:.2f};{rng.randint(0, 9)};{rng.choice(words)}\n")
        rows.append(row)
        size += len(row)
    return "".join(rows).encode()


def generate(path: Path, size: int, cprs: int, seed: int = 7) -> int:
    """Write the test file; returns how many CPR numbers were planted."""
    rng = random.Random(seed)
    blocks = [random_block(rng) for _ in range(32)]
    blocks_needed = max(size // BLOCK_BYTES, 1)
    cpr_at = sorted(rng.sample(range(blocks_needed), min(cprs, blocks_needed)))
    quota = {block: cprs // len(cpr_at) + (1 if n < cprs % len(cpr_at) else 0) for n, block in enumerate(cpr_at)}
    planted, written, i = 0, 0, 0
    with path.open("wb") as fh:
        fh.write(b"aar;kommune;koen;alder;indkomst;boern;tekst\n")
        while written < size:
            block = blocks[rng.randrange(len(blocks))]
            fh.write(block)
            written += len(block)
            for _ in range(quota.get(i, 0)):
                fh.write(f"2020;101;1;42;1000.00;0;{random_cpr(rng)}\n".encode())
                planted += 1
            i += 1
    return planted


def run(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, int, str, int]:
    """Wall seconds, peak RSS in KB (this child only, via wait4), stdout, exit code."""
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read().decode(errors="replace")
    return wall, usage.ru_maxrss, text, proc.returncode


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", default="1G", help="file size, e.g. 1G, 200M (default 1G)")
    parser.add_argument("--dir", default="/tmp", help="where to write the file (default /tmp)")
    parser.add_argument("--cprs", type=int, default=300, help="CPR numbers to plant (default 300)")
    parser.add_argument("--keep", action="store_true", help="keep the generated file")
    args = parser.parse_args(argv)

    size = parse_size(args.size)
    path = Path(args.dir) / f"boa-bench-{size}.txt"
    t0 = time.perf_counter()
    planted = generate(path, size, args.cprs)
    real_size = path.stat().st_size
    mb = real_size / 1e6
    print(f"file      {path}  {mb:,.0f} MB, {planted} CPR numbers planted ({time.perf_counter() - t0:.1f} s to write)")
    with path.open("rb") as fh:  # warm the page cache so both tools read from memory
        while fh.read(16 << 20):
            pass

    rg = shutil.which("rg")
    rg_wall = None
    if rg is None:
        print("ripgrep   NOT FOUND - install it with `apt-get install -y ripgrep`; no ratio computed")
    else:
        rg_wall, _, out, _ = run([rg, "-c", RG_PATTERN, str(path)])
        print(f"ripgrep   rg -c '{RG_PATTERN}'  {rg_wall:.2f} s  {mb / rg_wall:,.0f} MB/s  lines matched: {out.strip()}")

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-m", "boa.scanner", "scan", str(path), "--json"]
    wall, rss_kb, out, code = run(cmd, env)
    report = json.loads(out)["files"][0] if out.strip() else {}
    found = report.get("finding_counts", {}).get("cpr_number", 0)
    print(f"boa scan  {' '.join(cmd[1:])}")
    print(f"          {wall:.2f} s  {mb / wall:,.0f} MB/s  peak RSS {rss_kb / 1024:,.0f} MB  exit {code}  "
          f"verdict {report.get('verdict')}  CPR findings {found}/{planted}")
    ok = rss_kb / 1024 < 200 and found == planted
    if rg_wall is not None:
        ratio = rg_wall / wall
        print(f"ratio     boa scan reaches {ratio:.2f} of ripgrep's speed (target >= 0.25)")
        ok = ok and ratio >= 0.25
    print("result    " + ("PASS" if ok else "FAIL") + " (peak RSS < 200 MB, all planted CPRs found, speed)")
    if not args.keep:
        path.unlink()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
