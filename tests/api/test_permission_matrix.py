"""Every route of the app × every role: allowed or denied as ``tests/api/permission_matrix.py`` says.

The routes come from the app's router, so a new route without an entry in the matrix fails here
by name. Each request runs in a transaction that is rolled back afterwards, so every (route,
role) pair sees the same demo data whatever the pairs before it did. "Denied" is 401, 403 or
404; anything else (a 422 for the sample body, a 409 for the object's state) got past the gate.

``BOA_MATRIX_PRINT=1`` prints the observed matrix as entries to paste."""

from __future__ import annotations

import os
import random
import re
from contextlib import asynccontextmanager

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from boa.kernel import clock
from boa.kernel.db import transaction
from boa.people import certification_rules as rules
from boa.people.models import Association, AuthorisationAgreement, CertificationAttempt, Institution, User
from schemes.authority.models import AuthorityScheme
from schemes.project_database.models import ProjectDatabase
from tests.api.permission_matrix import DENIED, MATRIX, PUBLIC, ROLES, Rule
from tests.commission_helpers import delivered_commission
from tests.helpers import bearer
from tests.sanction_helpers import breach
from tests.schemes_helpers import make_user, project_number
from tests.transfer_helpers import CPR_TABLE, upload
from tokens.models import Token
from tokens.service_clients import create_client

IDENTS = {"staff": "STAF", "sanctions_staff": "SANC", "director_general": "DIRG", "head_of_division": "CHEF", "responsible": "RESP", "substitute": "SUBS", "administrator": "ADMN",
          "signatory": "SIGN", "contact_person": "RESA", "researcher": "RESB", "pdb_manager": "PDBM",
          "authority_admin": "AUAD"}


def app_routes(app) -> list[tuple[str, str]]:
    """(METHOD, path) for every route handler of the app, path parameters without their types."""
    out = []
    for route in app.routes:
        for method in sorted(getattr(route, "methods", ())):
            if method in ("OPTIONS", "HEAD"):
                continue
            out.append((method, re.sub(r"\{(\w+):[^}]+\}", r"{\1}", route.path)))
    return out


@asynccontextmanager
async def rolled_back(app, engine):
    """Requests inside share one connection whose transaction is rolled back at the end."""
    key = app.state.boa_alchemy.session_maker_app_state_key
    original = app.state[key]
    async with engine.connect() as conn:
        outer = await conn.begin()
        app.state[key] = lambda: AsyncSession(bind=conn, expire_on_commit=False,
                                              join_transaction_mode="create_savepoint")
        try:
            yield
        finally:
            app.state[key] = original
            await outer.rollback()


async def _world(client, as_user, engine) -> tuple[dict[str, dict[str, str]], dict[str, str]]:
    """Headers per role, and the demo's path parameters (plus a few objects made for the test)."""
    headers = {role: await as_user(ident) for role, ident in IDENTS.items()}
    headers["anonymous"] = {}
    async with transaction(engine) as s:
        registered = await create_client(s, "matrix", ["access:decide"], actor="system:test")
        inst = {i.authorisation_number: str(i.id) for i in await s.scalars(select(Institution))}
        agreement = await s.scalar(select(AuthorisationAgreement.id).where(
            AuthorisationAgreement.institution_id == int(inst[101])))
        resb = await s.scalar(select(User).where(User.ident == "RESB"))
        token = await s.scalar(select(Token.id).where(Token.user_id == resb.id))
        pdb = await s.scalar(select(ProjectDatabase.id))
        scheme = await s.scalar(select(AuthorityScheme.id))
        attempt = CertificationAttempt(user_id=resb.id, attempted_at=clock.now(), questions=rules.bank().per_attempt,
                                       shown=rules.draw(rules.bank(), random.Random(0)))
        s.add(attempt)
        await s.flush()
    r = await client.post("/v1/oauth/token", data={"grant_type": "client_credentials",
                                                   "client_id": registered.client.client_id,
                                                   "client_secret": registered.secret})
    assert r.status_code == 200, r.text
    headers["service_client"] = bearer(r.json()["access_token"])
    # A pending user request and a pending association at institution 101, made by its administrator.
    r = await client.post(f"/v1/institutions/{inst[101]}/user-requests", headers=headers["administrator"],
                          json={"name": "Requested Person", "email": "requested@demo.boa.example"})
    assert r.status_code in (200, 201), r.text
    request_id = r.json()["id"]
    r = await client.post(f"/v1/institutions/{inst[101]}/associations", headers=headers["administrator"],
                          json={"ident": "AUAN"})
    assert r.status_code in (200, 201), r.text
    async with transaction(engine) as s:
        association = await s.scalar(select(Association.id).where(Association.state == "pending"))
    number = await project_number(client, headers["staff"], "Labour market careers")
    # A transfer by the researcher, and a breach case (with its locks) about a user nobody else is.
    r = await upload(client, headers["researcher"], number, [("t.txt", CPR_TABLE)])
    assert r.status_code == 201, r.text
    transfer = r.json()
    tid, fid = transfer["id"], transfer["files"][0]["id"]
    r = await client.put(f"/v1/transfers/{tid}/files/{fid}/note", headers=headers["researcher"],
                         json={"text": "An aggregated table."})
    assert r.status_code == 200, r.text
    r = await client.post(f"/v1/transfers/{tid}/submit", headers=headers["researcher"], json={"approve": True})
    assert r.status_code == 200, r.text
    await make_user(engine, "MTRX", 101)
    r = await client.post("/v1/breaches", headers=headers["sanctions_staff"], json=breach(
        "MTRX", None, institution_id=inst[101], scheme="researcher"))
    assert r.status_code == 201, r.text
    case = r.json()
    commission = await delivered_commission(client, headers["contact_person"], headers["staff"])
    params = {
        "institution_id": inst[101], "agreement_id": str(agreement), "ident": "RESB", "role": "signatory",
        "request_id": str(request_id), "association_id": str(association), "token_id": str(token),
        "number": number, "transfer_id": transfer["id"], "file_id": transfer["files"][0]["id"],
        "case_id": case["id"], "lock_id": case["locks"][0]["id"], "decision": "approve", "file_path": "boa.css",
        "pdb_id": str(pdb), "scheme_id": str(scheme), "path": "openapi.yaml",
        "institution_201": inst[201], "institution_301": inst[301], "attempt_id": str(attempt.id),
        "commission_id": commission,
    }
    return headers, params


