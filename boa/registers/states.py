"""A register's lifecycle (SPEC 3.1 "Data content"). Pure.

- A register is added ``unreleased`` (announced, not yet released: only project databases and
  authority schemes may order it) or ``released``.
- Research Services release an unreleased register.
- A released register is ``closed`` with its last year (which may lie a few years ahead: "will be
  closed"). Closing is final: its data stay in the catalogue and can still be ordered.

A closed register keeps that it was released; ``released`` in the API is "not unreleased"."""

from __future__ import annotations

from enum import StrEnum

from boa.kernel.lifecycle import Lifecycle


class RegisterState(StrEnum):
    UNRELEASED = "unreleased"
    RELEASED = "released"
    CLOSED = "closed"


S = RegisterState

REGISTER = Lifecycle.open_to_all("register", RegisterState, [
    (S.UNRELEASED, S.RELEASED),
    (S.RELEASED, S.CLOSED),
])


def is_released(state: str) -> bool:
    return state != RegisterState.UNRELEASED
