"""Helpers for the transfer-gate tests: gate settings per test, uploads, raw multipart bodies."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select, update

from boa.kernel.db import transaction
from boa.kernel.models import AuditEntry
from boa.kernel.settings import get_settings
from boa.people.models import User
from boa.transfers.storage import Store, store_at
from schemes.projects.models import Project, ProjectMember

APPROVED = "Labour market"
CPR_TABLE = "kommune;cpr;beloeb\n101;070761-4285;100\n102;;200\n"
RAW_CPR = "070761-4285"
CLEAN_TABLE = "kommune;antal\n101;12\n102;40\n103;37\n"


@pytest.fixture
def gate(monkeypatch, tmp_path):
    """Point the store at this test's directory; ``gate(NAME=value)`` sets more BOA_ settings.

    An upload waits up to 60 s for its verdicts here (3 s in production): the tests of the verdicts
    read them from the upload's answer however busy the machine is; the tests of an upload answered
    ``verifying`` set ``SCAN_WAIT_SECONDS=0`` (tests/api/test_scans_off_the_request.py)."""

    def configure(**env: Any) -> Store:
        monkeypatch.setenv("BOA_TRANSFER_DIR", str(tmp_path / "store"))
        monkeypatch.setenv("BOA_SCAN_WAIT_SECONDS", "60")
        monkeypatch.setenv("BOA_REVIEW_SAMPLE_RATE", "0")
        monkeypatch.setenv("BOA_REVIEW_SAMPLE_SEED", "7")
        for key, value in env.items():
            monkeypatch.setenv(f"BOA_{key.upper()}", str(value))
        get_settings.cache_clear()
        return store_at(get_settings().transfer_store_dir)

    configure.store = configure()  # type: ignore[attr-defined]
    yield configure
    get_settings.cache_clear()


async def project_no(engine, title_part: str = APPROVED) -> str:
    async with transaction(engine) as s:
        projects = await s.scalars(select(Project))
        return str(next(p.number for p in projects if title_part in p.title))


def as_files(files: list[tuple[str, bytes | str]]) -> list[tuple[str, tuple[str, bytes, str]]]:
    return [("files", (name, data.encode() if isinstance(data, str) else data, "application/octet-stream"))
            for name, data in files]


async def upload(client, headers, number: str, files: list[tuple[str, bytes | str]]):
    return await client.post("/v1/transfers", headers=headers, data={"project": number}, files=as_files(files))


def multipart(parts: list[tuple[str, str | None, bytes]], boundary: str = "gate-boundary-1234") -> tuple[bytes, str]:
    """A multipart body built by hand, with file names exactly as given (no client escaping)."""
    out = bytearray()
    for name, filename, data in parts:
        disposition = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename is not None else "")
        out += f"--{boundary}\r\nContent-Disposition: {disposition}\r\n".encode()
        if filename is not None:
            out += b"Content-Type: application/octet-stream\r\n"
        out += b"\r\n" + data + b"\r\n"
    out += f"--{boundary}--\r\n".encode()
    return bytes(out), f"multipart/form-data; boundary={boundary}"


async def post_raw(client, headers, body: bytes, content_type: str):
    return await client.post("/v1/transfers", headers={**headers, "content-type": content_type}, content=body)


async def audit_actions(engine, subject_prefix: str = "") -> list[str]:
    async with transaction(engine) as s:
        rows = await s.scalars(select(AuditEntry).order_by(AuditEntry.seq))
        return [r.action for r in rows if r.subject.startswith(subject_prefix)]


async def set_member_state(engine, number: str, ident: str, state: str) -> None:
    async with transaction(engine) as s:
        project = await s.scalar(select(Project).where(Project.number == int(number)))
        user_id = await s.scalar(select(User.id).where(User.ident == ident))
        await s.execute(update(ProjectMember).where(ProjectMember.project_id == project.id,
                                                    ProjectMember.user_id == user_id).values(state=state))


def incoming_files(store: Store) -> list[str]:
    return sorted(p.name for p in store.incoming_dir.iterdir())
