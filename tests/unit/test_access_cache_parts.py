"""The access cache's parts (boa/kernel/access_cache.py): a person's facts kept per user and a
project's per project, put together into the facts the loaders give, each dropped by the keys
a change names."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from boa.kernel import access_cache
from boa.kernel.access import Facts, LockFact, ProjectFact, decide
from boa.kernel.access_cache import AccessCache, PersonFacts, ProjectFacts, combine, person_keys, project_keys

NOW = datetime(2026, 11, 30, 12, tzinfo=UTC)


class _Listening:
    """As a worker that hears its change notices."""

    def usable(self) -> bool:
        return True


@pytest.fixture
def cache(monkeypatch) -> AccessCache:  # type: ignore[no-untyped-def]
    """A cache that hears its notices, apart from the machine's stamp (another test may have opened it)."""
    monkeypatch.setattr(access_cache, "_STAMP", None)
    made = AccessCache(max_age=60)
    made._source = _Listening()
    return made


def _person(locks: tuple[LockFact, ...] = (), **memberships: str) -> PersonFacts:
    facts = Facts(now=NOW, ident="RESA", exists=True, user_id=5, active=True, activated=True,
                  certification_expires_at=datetime(2027, 1, 1, tzinfo=UTC), accepted_user_agreement=True,
                  approved_associations=1, has_active_token=True, locks=locks)
    return PersonFacts(facts, {int(p): state for p, state in memberships.items()})


def _project(locks: tuple[LockFact, ...] = ()) -> ProjectFacts:
    return ProjectFacts(ProjectFact(id=7, number="708001", institution_id=3, scheme="researcher", state="approved",
                                    approved=True, end_date=None, deleted=False, is_member=False), locks)


def _lock(id_: int, scope: str) -> LockFact:
    return LockFact(id=str(id_), scope=scope, case_id=None, until=None)


def test_the_parts_make_the_loaders_facts():
    assert decide("project_access", combine(_person(**{"7": "active"}), _project())).allowed
    assert combine(_person(**{"7": "pending"}), _project()).project.membership_pending  # type: ignore[union-attr]
    assert [r.code for r in decide("project_access", combine(_person(**{"8": "active"}), _project())).reasons] \
        == ["not_member"]
    # The locks of both parts, once each, in the loaders' order (by id).
    facts = combine(_person((_lock(2, "user"), _lock(11, "project"))), _project((_lock(9, "institution"),
                                                                                 _lock(11, "project"))))
    assert [lock.id for lock in facts.locks] == ["2", "9", "11"]
    assert combine(_person((_lock(2, "user"),)), None).locks == (_lock(2, "user"),)


def test_a_change_drops_the_entries_it_names(cache):
    person, project = _person(), _project()
    cache.put(("person", "RESA"), person, cache.generation, person_keys(person))
    cache.put(("project", "708001"), project, cache.generation, project_keys(project, "708001"))
    cache.invalidate(["m:6:7", "u:6", "p:8", "i:4", "s:3:authority"])  # another user's, other projects'
    assert cache.get(("person", "RESA")) is person and cache.get(("project", "708001")) is project
    cache.invalidate(["m:5:9"])  # a membership of the user: the person's entry holds the memberships
    assert cache.get(("person", "RESA")) is None and cache.get(("project", "708001")) is project
    cache.invalidate(["s:3:researcher"])  # a lock on the scheme at the institution
    assert cache.get(("project", "708001")) is None


def test_a_read_is_kept_unless_a_change_meanwhile_named_it(cache):
    """A change noticed while a part was read drops it only if it names one of its keys (a lock
    on another user every second must not throw away every read in flight)."""
    person, project = _person(), _project()
    generation = cache.generation
    cache.invalidate(["u:6", "m:6:7"])  # another user, and that user's membership of the project
    cache.put(("person", "RESA"), person, generation, person_keys(person))
    cache.put(("project", "708001"), project, generation, project_keys(project, "708001"))
    assert cache.get(("person", "RESA")) is person and cache.get(("project", "708001")) is project
    for change in (["m:5:9"], ["i:3"], None):  # RESA's membership; the project's institution; everything
        generation = cache.generation
        cache.invalidate(change)
        cache.put(("person", "RESA"), person, generation, person_keys(person))
        cache.put(("project", "708001"), project, generation, project_keys(project, "708001"))
        assert (cache.get(("person", "RESA")) is None) is (change != ["i:3"])
        assert (cache.get(("project", "708001")) is None) is (change != ["m:5:9"])
    generation = cache.generation
    for n in range(1025):  # more changes than are remembered: not kept
        cache.invalidate([f"u:{1000 + n}"])
    cache.put(("person", "RESA"), person, generation, person_keys(person))
    assert cache.get(("person", "RESA")) is None
