"""Who reads the access history besides the office: the role predicate the pages' menu and door
ask (the service, :func:`boa.history.timeline.asked`, decides each question's scope)."""

from __future__ import annotations

from collections.abc import Set

from boa.history.timeline import REPORTERS


def is_history_reader(roles: Set[str]) -> bool:
    """An institution's responsible person reads the history of the institution's projects and people."""
    return bool(roles & frozenset(REPORTERS))