def sent_to_login(response) -> bool:  # type: ignore[no-untyped-def]
    """A page that redirects to the login page denied the caller as a 401 would."""
    return 300 <= response.status_code < 400 and "/login" in response.headers.get("location", "")


def _fill(template: str, params: dict[str, str]) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: params[m.group(1)], template)


def _body(value, params):  # type: ignore[no-untyped-def]
    if isinstance(value, str):
        return _fill(value, params)
    if isinstance(value, dict):
        return {k: _body(v, params) for k, v in value.items()}
    if isinstance(value, list):
        return [_body(v, params) for v in value]
    return value


async def _call(client, method: str, path: str, rule: Rule, headers: dict[str, str], params: dict[str, str]):
    url = _fill(path, {**params, **rule.params})
    kwargs: dict = {"headers": {**headers, **(rule.headers or {})}}
    if rule.query:
        kwargs["params"] = _body(rule.query, params)
    if rule.files is not None:
        kwargs["files"] = [("files", (name, data.encode(), "text/plain")) for name, data in rule.files]
    if rule.form is not None:
        kwargs["data"] = _body(rule.form, params)
    elif method in ("POST", "PUT", "PATCH"):
        kwargs["json"] = _body(rule.body if rule.body is not None else {}, params)
    return await client.request(method, url, **kwargs)


async def test_every_route_allows_and_denies_as_the_matrix_says(app, client, as_user, db):
    routes = app_routes(app)
    keys = [f"{m} {p}" for m, p in routes]
    missing = [k for k in keys if k not in MATRIX]
    assert not missing, ("Routes without an entry in tests/api/permission_matrix.py (add one line each "
                         "saying which roles may use them):\n  " + "\n  ".join(missing))
    stale = [k for k in MATRIX if k not in keys]
    assert not stale, "Entries in tests/api/permission_matrix.py for routes that no longer exist:\n  " + "\n  ".join(stale)

    headers, params = await _world(client, as_user, db)
    observed: dict[str, set[str]] = {}
    wrong: list[str] = []
    for (method, path), key in zip(routes, keys, strict=True):
        rule = MATRIX[key]
        observed[key] = set()
        for role in ROLES:
            async with rolled_back(app, db):
                r = await _call(client, method, path, rule, headers[role], params)
            assert r.status_code < 500, f"{key} as {role}: {r.status_code} {r.text[:300]}"
            allowed = r.status_code not in DENIED and not sent_to_login(r)
            if allowed:
                observed[key].add(role)
            if allowed != (role in rule.allowed):
                wrong.append(f"{key} as {role}: {r.status_code} {r.text[:160]!r} "
                             f"(expected {'allow' if role in rule.allowed else 'deny'})")
    if os.environ.get("BOA_MATRIX_PRINT"):
        for key, roles in observed.items():
            print(f'    "{key}": {sorted(roles)},')
    assert not wrong, f"{len(wrong)} (route, role) pairs differ from the matrix:\n  " + "\n  ".join(wrong)


def test_nothing_but_the_public_routes_is_open_to_anonymous_callers():
    """The matrix itself may not grant anonymous access beyond login, the OAuth token endpoint,
    the JWKS, health and the OpenAPI document."""
    opened = [k for k, rule in MATRIX.items() if "anonymous" in rule.allowed]
    assert opened and all(PUBLIC.match(k.split(" ", 1)[1]) for k in opened), opened
