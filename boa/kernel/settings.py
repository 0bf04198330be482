"""Settings: environment variables with the ``BOA_`` prefix, read once.

Secrets (PIN pepper, token-seed key, JWT signing key) come from the environment
(``BOA_PIN_PEPPER``, ``BOA_SEED_KEY``) or, when absent, from files under the
var directory that BOA generates on first use (the demo's own keys).
"""

from __future__ import annotations

import base64
import json
import os
import secrets
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import overload

REPO_ROOT = Path(__file__).resolve().parents[2]
SEED_DATA = REPO_ROOT / "seed_data"


@overload
def _env(name: str) -> str | None: ...


@overload
def _env(name: str, default: str) -> str: ...


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(f"BOA_{name}")
    return value if value not in (None, "") else default


def _int(name: str, default: int) -> int:
    return int(_env(name, str(default)))


def _secret_from_env_or_file(name: str, var_dir: Path, size: int = 32) -> bytes:
    """A secret from ``BOA_<NAME>`` (base64) or a generated file ``var/<name>.key``."""
    value = _env(name)
    if value:
        return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    path = var_dir / "keys" / f"{name.lower()}.key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(base64.urlsafe_b64encode(secrets.token_bytes(size)))
        os.replace(tmp, path)
    return base64.urlsafe_b64decode(path.read_bytes().strip())


@dataclass(frozen=True)
class Settings:
    var_dir: Path
    database_url: str
    pin_pepper: bytes = field(repr=False)
    seed_key: bytes = field(repr=False)
    session_idle_minutes: int = 30
    session_absolute_hours: int = 12
    challenge_minutes: int = 5
    activation_days: int = 7
    cookie_secure: bool = True
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_user: str | None = None
    smtp_password: str | None = field(default=None, repr=False)
    smtp_starttls: bool = False
    mail_from: str = "boa@localhost"
    office_email: str = "research-services@localhost"
    # The consulting service's hourly rate excl. VAT, in øre (DKK 1,476; DKK 1,845 incl. 25 % VAT).
    consulting_hourly_rate_ore: int = 147_600
    sms_gateway_url: str | None = None
    public_url: str = "http://127.0.0.1:8000"  # where people reach the pages (links in mails)
    # Request bodies (boa/web/bodies.py): the largest body a route takes unless it says otherwise
    # (the transfer uploads have their own limits), and how long a body may stop arriving.
    max_body_bytes: int = 1024 * 1024
    body_read_timeout_seconds: float = 30.0
    # OWASP's Argon2id set m=7 MiB, t=5, p=1: equivalent to its m=19 MiB, t=2 and the cheapest
    # of the equivalent sets on this hardware (docs/decisions.md, docs/benchmarks.md).
    argon2_memory_kib: int = 7168
    argon2_time_cost: int = 5
    argon2_parallelism: int = 1
    sql_echo: bool = False
    # How long a worker may answer the gateways' access decisions from its cache of the facts
    # (boa/kernel/access_cache.py; a change drops what it names first, so this bounds only what no
    # change notice names); 0 reads the database on every request.
    access_cache_seconds: float = 300.0
    # Transfer gate (SPEC 6): the store, the upload limits and the review sample.
    transfer_dir: Path | None = None  # None: <var_dir>/transfers
    transfer_max_file_bytes: int = 2 << 30
    transfer_max_bytes: int = 10 << 30
    transfer_max_files: int = 1000
    review_sample_rate: float = 0.05
    review_sample_seed: int | None = None  # set: a reproducible sample (tests); unset: SystemRandom
    # Scans off the request (boa/transfers/scanning.py, boa/scanner/sandbox.py): each file in a
    # child process with a CPU-time and memory budget; an upload waits this long for its verdicts.
    scan_cpu_seconds: int = 20
    scan_memory_mb: int = 512
    scan_workers: int = 2
    scan_wait_seconds: float = 3.0
    # The outbox and the worker (boa/kernel/outbox.py, boa/kernel/jobs.py; docs/operations.md).
    mail_max_attempts: int = 10
    mail_retry_seconds: int = 60  # the first back-off; it doubles with each failed try
    mail_lease_seconds: int = 300  # a claimed mail whose worker died is sent again after this
    worker_in_process: bool = True  # the app runs the jobs itself (default on SQLite only)
    # The RADIUS front door (tokens.radius): requests a second each gateway may send (twice that
    # in a burst); more are dropped, so one flooding gateway never blocks the others.
    radius_client_rate: float = 200.0

    @property
    def outbox_dir(self) -> Path:
        return self.var_dir / "outbox"

    @property
    def transfer_store_dir(self) -> Path:
        return self.transfer_dir or self.var_dir / "transfers"


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def _float(name: str, default: float) -> float:
    return float(_env(name, str(default)))


def _sample_rate(value: float) -> float:
    if not 0.0 <= value <= 1.0:
        raise ValueError("BOA_REVIEW_SAMPLE_RATE must be between 0 and 1")
    return value


