"""Every lifecycle as data: each edge in its table is taken (by whom it names), every pair not in
the table is refused with 409 ``invalid_transition`` or the service's own refusal, and the
stored values are the strings the database already holds."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from boa.kernel.errors import Conflict, InvalidTransition
from boa.kernel.lifecycle import Lifecycle
from boa.people import states as people
from boa.registers import states as registers
from boa.sanctions import states as sanctions
from boa.transfers import states as transfers
from schemes.authority import states as authority
from schemes.project_database import states as project_database
from schemes.projects import states as projects
from tokens import states as tokens

LIFECYCLES: dict[str, Lifecycle] = {
    "association": people.ASSOCIATION,
    "user request": people.USER_REQUEST,
    "agreement": people.AGREEMENT,
    "token": tokens.TOKEN,
    "case": sanctions.CASE,
    "report": sanctions.REPORT,
    "transfer": transfers.TRANSFER,
    "transfer file": transfers.FILE,
    "review": transfers.REVIEW,
    "project database": project_database.PROJECT_DATABASE,
    "purpose description": authority.PURPOSE,
    "authority agreement": authority.AGREEMENT,
    "membership": projects.MEMBERSHIP,
    "register": registers.REGISTER,
}

STORED = {
    "association": ("pending", "approved", "refused", "ended"),
    "user request": ("pending", "approved", "refused"),
    "agreement": ("active", "terminated"),
    "token": ("requested", "approved", "shipped", "enrolled", "active", "disabled", "revoked", "lost"),
    "case": ("open", "prepared", "decided", "dismissed", "guidance"),
    "report": ("requested", "submitted", "adequate", "returned", "not_required"),
    "transfer": ("verifying", "ready", "transferred"),
    "transfer file": ("verifying", "staged", "rejected", "transferred", "deleted"),
    "review": ("pending", "ok", "suspected_breach", "disclosure_control"),
    "project database": ("active", "closed"),
    "purpose description": ("upcoming", "current", "superseded"),  # computed; no expiry (issue 16)
    "authority agreement": ("draft", "signed", "active", "terminated"),
    "membership": ("requested", "pending", "active", "ended"),
    "register": ("unreleased", "released", "closed"),
}

EDGES = [(name, old, new) for name, table in LIFECYCLES.items() for old, new in table.edges]
NOT_EDGES = [(name, old, new) for name, table in LIFECYCLES.items()
             for old, new in itertools.product(table.states, table.states) if (old, new) not in table.edges]


@pytest.mark.parametrize("name", LIFECYCLES)
def test_the_states_are_the_stored_strings(name):
    assert tuple(s.value for s in LIFECYCLES[name].states) == STORED[name]


@pytest.mark.parametrize(("name", "old", "new"), EDGES)
def test_each_edge_is_taken_by_whom_it_names(name, old, new):
    table = LIFECYCLES[name]
    who = table.who(old, new)
    assert table.move(old.value, new) is new
    for one in who or ("anyone",):
        assert table.move(old.value, new, who={one}) is new
    if who:
        with pytest.raises(InvalidTransition):
            table.move(old.value, new, who={"somebody else"})
    assert old in table.sources(new) and new in table.targets(old.value)


@pytest.mark.parametrize(("name", "old", "new"), NOT_EDGES)
def test_a_pair_not_in_the_table_is_refused(name, old, new):
    table = LIFECYCLES[name]
    with pytest.raises(InvalidTransition) as err:
        table.move(old.value, new)
    assert (err.value.status, err.value.code) == (409, "invalid_transition")
    with pytest.raises(Conflict) as own:
        table.move(old.value, new, refuse=Conflict("kept", code="service_code"))
    assert (own.value.code, own.value.detail) == ("service_code", "kept")


@pytest.mark.parametrize("name", LIFECYCLES)
def test_an_unknown_state_is_refused(name):
    table = LIFECYCLES[name]
    with pytest.raises(InvalidTransition):
        table.move("no such state", next(iter(table.states)))
    assert not table.allows(next(iter(table.states)), "no such state")


def test_association_who_and_open_states():
    A = people.AssociationState
    assert people.OPEN_ASSOCIATION_STATES == (A.PENDING, A.APPROVED)
    from boa.people.models import OPEN_ASSOCIATION
    assert OPEN_ASSOCIATION == f"state IN ({', '.join(repr(s.value) for s in people.OPEN_ASSOCIATION_STATES)})"
    assert people.ASSOCIATION.who(A.PENDING, A.APPROVED) == {"responsible", "substitute"}
    assert people.ASSOCIATION.allows("approved", "ended", {people.SELF})
    assert not people.ASSOCIATION.allows("pending", "approved", {"administrator"})


def test_an_open_membership_is_one_not_ended():
    assert projects.OPEN_STATES == ("requested", "pending", "active")


def test_token_kinds_take_their_own_edges():
    T, K = tokens.TokenState, tokens.TokenKind
    assert tokens.TOKEN.allows("requested", "approved", {K.PHYSICAL})
    assert not tokens.TOKEN.allows("enrolled", "approved", {K.TOTP})
    assert tokens.TOKEN.sources(T.SHIPPED, {K.PHYSICAL}) == (T.REQUESTED, T.APPROVED)
    assert tokens.TOKEN.sources(T.ACTIVE, {K.SMS}) == (T.ENROLLED, T.DISABLED)
    # Revoked and lost are final; everything else ends by each verb.
    assert tokens.TOKEN.targets("revoked") == () and tokens.TOKEN.targets("lost") == ()
    for state in set(T) - {T.REVOKED, T.LOST}:
        assert set(tokens.ENDS.values()) <= set(tokens.TOKEN.targets(state))
    assert tokens.first_code_activates("totp", "enrolled") and tokens.first_code_activates("physical", "shipped")
    # An SMS token is enrolled until the code sent to it is typed back (at login or by activating it).
    assert tokens.first_code_activates("sms", "enrolled")
    assert not tokens.first_code_activates("sms", "active") and not tokens.first_code_activates("physical", "approved")
    assert all(tokens.TOKEN.allows(s, T.ACTIVE, {k}) for k, s in tokens.FIRST_CODE_ACTIVATES)


def test_a_report_is_taken_until_judged_adequate_and_never_on_a_dismissed_case():
    assert sanctions.takes_report("open", "requested") and sanctions.takes_report("decided", "returned")
    assert sanctions.takes_report("open", "submitted") and sanctions.takes_report("open", None)
    assert not sanctions.takes_report("open", "adequate") and not sanctions.takes_report("dismissed", "requested")
    R = sanctions.ReportState
    assert sanctions.REPORT.sources(R.SUBMITTED) == (R.REQUESTED, R.SUBMITTED, R.RETURNED)
    C = sanctions.CaseState
    assert sanctions.CASE.sources(C.DISMISSED) == (C.OPEN, C.PREPARED)
    # The guide's walk: prepared only from open (or prepared again), decided only when prepared.
    assert sanctions.CASE.sources(C.PREPARED) == (C.OPEN, C.PREPARED)
    assert sanctions.CASE.sources(C.DECIDED) == (C.PREPARED,)
    assert not sanctions.CASE.targets(C.GUIDANCE) and not sanctions.REPORT.targets(R.NOT_REQUIRED)
    assert [sanctions.stage("open", r) for r in ("requested", "submitted", "returned", "adequate")] == [
        "report_requested", "report_submitted", "report_returned", "adequate"]
    assert sanctions.stage("prepared", "adequate") == "prepared"


def test_the_check_constraints_list_the_stored_values():
    from boa.sanctions.models import BreachCase, Lock

    checks = {c.name: str(c.sqltext) for t in (BreachCase.__table__, Lock.__table__) for c in t.constraints
              if c.name in ("ck_breach_cases_breach_state", "ck_breach_cases_breach_report_state", "ck_locks_lock_scope")}
    assert checks == {
        "ck_breach_cases_breach_state": "state IN ('open', 'prepared', 'decided', 'dismissed', 'guidance')",
        "ck_breach_cases_breach_report_state":
            "report_state IN ('requested', 'submitted', 'adequate', 'returned', 'not_required')",
        "ck_locks_lock_scope": "scope IN ('user', 'project', 'institution', 'scheme')"}


def test_the_transfer_gate_refuses_as_before():
    with pytest.raises(InvalidTransition) as err:
        transfers.FILE.move("staged", transfers.FileState.DELETED)
    assert err.value.detail == "A file cannot go from staged to deleted."
    assert err.value.extra == {"old": "staged", "new": "deleted"}
    assert transfers.REVIEW_OUTCOMES == ("ok", "suspected_breach", "disclosure_control")


@dataclass(eq=False)
class Version:
    version: int
    valid_from: date


def _versions(*starts: tuple[int, int, int]) -> list[Version]:
    return [Version(n, date(*s)) for n, s in enumerate(starts, start=1)]


SCENARIOS = [
    [(2025, 1, 1)],  # one version: upcoming, then current for good (no fixed period)
    [(2025, 1, 1), (2025, 6, 1)],  # a new version supersedes the current one
    [(2025, 1, 1), (2026, 3, 1)],  # a changed need years later
    [(2025, 1, 1), (2025, 6, 1), (2025, 6, 1)],  # two versions starting the same day
]


def test_a_purpose_description_moves_day_by_day_along_the_table_and_takes_every_edge():
    taken = set()
    for starts in SCENARIOS:
        purposes = _versions(*starts)
        day, last = date(2024, 12, 30), date(2027, 6, 1)
        seen = {id(p): authority.purpose_state(p, purposes, day) for p in purposes}
        while day < last:
            day += timedelta(days=1)
            for p in purposes:
                now = authority.purpose_state(p, purposes, day)
                if now != seen[id(p)]:
                    authority.PURPOSE.move(seen[id(p)], now)  # raises on a move not in the table
                    taken.add((seen[id(p)], now))
                    seen[id(p)] = now
            assert sum(s is authority.PurposeState.CURRENT for s in seen.values()) <= 1
    assert taken == set(authority.PURPOSE.edges)
