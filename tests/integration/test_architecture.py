"""The house holds: no circle of files, nothing wired by an import, and the decision a CLI builds
through the composition root (no controller, no page imported) denies a locked user."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import grimp

from boa.kernel import clock
from boa.kernel.actor import SYSTEM
from boa.kernel.db import transaction
from boa.sanctions import cases
from tests.schemes_helpers import project_number

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("boa", "schemes", "tokens", "api", "admin_ui")


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_no_circle_of_files():
    graph = grimp.build_graph(*PACKAGES)
    edges = {m: set(graph.find_modules_directly_imported_by(m)) for m in graph.modules}
    assert _cycles(edges) == []
    # The check finds a circle when there is one.
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == [["a", "b", "c"]]


def test_every_type_ignore_names_its_code_and_its_reason():
    """mypy checks the application (make lint); where it must be silenced, the line says why."""
    bare = []
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations/versions" in path.as_posix():
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
                if "type: ignore" in line:
                    after = line.split("type: ignore", 1)[1]
                    if not after.startswith("[") or "#" not in after:
                        bare.append(f"{path.relative_to(ROOT)}:{number}")
    assert bare == []


def test_importing_everything_wires_nothing():
    """Every module of the application imported, and still nothing is installed: a process that
    never called wire() refuses to decide instead of deciding without the locks."""
    script = f"""
import asyncio, importlib, pkgutil
for package in {PACKAGES!r}:
    module = importlib.import_module(package)
    for info in pkgutil.walk_packages(module.__path__, package + "."):
        if ".migrations.versions" not in info.name and info.name != "boa.migrations.env" \
                and not info.name.endswith("__main__"):
            importlib.import_module(info.name)
from boa.kernel import extensions
from boa.kernel.decisions import load_facts
assert extensions._installed is None, "an import installed extensions"
try:
    asyncio.run(load_facts(None, "RESA", "login"))
except extensions.NotWired:
    print("refused")
"""
    run = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "refused"


async def test_the_cli_decides_with_the_locks_and_without_a_controller(demo, client, as_user):
    staff = await as_user("SANC")
    number = await project_number(client, staff, "Labour market")
    decide = f"""
import sys
from boa.cli import main
code = main(["access", "decide", "RESA", "--action", "project_access", "--project", "{number}"])
faces = sorted(m for m in sys.modules if m.split(".")[0] in ("api", "admin_ui") or m in ("boa.app", "boa.web"))
assert not faces, faces
sys.exit(code)
"""

    def ask() -> tuple[int, dict]:
        run = subprocess.run([sys.executable, "-c", decide], cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert run.returncode in (0, 1) and not run.stderr, run.stderr
        return run.returncode, json.loads(run.stdout)

    code, decision = await asyncio.to_thread(ask)
    assert (code, decision) == (0, {"allowed": True, "reasons": []})

    clock.reset()  # the subprocess reads the wall clock; logging in above moved the test's clock on
    async with transaction(demo) as session:
        await cases.register(session, actor=SYSTEM, ident="RESA", kind="other", project=number,
                             description="Shared the screen.", occurred_at=clock.now() - timedelta(hours=1))
    code, decision = await asyncio.to_thread(ask)
    assert code == 1 and decision["allowed"] is False, decision
    assert {(r["code"], r["scope"]) for r in decision["reasons"]} == {("locked", "user"), ("locked", "project")}
