"""The points where a higher capability extends a lower one, filled by one function.

The kernel and the capabilities below the schemes and the sanctions cannot import them, yet the
access decision needs their facts (a project's state, the locks) and a few events must reach
them (an association ends; a physical token is activated; a reviewer suspects a breach), and the
worker runs the reminders every capability writes. The
composition root (:func:`boa.composition.wire`) builds one :class:`Extensions` with every loader
and hook in an explicit order and installs it before the app or a CLI command runs. Nothing is
added at import time; a process that was never wired refuses to decide instead of deciding
without the locks."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession

from boa.kernel.access import FactRequest, Facts
from boa.kernel.access_cache import PersonFacts, ProjectFacts
from boa.kernel.reminders import Reminder

FactLoader = Callable[[AsyncSession, Facts, FactRequest], Awaitable[Facts]]
# (connection, ident, project) -> the person's and the project's parts of the facts the loaders
# would load (None for either: not asked for), in one statement.
GatewayFacts = Callable[[AsyncConnection, str | None, str | None],
                        Awaitable[tuple[PersonFacts | None, ProjectFacts | None]]]
Hook = Callable[..., Awaitable[Any]]
Sweep = Callable[[AsyncEngine], Awaitable[int]]


@dataclass(frozen=True)
class Extensions:
    # The access decision's facts, loaded in this order (each may read what the previous ones set).
    fact_loaders: tuple[FactLoader, ...]
    # The same facts in one SQL statement, for the gateways' decision (a miss of the access cache);
    # None: the gateways' decision runs the loaders.
    gateway_facts: GatewayFacts | None = None
    # (session, association, actor): an association agreement has ended.
    on_association_end: tuple[Hook, ...] = ()
    # (session, user_id, actor): a physical token's first valid code activated it.
    on_physical_token_activated: tuple[Hook, ...] = ()
    # (session, actor, transfer_file, comment) -> case id: a reviewer marked a file a suspected breach.
    on_suspected_breach: tuple[Hook, ...] = ()
    # (session, actor, transfer_file, comment) -> case id: a reviewer marked a file a breach of the
    # disclosure-control rules (guidance, no lock).
    on_disclosure_control: tuple[Hook, ...] = ()
    # (session, project): a proposal declares external data; a scheme may refuse it (the authority
    # scheme: only where the purpose description allows linking the authority's own data).
    on_external_data: tuple[Hook, ...] = ()
    # (session, now) -> mails sent: the reminders the worker runs every hour, in this order.
    reminders: tuple[Reminder, ...] = ()
    # (engine) -> items done: work the worker takes over every minute (scans whose scanner died).
    sweeps: tuple[Sweep, ...] = ()


class NotWired(RuntimeError):
    """The process asked for an extension before :func:`boa.composition.wire` ran."""


_installed: Extensions | None = None


def install(extensions: Extensions) -> None:
    global _installed
    _installed = extensions


def current() -> Extensions:
    if _installed is None:
        raise NotWired("BOA is not wired: call boa.composition.wire() before deciding or acting.")
    return _installed
