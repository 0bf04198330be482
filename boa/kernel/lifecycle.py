"""A lifecycle as data: the states of one kind of record and the one table of moves between them.

Each capability keeps its lifecycles next to its rules (``boa/people/states.py``,
``tokens/states.py`` ...) as a ``StrEnum`` of the stored values and a :class:`Lifecycle` over
it; the services change a state only through :meth:`Lifecycle.move`. Where it matters an edge
names who may take it (institution roles, token kinds); an edge open to everyone the service
lets act names nobody (:data:`ANYONE`).

A pair not in the table raises :class:`~boa.kernel.errors.InvalidTransition` (409
``invalid_transition``), unless the service hands its own, more specific refusal (e.g.
``already_transferred``): the table decides, the service keeps its message and code.

Pure: no database, no framework."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import Generic, TypeVar

from boa.kernel.errors import BoaError, InvalidTransition

S = TypeVar("S", bound=StrEnum)

ANYONE: frozenset[str] = frozenset()


class Lifecycle(Generic[S]):
    """``edges`` maps each allowed (from, to) pair to who may take it (:data:`ANYONE`: the
    service's own permission check decides)."""

    def __init__(self, noun: str, states: type[S], edges: Mapping[tuple[S, S], frozenset[str]]) -> None:
        self.noun, self.states, self.edges = noun, states, dict(edges)

    @classmethod
    def open_to_all(cls, noun: str, states: type[S], pairs: Iterable[tuple[S, S]]) -> Lifecycle[S]:
        """A table whose edges name nobody: who acts is the service's permission check."""
        return cls(noun, states, dict.fromkeys(pairs, ANYONE))

    def parse(self, value: str) -> S | None:
        try:
            return self.states(value)
        except ValueError:
            return None

    def allows(self, old: str, new: str, who: Iterable[str] | None = None) -> bool:
        """Whether (old, new) is in the table and, when ``who`` is given and the edge names
        anyone, one of ``who`` may take it."""
        frm, to = self.parse(old), self.parse(new)
        if frm is None or to is None or (frm, to) not in self.edges:
            return False
        allowed = self.edges[(frm, to)]
        return who is None or not allowed or bool(allowed & set(who))

    def move(self, old: str, new: S, *, who: Iterable[str] | None = None, refuse: BoaError | None = None) -> S:
        """``new`` when the table allows the move; else raises ``refuse`` or
        :class:`InvalidTransition`."""
        if self.allows(old, new, who):
            return new
        raise refuse or InvalidTransition(f"A {self.noun} cannot go from {old} to {new.value}.",
                                          old=str(old), new=new.value)

    def who(self, old: S, new: S) -> frozenset[str]:
        """Who may take the edge (:data:`ANYONE` when the table names nobody)."""
        return self.edges[(old, new)]

    def sources(self, new: S, who: Iterable[str] | None = None) -> tuple[S, ...]:
        """The states ``new`` is reached from (for ``who``, when given), in declaration order:
        for the conditional updates that take the move in the database."""
        return tuple(s for s in self.states if self.allows(s, new, who))

    def targets(self, old: str, who: Iterable[str] | None = None) -> tuple[S, ...]:
        """The states reachable from ``old`` in one move (for ``who``, when given)."""
        return tuple(s for s in self.states if self.allows(old, s, who))
