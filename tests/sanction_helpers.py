"""Helpers for the sanctions tests: registering breaches and walking a case to its decision."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from boa.kernel import clock
from tests.helpers import bearer, login
from tests.schemes_helpers import project_number

LABOUR = "Labour market"
HEALTH = "Health and income"


def breach(ident: str, project: str | None, *, days_ago: float = 1, **more: Any) -> dict[str, Any]:
    body = {"ident": ident, "kind": "microdata_transfer", "description": "A table with CPR numbers left the gate.",
            "occurred_at": (clock.now() - timedelta(days=days_ago)).isoformat(), "self_reported": False}
    if project is not None:
        body["project"] = project
    body.update(more)
    return body


async def register(client, staff: dict[str, str], body: dict[str, Any]) -> dict[str, Any]:
    r = await client.post("/v1/breaches", headers=staff, json=body)
    assert r.status_code == 201, r.text
    return r.json()


_directors: dict[int, dict[str, str]] = {}


def template(**more: Any) -> dict[str, Any]:
    """A report and plan in the standard template, as a person responsible for authorisation
    writes it after the seed's guide."""
    body = {"report": "On 3 March the user transferred a table with 40 rows of CPR numbers from project 700001.",
            "plan": "Meeting held, instructions revised, all users retrained.",
            "scope": "One file, 40 rows; deleted from the user's PC and mailbox the same day.",
            "current_rules": "All users take the office's course before access; transfers are reviewed by a colleague.",
            "actions_taken": "The person responsible met the user and the head of department on 5 March.",
            "user_consequences": "The user retook the course and works under supervision for three months.",
            "measures": [{"what": "Peer review of every transfer before submission", "who": "Head of department",
                          "when": "2026-03-10", "target_group": "All users at the department",
                          "status": "implemented"}]}
    body.update(more)
    return body


async def report(client, responsible: dict[str, str], case_id: str) -> None:
    r = await client.post(f"/v1/breaches/{case_id}/report", headers=responsible, json=template())
    assert r.status_code == 200, r.text


async def adequate(client, staff: dict[str, str], case_id: str) -> None:
    r = await client.post(f"/v1/breaches/{case_id}/report-assessment", headers=staff,
                          json={"adequate": True, "comment": "Adequate."})
    assert r.status_code == 200, r.text


async def prepare(client, staff: dict[str, str], case_id: str, severity: str) -> dict[str, Any]:
    r = await client.post(f"/v1/breaches/{case_id}/preparation", headers=staff,
                          json={"severity": severity, "conscious": severity == "severe", "self_detected": False,
                                "note": "Prepared for the Director General."})
    assert r.status_code == 200, r.text
    return r.json()


async def decide(client, staff: dict[str, str], responsible: dict[str, str], case_id: str,
                 severity: str, director: dict[str, str] | None = None) -> dict[str, Any]:
    """The whole guide: report, adequate, prepared by ``staff``, decided by the Director General."""
    await report(client, responsible, case_id)
    await adequate(client, staff, case_id)
    await prepare(client, staff, case_id, severity)
    if director is None:
        key = id(client)
        if key not in _directors:
            clock.travel(timedelta(seconds=31))  # a fresh TOTP step
            _directors[key] = bearer((await login(client, "DIRG"))["access_token"])
        director = _directors[key]
    r = await client.post(f"/v1/breaches/{case_id}/decision", headers=director,
                          json={"severity": severity, "comment": "Decided."})
    assert r.status_code == 200, r.text
    return r.json()


async def decision(client, staff: dict[str, str], ident: str, action: str, project: str | None = None):
    url = f"/v1/access/decision?ident={ident}&action={action}" + (f"&project={project}" if project else "")
    r = await client.get(url, headers=staff)
    assert r.status_code == 200, r.text
    return r.json()


async def labour(client, headers: dict[str, str]) -> str:
    return await project_number(client, headers, LABOUR)


def docx(text: str) -> bytes:
    """A Word document with one paragraph per line of ``text``."""
    import io

    import docx as python_docx

    document = python_docx.Document()
    for line in text.splitlines():
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def pdf() -> bytes:
    """A PDF of one blank page."""
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def with_media(document: bytes, size: int) -> bytes:
    """``document`` (a DOCX) with an image-like part of ``size`` incompressible bytes (stored, not deflated)."""
    import io
    import os
    import zipfile

    out = io.BytesIO(document)
    with zipfile.ZipFile(out, "a") as z:
        z.writestr(zipfile.ZipInfo("word/media/image1.bin"), os.urandom(size))
    return out.getvalue()
