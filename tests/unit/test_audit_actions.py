"""The audit log's vocabulary is one enum: every ``audit.record`` in the application names a member
(never a string, never one built on the spot), every member is written somewhere, and the stored
strings are the ones the log has always held."""

from __future__ import annotations

import ast
import asyncio
from pathlib import Path

import pytest

from boa.kernel import audit
from boa.kernel.audit_actions import AuditAction

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("boa", "tokens", "schemes", "api", "admin_ui")
VOCABULARY = ROOT / "boa" / "kernel" / "audit_actions.py"


def _modules() -> list[tuple[Path, ast.Module]]:
    return [(path, ast.parse(path.read_text(), str(path)))
            for package in PACKAGES for path in sorted((ROOT / package).rglob("*.py")) if path != VOCABULARY]


def _is_record(call: ast.Call) -> bool:
    func = call.func
    return isinstance(func, ast.Attribute) and func.attr == "record" and \
        isinstance(func.value, ast.Name) and func.value.id == "audit"


def _names_written() -> set[str]:
    return {node.attr for _, tree in _modules() for node in ast.walk(tree)
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "AuditAction"}


def test_every_record_names_a_member_not_a_string():
    calls, strings = 0, []
    for path, tree in _modules():
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and _is_record(node)):
                continue
            calls += 1
            action = next((k.value for k in node.keywords if k.arg == "action"), None)
            if action is None or any(isinstance(n, ast.Constant | ast.JoinedStr | ast.BinOp) for n in ast.walk(action)):
                strings.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert calls > 60
    assert strings == []


def test_every_member_is_written_somewhere():
    assert {a.name for a in AuditAction} - _names_written() == set()


def test_record_refuses_a_plain_string():
    with pytest.raises(TypeError):
        asyncio.run(audit.record(None, actor="system:test", action="made.up", subject="nothing"))  # type: ignore[arg-type]  # the point of the test


def test_the_stored_strings_are_unchanged():
    values = {a.value for a in AuditAction}
    assert len(values) == len(AuditAction) == 132
    assert {"login.failed.pin", "login.failed.code", "access.denied.login", "access.denied.project_access",
            "access.denied.transfer", "user.pin_set.activate", "user.pin_set.reset", "user_request.approved",
            "user_request.refused", "association.approved", "association.refused", "token.revoke",
            "token.disable", "token.lost", "logout", "transfers.swept", "transfer.file.store", "grant.refused.own"} <= values


def test_the_families_cover_their_sources():
    """The mappings that name one of a family cover every case they are asked for."""
    from boa.kernel.access import ACTIONS
    from boa.kernel.decisions import DENIED
    from tokens.activation import PIN_SET
    from tokens.service import ENDED_BY
    from tokens.states import ENDS

    assert set(DENIED) == set(ACTIONS)
    assert set(ENDED_BY) == set(ENDS)
    purposes = {node.args[2].value for _, tree in _modules() for node in ast.walk(tree)
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "issue"
                and isinstance(node.func.value, ast.Name) and node.func.value.id == "activation_codes"}
    assert purposes == set(PIN_SET) == {"activate", "reset"}
