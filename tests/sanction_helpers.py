"""Helpers for the sanctions tests: registering breaches and walking a case to its decision."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from boa.kernel import clock
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


async def report(client, responsible: dict[str, str], case_id: str) -> None:
    r = await client.post(f"/v1/breaches/{case_id}/report", headers=responsible,
                          json={"report": "The user exported a raw table.",
                                "plan": "All users at the department retook the course on 1 March."})
    assert r.status_code == 200, r.text


async def decide(client, staff: dict[str, str], responsible: dict[str, str], case_id: str,
                 severity: str) -> dict[str, Any]:
    await report(client, responsible, case_id)
    r = await client.post(f"/v1/breaches/{case_id}/decision", headers=staff,
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
