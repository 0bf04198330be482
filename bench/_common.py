"""Shared parts of the HTTP benchmarks: a throw-away database, BOA served by uvicorn in its own
processes, the CPU seconds those processes use, and a light keep-alive HTTP/1.1 client so the
load generator (this process) spends little of the CPU it measures.

Every benchmark talks only to 127.0.0.1 and stops by itself."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


# --- databases -------------------------------------------------------------------------------

def sqlite_url(var_dir: Path) -> str:
    return f"sqlite+aiosqlite:///{var_dir / 'bench.sqlite3'}"


async def fresh_postgres(admin_url: str, name: str) -> str:
    """Drops and creates database ``name`` next to ``admin_url``'s; returns its SQLAlchemy URL."""
    import asyncpg

    raw = admin_url.replace("postgresql+asyncpg://", "postgresql://")
    conn = await asyncpg.connect(raw)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    base = admin_url.rsplit("/", 1)[0]
    return f"{base}/{name}"


def prepare_env(var_dir: Path, database_url: str, **extra: str) -> dict[str, str]:
    """The environment for this process (seeding) and the server: same var dir, keys, database.
    The Argon2 parameters are BOA's defaults unless ``extra`` sets them."""
    for key in ("BOA_ARGON2_MEMORY_KIB", "BOA_ARGON2_TIME_COST", "BOA_ARGON2_PARALLELISM"):
        os.environ.pop(key, None)
    os.environ["BOA_VAR_DIR"] = str(var_dir)
    os.environ["BOA_DATABASE_URL"] = database_url
    os.environ["BOA_COOKIE_SECURE"] = "false"
    os.environ.update(extra)
    from boa.kernel.settings import get_settings

    get_settings.cache_clear()
    settings = get_settings()  # generates the pepper and seed key files once, before any worker starts
    assert settings.pin_pepper and settings.seed_key
    return dict(os.environ)


def tmp_var_dir(prefix: str) -> Path:
    return Path(tempfile.mkdtemp(prefix=prefix))


# --- the server --------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """``uvicorn boa.app:create_app --factory --workers N`` on a free loopback port."""

    def __init__(self, env: dict[str, str], workers: int = 2, port: int | None = None) -> None:
        self.port = port or free_port()
        self.workers = workers
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "boa.app:create_app", "--factory", "--host", "127.0.0.1",
             "--port", str(self.port), "--workers", str(workers), "--log-level", "warning", "--no-access-log"],
            cwd=ROOT, env=env)

    def processes(self) -> list[Any]:
        import psutil

        try:
            parent = psutil.Process(self.proc.pid)
            return [parent, *parent.children(recursive=True)]
        except psutil.NoSuchProcess:
            return []

    def worker_pids(self) -> list[int]:
        """The processes that serve requests (not multiprocessing's resource tracker)."""
        workers = []
        for p in self.processes()[1:]:
            try:
                if "resource_tracker" not in " ".join(p.cmdline()):
                    workers.append(p.pid)
            except Exception:  # noqa: BLE001, S112
                continue
        return workers or [self.proc.pid]

    def cpu_seconds(self) -> float:
        """User + system CPU seconds used so far by the server's processes (parent and workers)."""
        total = 0.0
        for p in self.processes():
            try:
                t = p.cpu_times()
                total += t.user + t.system
            except Exception:  # noqa: BLE001, S112  (a process that just ended)
                continue
        return total

    async def ready(self, timeout: float = 180.0) -> None:
        deadline = time.monotonic() + timeout
        # Every worker must be up: ask until enough distinct answers arrive (each connection may
        # land on another worker; a short pause lets the rest finish importing).
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("the server exited while starting")
            try:
                conn = await Connection.open("127.0.0.1", self.port)
                status, _, _ = await conn.request("GET", "/health")
                conn.close()
                if status == 200 and (self.workers == 1 or len(self.worker_pids()) >= self.workers):
                    await asyncio.sleep(1.0 if self.workers > 1 else 0.2)
                    return
            except OSError:
                pass
            await asyncio.sleep(0.2)
        raise RuntimeError("the server did not start")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


# --- a light HTTP/1.1 client -----------------------------------------------------------------

class Connection:
    """One keep-alive HTTP/1.1 connection; requests on it are sequential."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, host: str) -> None:
        self.reader, self.writer, self.host = reader, writer, host

    @classmethod
    async def open(cls, host: str, port: int) -> Connection:
        reader, writer = await asyncio.open_connection(host, port)
        return cls(reader, writer, host)

    async def request(self, method: str, path: str, body: Any = None,
                      headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
        payload = b""
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}"]
        if body is not None:
            payload = json.dumps(body).encode()
            lines += ["Content-Type: application/json", f"Content-Length: {len(payload)}"]
        for k, v in (headers or {}).items():
            lines.append(f"{k}: {v}")
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + payload)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        status = int(status_line.split(" ", 2)[1])
        got = {}
        for line in header_lines:
            if ":" in line:
                k, v = line.split(":", 1)
                got[k.strip().lower()] = v.strip()
        if "content-length" in got:
            data = await self.reader.readexactly(int(got["content-length"]))
        elif got.get("transfer-encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int((await self.reader.readuntil(b"\r\n")).strip(), 16)
                chunks.append(await self.reader.readexactly(size + 2))
                if size == 0:
                    break
            data = b"".join(c[:-2] for c in chunks)
        else:
            data = b""
        return status, got, data

    def close(self) -> None:
        self.writer.close()


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1))))
    return ordered[k]


def summary(latencies_s: list[float]) -> dict[str, float]:
    ms = [x * 1000 for x in latencies_s]
    return {"p50_ms": percentile(ms, 50), "p95_ms": percentile(ms, 95), "p99_ms": percentile(ms, 99),
            "mean_ms": statistics.fmean(ms) if ms else float("nan")}
