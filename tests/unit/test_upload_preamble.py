"""The streaming reader's preamble: text fields a caller checks before the project (the pages'
CSRF token), refused when missing, repeated or late; nothing is received before the check."""

from __future__ import annotations

import pytest

from boa.kernel.errors import PermissionDenied, ValidationFailed
from boa.transfers.storage import Store
from boa.transfers.upload import Limits, Preamble, read_upload
from tests.transfer_helpers import multipart

LIMITS = Limits(max_file_bytes=10_000, max_transfer_bytes=20_000, max_files=3)


def _check(fields: dict[str, str]) -> None:
    if fields.get("csrf_token") != "good":
        raise PermissionDenied("The form has expired.", code="csrf_failed")


async def _read(parts, store: Store):
    body, ctype = multipart(parts)
    projects: list[str] = []

    async def chunks():
        for i in range(0, len(body), 50):
            yield body[i:i + 50]

    async def on_project(value: str) -> None:
        projects.append(value)

    upload = await read_upload(chunks(), ctype.split("boundary=")[1], store=store, limits=LIMITS,
                               on_project=on_project, preamble=Preamble(("csrf_token",), _check))
    return upload, projects


async def test_the_token_is_checked_before_the_project(tmp_path):
    store = Store(tmp_path)
    upload, projects = await _read([("csrf_token", None, b"good"), ("project", None, b"700001"),
                                    ("files", "a/b.txt", b"x\n"), ("files", "", b"")], store)
    assert projects == ["700001"] and [f.name for f in upload.files] == ["a/b.txt"]
    for f in upload.files:
        f.incoming.abort()


@pytest.mark.parametrize(("parts", "error", "code"), [
    ([("csrf_token", None, b"bad"), ("project", None, b"700001"), ("files", "a.txt", b"x")],
     PermissionDenied, "csrf_failed"),
    ([("project", None, b"700001"), ("files", "a.txt", b"x")], PermissionDenied, "csrf_failed"),
    ([("csrf_token", None, b"good"), ("csrf_token", None, b"good"), ("project", None, b"1")],
     ValidationFailed, "project_first"),
    ([("csrf_token", None, b"good"), ("project", None, b"1"), ("csrf_token", None, b"good")],
     ValidationFailed, "project_first"),
])
async def test_a_missing_wrong_or_misplaced_token_refuses_the_upload(tmp_path, parts, error, code):
    store = Store(tmp_path)
    with pytest.raises(error) as raised:
        await _read(parts, store)
    assert raised.value.code == code
    assert list(store.incoming_dir.iterdir()) == []
