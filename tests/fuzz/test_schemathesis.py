"""Fuzzing BOA's own OpenAPI document with schemathesis, as staff (STAF) and as a researcher
(RESA), through the ASGI app on the test database with the demo loaded: no answer may be a
5xx, and every answer must match the document (status code, content type, body schema,
headers). Bounded: ``BOA_FUZZ_EXAMPLES`` generated cases per operation (default 15), each
sent as both users. Defects it found have regular tests in tests/api/test_hardening_regressions.py."""

from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import select

from boa.app import create_app
from boa.kernel.db import transaction
from boa.people.models import User
from tests.conftest import empty_database
from tests.helpers import bearer
from tokens.sessions import open_session

pytestmark = pytest.mark.fuzz
EXAMPLES = int(os.environ.get("BOA_FUZZ_EXAMPLES", "15"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          response_headers_conformance]


# Loaded at import: schemathesis' lazy ``from_fixture`` loader does not work with pytest 9. The app
# has its own engine (the test database), which connects on schemathesis' own event loop.
APP = create_app()
schema = schemathesis.openapi.from_asgi("/schema/openapi.json", APP)


@pytest.fixture(scope="module")
async def fuzz_demo(engine):
    """The demo, loaded once for the module."""
    from boa.demo import load_demo

    await empty_database(engine)
    await load_demo(engine)


@pytest.fixture
async def fuzz_sessions(fuzz_demo, engine) -> dict[str, dict[str, str]]:
    """Fresh sessions for every operation (a fuzzed logout or forced logout may end the last ones)."""
    out = {}
    async with transaction(engine) as s:
        for ident in ("STAF", "RESA"):
            user = await s.scalar(select(User).where(User.ident == ident))
            out[ident] = bearer((await open_session(s, user)).token)
    return out


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
          phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
def test_no_server_errors_and_answers_match_the_document(case, fuzz_sessions):
    for who in ("STAF", "RESA"):
        case.call_and_validate(headers=fuzz_sessions[who], checks=CHECKS)
