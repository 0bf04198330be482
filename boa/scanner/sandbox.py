"""The scanner in budgeted child processes: every file is scanned in a process of its own pool
with a cap on its memory (``RLIMIT_AS``) and on the CPU time of each scan (``RLIMIT_CPU``, raised
per file), so a bomb costs at most its budget and never the server's memory or its event loop.

A child serves one request per line on stdin (``{"path", "name", "max_file_bytes"}``) and answers
one line of JSON on stdout (the :class:`~boa.scanner.report.FileReport`). Over its CPU budget the
kernel ends it (``SIGXCPU``); over its memory cap its allocation fails; a child that is silent past
the wall-clock limit is killed. Each of these makes the file ``unverifiable`` with the reason
``scan_budget`` (a person looks at it), and the pool starts a fresh child for the next file. A
child is also replaced after :data:`RECYCLE_AFTER` files, so memory a scan left behind is given
back. Each answer carries the child's peak resident memory so far (``VmHWM`` of its own
address space: ``ru_maxrss`` would include the parent's peak, inherited through exec), so
:meth:`Pool.scan_measured` tells what a file cost (the bomb test of the corpus asserts it).

The pool is used from threads (:func:`scan` blocks; the transfer gate calls it through
``anyio.to_thread``): it is independent of any event loop."""

from __future__ import annotations

import json
import os
import resource
import select
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from boa.scanner.report import SCAN_BUDGET, FileReport, Finding

RECYCLE_AFTER = 200
# Numerical libraries the readers import reserve buffers per core; a scan is one thread.
ONE_THREAD = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
BUDGET_REASON = SCAN_BUDGET
PEAK_KEY = "peak_rss_kb"
BUDGET_MESSAGE = "The file could not be checked within the scanner's time and memory budget; a person will look at it"


@dataclass(frozen=True)
class Budget:
    cpu_seconds: int = 20
    memory_mb: int = 512

    @property
    def wall_seconds(self) -> float:
        """A child that neither answers nor burns CPU (blocked on I/O) is killed after this."""
        return self.cpu_seconds * 3 + 10


def over_budget(name: str) -> FileReport:
    return FileReport(name, "unverifiable", BUDGET_REASON, BUDGET_MESSAGE)


def report_from(data: dict[str, Any]) -> FileReport:
    data.pop(PEAK_KEY, None)
    findings = [Finding(**f) for f in data.pop("findings", [])]
    return FileReport(**data, findings=findings)


# -- the child -------------------------------------------------------------------------------------

def _serve(stdin: IO[str], stdout: IO[str], cpu_seconds: int) -> None:
    from dataclasses import replace

    from boa.scanner.core import scan_file
    from boa.scanner.report import ScanConfig
    from boa.scanner.rules import load_rules

    base = load_rules()
    for line in stdin:
        request = json.loads(line)
        used = resource.getrusage(resource.RUSAGE_SELF)
        spent = int(used.ru_utime + used.ru_stime) + 1
        _, hard = resource.getrlimit(resource.RLIMIT_CPU)
        resource.setrlimit(resource.RLIMIT_CPU, (spent + cpu_seconds, hard))
        rules = replace(base, limits={**base.limits, "max_file_bytes": request["max_file_bytes"]})
        try:
            report = scan_file(request["path"], request["name"], ScanConfig(rules=rules))
        except MemoryError:
            _answer(stdout, over_budget(request["name"]))
            return  # a fresh child for the next file
        except Exception:  # noqa: BLE001 - the scanner should not raise; if it does, a person looks at the file
            report = FileReport(request["name"], "unverifiable", "unreadable_content",
                                "The file could not be read for checking")
        _answer(stdout, report)


def _peak_kb() -> int:
    """This process's peak resident memory in kB, since its exec."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _answer(stdout: IO[str], report: FileReport) -> None:
    """One line: the report and the child's peak resident memory so far (kB)."""
    stdout.write(json.dumps({**report.to_dict(), PEAK_KEY: _peak_kb()}) + "\n")
    stdout.flush()


def _limit(memory_mb: int) -> None:
    """The child's own first step (no ``preexec_fn``: the parent has threads)."""
    limit = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    os.nice(5)  # scans yield to the web workers


# -- the pool --------------------------------------------------------------------------------------

class _Child:
    def __init__(self, budget: Budget) -> None:
        self.proc = subprocess.Popen(  # noqa: S603 - our own interpreter and module
            [sys.executable, "-m", "boa.scanner.sandbox", str(budget.cpu_seconds), str(budget.memory_mb)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, close_fds=True,
            env={**os.environ, **ONE_THREAD})
        self.served = 0

    def ask(self, request: dict[str, Any], wall_seconds: float) -> dict[str, Any] | None:
        """The child's answer, or None when it died or stayed silent past ``wall_seconds``."""
        assert self.proc.stdin is not None and self.proc.stdout is not None
        try:
            self.proc.stdin.write(json.dumps(request) + "\n")
            self.proc.stdin.flush()
        except OSError:
            return None
        deadline = time.monotonic() + wall_seconds
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            ready, _, _ = select.select([self.proc.stdout], [], [], left)
            if ready:
                line = self.proc.stdout.readline()
                if not line:
                    return None
                self.served += 1
                return json.loads(line)

    def alive(self) -> bool:
        return self.proc.poll() is None

    def end(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        for stream in (self.proc.stdin, self.proc.stdout):
            if stream is not None:
                stream.close()


class Pool:
    """At most ``size`` children; a scan waits for an idle one."""

    def __init__(self, budget: Budget, size: int) -> None:
        self.budget = budget
        self.slots = threading.BoundedSemaphore(size)
        self.idle: list[_Child] = []
        self.lock = threading.Lock()

    def scan(self, path: str | Path, name: str, max_file_bytes: int) -> FileReport:
        return self.scan_measured(path, name, max_file_bytes)[0]

    def scan_measured(self, path: str | Path, name: str, max_file_bytes: int) -> tuple[FileReport, int | None]:
        """The report and the peak resident memory (kB) of the child that scanned the file
        (None when it did not answer: killed over its budget)."""
        with self.slots:
            with self.lock:
                child = self.idle.pop() if self.idle else None
            if child is None or not child.alive():
                child = _Child(self.budget)
            answer = child.ask({"path": str(path), "name": name, "max_file_bytes": max_file_bytes},
                               self.budget.wall_seconds)
            if answer is None or not child.alive() or child.served >= RECYCLE_AFTER:
                child.end()
            else:
                with self.lock:
                    self.idle.append(child)
        if answer is None:
            return over_budget(name), None
        peak = answer.get(PEAK_KEY)
        return report_from(answer), peak

    def close(self) -> None:
        with self.lock:
            children, self.idle = self.idle, []
        for child in children:
            child.end()


_POOLS: dict[Budget, Pool] = {}
_POOLS_LOCK = threading.Lock()


def pool(budget: Budget, size: int) -> Pool:
    with _POOLS_LOCK:
        if budget not in _POOLS:
            _POOLS[budget] = Pool(budget, size)
        return _POOLS[budget]


def close_all() -> None:
    with _POOLS_LOCK:
        pools = list(_POOLS.values())
        _POOLS.clear()
    for p in pools:
        p.close()


if __name__ == "__main__":
    _limit(int(sys.argv[2]))
    _serve(sys.stdin, sys.stdout, int(sys.argv[1]))