def transfer_rules_path() -> Path:
    """The transfer gate's rules file: ``$BOA_TRANSFER_RULES`` or the seed file (the upload limits'
    defaults live there too, beside the policy :mod:`boa.scanner.rules` reads)."""
    return Path(os.environ.get("BOA_TRANSFER_RULES") or SEED_DATA / "transfer_rules.json")


def _bool(name: str, default: bool) -> bool:
    value = _env(name)
    if value is None:
        return default
    if value.lower() not in ("true", "false", "1", "0", "yes", "no", "on", "off"):
        raise ValueError(f"BOA_{name} is true or false, not {value!r}")
    return value.lower() in ("true", "1", "yes", "on")


def _at_least(name: str, value: int, least: int) -> int:
    if value < least:
        raise ValueError(f"BOA_{name} must be at least {least}")
    return value


def load_settings() -> Settings:
    limits = json.loads(transfer_rules_path().read_text(encoding="utf-8"))["limits"]
    seed = _env("REVIEW_SAMPLE_SEED")
    transfer_dir = _env("TRANSFER_DIR")
    var_dir = Path(_env("VAR_DIR", str(Path.cwd() / "var"))).resolve()
    var_dir.mkdir(parents=True, exist_ok=True)
    default_db = f"sqlite+aiosqlite:///{var_dir / 'boa.sqlite3'}"
    database_url = _env("DATABASE_URL", default_db)
    return Settings(
        var_dir=var_dir,
        database_url=database_url,
        pin_pepper=_secret_from_env_or_file("PIN_PEPPER", var_dir),
        seed_key=_secret_from_env_or_file("SEED_KEY", var_dir),
        session_idle_minutes=_int("SESSION_IDLE_MINUTES", 30),
        session_absolute_hours=_int("SESSION_ABSOLUTE_HOURS", 12),
        cookie_secure=_env("COOKIE_SECURE", "true").lower() != "false",
        smtp_host=_env("SMTP_HOST"),
        smtp_port=_int("SMTP_PORT", 25),
        smtp_user=_env("SMTP_USER"),
        smtp_password=_env("SMTP_PASSWORD"),
        smtp_starttls=_env("SMTP_STARTTLS", "false").lower() == "true",
        mail_from=_env("MAIL_FROM", "boa@localhost"),
        office_email=_env("OFFICE_EMAIL", "research-services@localhost"),
        consulting_hourly_rate_ore=_int("CONSULTING_HOURLY_RATE_ORE", 147_600),
        sms_gateway_url=_env("SMS_GATEWAY_URL"),
        public_url=_env("PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/"),
        max_body_bytes=_int("MAX_BODY_BYTES", 1024 * 1024),
        body_read_timeout_seconds=_float("BODY_READ_TIMEOUT_SECONDS", 30.0),
        argon2_memory_kib=_int("ARGON2_MEMORY_KIB", 7168),
        argon2_time_cost=_int("ARGON2_TIME_COST", 5),
        argon2_parallelism=_int("ARGON2_PARALLELISM", 1),
        sql_echo=_env("SQL_ECHO", "false").lower() == "true",
        access_cache_seconds=_float("ACCESS_CACHE_SECONDS", 300.0),
        transfer_dir=Path(transfer_dir).resolve() if transfer_dir else None,
        transfer_max_file_bytes=_int("TRANSFER_MAX_FILE_BYTES", limits["max_file_bytes"]),
        transfer_max_bytes=_int("TRANSFER_MAX_BYTES", limits["max_transfer_bytes"]),
        transfer_max_files=_int("TRANSFER_MAX_FILES", 1000),
        review_sample_rate=_sample_rate(_float("REVIEW_SAMPLE_RATE", 0.05)),
        review_sample_seed=int(seed) if seed is not None else None,
        scan_cpu_seconds=_at_least("SCAN_CPU_SECONDS", _int("SCAN_CPU_SECONDS", 20), 1),
        scan_memory_mb=_at_least("SCAN_MEMORY_MB", _int("SCAN_MEMORY_MB", 512), 128),
        scan_workers=_at_least("SCAN_WORKERS", _int("SCAN_WORKERS", min(os.cpu_count() or 1, 4)), 1),
        scan_wait_seconds=_float("SCAN_WAIT_SECONDS", 3.0),
        mail_max_attempts=_at_least("MAIL_MAX_ATTEMPTS", _int("MAIL_MAX_ATTEMPTS", 10), 1),
        mail_retry_seconds=_at_least("MAIL_RETRY_SECONDS", _int("MAIL_RETRY_SECONDS", 60), 1),
        mail_lease_seconds=_at_least("MAIL_LEASE_SECONDS", _int("MAIL_LEASE_SECONDS", 300), 60),
        # On SQLite (one machine) the app delivers mail and sends reminders itself; on PostgreSQL
        # `boa worker` does (procrastinate), unless this says otherwise.
        worker_in_process=_bool("WORKER_IN_PROCESS", is_sqlite(database_url)),
        radius_client_rate=_float("RADIUS_CLIENT_RATE", 200.0),
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()
