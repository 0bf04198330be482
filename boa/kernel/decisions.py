"""Loads the facts the access decision needs and audits denials.

The facts come from the loaders the composition root installs, in their order
(:attr:`boa.kernel.extensions.Extensions.fact_loaders`): the person (identity), the project
(schemes), the locks (sanctions). Each loader gets the facts so far and returns them extended."""

from __future__ import annotations

from collections.abc import Callable, MutableMapping
from dataclasses import replace
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from boa.kernel import audit, clock, extensions
from boa.kernel.access import Decision, FactRequest, Facts, decide
from boa.kernel.access_cache import (
    PROJECT_ACTIONS,
    AccessCache,
    PersonFacts,
    ProjectFacts,
    combine,
    fact_keys,
    person_keys,
    project_keys,
)
from boa.kernel.audit_actions import AuditAction
from boa.kernel.db import keep_on_error
from boa.kernel.domain import normalise_ident
from boa.kernel.errors import AccessDenied
from boa.kernel.extensions import GatewayFacts

# A denial is audited per action of boa.kernel.access.ACTIONS.
DENIED: dict[str, AuditAction] = {
    "portal": AuditAction.ACCESS_DENIED_PORTAL,
    "login": AuditAction.ACCESS_DENIED_LOGIN,
    "project_access": AuditAction.ACCESS_DENIED_PROJECT_ACCESS,
    "transfer": AuditAction.ACCESS_DENIED_TRANSFER,
}


async def load_facts(session: AsyncSession, ident: str, action: str, project: str | None = None, *,
                     user: object | None = None) -> Facts:
    """The facts for ``ident``; a caller that has just loaded the user passes it to save a query."""
    facts = Facts(now=clock.now(), ident=normalise_ident(ident) or ident)
    request = FactRequest(action=action, project=project, known_user=user)
    for loader in extensions.current().fact_loaders:
        facts = await loader(session, facts, request)
    return facts


async def decision_for(session: AsyncSession, ident: str, action: str, project: str | None = None, *,
                       actor: str = "system:boa", record_denial: bool = True, user: object | None = None) -> Decision:
    """The decision for ``ident`` from the database: what the gates that act on it (a login, a
    transfer's submission, the pages) use, in the transaction that acts."""
    facts = await load_facts(session, ident, action, project, user=user)
    decision = decide(action, facts)
    if not decision.allowed and record_denial:
        await _record_denial(session, actor, action, project, facts, decision)
    return decision


def require_allowed(decision: Decision) -> None:
    """A denial becomes :class:`AccessDenied` with the decision's reasons (the one way every gate
    refuses)."""
    if not decision.allowed:
        raise AccessDenied("Access denied: " + " ".join(r.message for r in decision.reasons),
                           [r.as_dict() for r in decision.reasons])


async def enforce(session: AsyncSession, ident: str, action: str, project: str | None = None, *,
                  actor: str = "system:boa", user: object | None = None) -> Decision:
    """The decision for a gate that acts on it: a denial is audited, kept though the request is
    refused (:func:`boa.kernel.db.keep_on_error`), and raised as :class:`AccessDenied`."""
    facts = await load_facts(session, ident, action, project, user=user)
    return await enforce_facts(session, facts, action, project, actor=actor)


async def enforce_facts(session: AsyncSession, facts: Facts, action: str, project: str | None = None, *,
                        actor: str = "system:boa") -> Decision:
    """:func:`enforce` on facts already loaded (one load serves the portal and the login decision)."""
    decision = decide(action, facts)
    if not decision.allowed:
        await _record_denial(session, actor, action, project, facts, decision)
        keep_on_error(session)
        require_allowed(decision)
    return decision


async def gateway_decision(cache: AccessCache, session: Callable[[], AsyncSession], ident: str, action: str,
                           project: str | None, *, actor: str, request: MutableMapping[str, Any] | None = None
                           ) -> Decision:
    """The decision the gateways ask for, from the facts in ``cache`` (with the time set to now)
    where it holds them. With the one statement the composition root installs
    (:attr:`boa.kernel.extensions.Extensions.gateway_facts`) the cache keeps the person's part per
    user and the project's per project (:class:`boa.kernel.access_cache.PersonFacts`,
    :class:`~boa.kernel.access_cache.ProjectFacts`): a miss reads what is missing in one
    statement, and each part is kept under the keys of what it was read from. ``session`` is called
    only when the database must be read (a miss) or written (a denial is audited)."""
    parts = extensions.current().gateway_facts
    if parts is None:
        def keys(found: Facts) -> frozenset[str]:
            return fact_keys(found, action, project)

        facts = await cache.fetch(("facts", normalise_ident(ident) or ident, action, project or None),
                                  lambda: load_facts(session(), ident, action, project), request, keys=keys)
        facts = replace(facts, now=clock.now())
    else:
        facts = await _gateway_facts(cache, parts, session, ident, project if action in PROJECT_ACTIONS else None,
                                     request)
    decision = decide(action, facts)
    if not decision.allowed:
        await _record_denial(session(), actor, action, project, facts, decision)
    return decision


def person_key(ident: str) -> tuple[str, str]:
    """The cache's key of a person's part."""
    return "person", normalise_ident(ident) or ident


def project_key(project: str) -> tuple[str, str]:
    """The cache's key of a project's part."""
    return "project", project


async def _gateway_facts(cache: AccessCache, parts: GatewayFacts, session: Callable[[], AsyncSession], ident: str,
                         project: str | None, request: MutableMapping[str, Any] | None) -> Facts:
    person: PersonFacts | None = cache.get(person_key(ident), request)
    found: ProjectFacts | None = None
    if project and (person is None or person.facts.exists):  # (no project is read for a user not found)
        found = cache.get(project_key(project), request)
    read_person = person is None
    read_project = project if project and found is None and (person is None or person.facts.exists) else None
    if read_person or read_project is not None:
        generation = cache.generation
        asked = ident if read_person else None
        if cache.reader is not None:
            got = await cache.read(lambda connection: parts(connection, asked, read_project))
        else:
            got = await parts(await session().connection(), asked, read_project)
        if got[0] is not None:
            person = got[0]
            cache.put(person_key(ident), person, generation, person_keys(person))
        if read_project is not None and got[1] is not None:
            found = got[1]
            cache.put(project_key(read_project), found, generation, project_keys(found, read_project))
    assert person is not None
    return combine(person, found, clock.now())


async def _record_denial(session: AsyncSession, actor: str, action: str, project: str | None, facts: Facts,
                         decision: Decision) -> None:
    await audit.record(session, actor=actor, action=DENIED[action], subject=f"user:{facts.ident}",
                       project=project, reasons=[r.as_dict() for r in decision.reasons])
