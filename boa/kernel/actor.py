"""Who is acting: a signed-in user, a service client, or the system (CLI, seed)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol


class Person(Protocol):
    """What the kernel needs of a signed-in user (the row is :class:`boa.people.models.User`)."""

    @property
    def id(self) -> int: ...

    @property
    def ident(self) -> str: ...

    @property
    def name(self) -> str: ...

    @property
    def language(self) -> str: ...

    @property
    def staff_roles(self) -> list[str]: ...

    @property
    def is_staff(self) -> bool: ...


@dataclass
class Actor:
    user: Person | None = None
    client: str | None = None
    scopes: frozenset[str] = field(default_factory=frozenset)
    system: str | None = None
    verified_at: datetime | None = None  # the session's last second-factor verification (a person's)
    # A person without a BOA user who holds a capability link (a commission's customer, by its
    # secret): what they may do is decided where the link is checked; never staff.
    guest: str | None = None

    @property
    def label(self) -> str:
        if self.user is not None:
            return f"user:{self.user.ident}"
        if self.client is not None:
            return f"client:{self.client}"
        if self.guest is not None:
            return f"guest:{self.guest}"
        return f"system:{self.system or 'boa'}"

    @property
    def is_staff(self) -> bool:
        return self.system is not None or (self.user is not None and self.user.is_staff)

    def has_staff_role(self, role: str) -> bool:
        if self.system is not None:
            return True
        return self.user is not None and role in (self.user.staff_roles or [])

    @property
    def user_id(self) -> int | None:
        return self.user.id if self.user is not None else None


SYSTEM = Actor(system="boa")
SEED = Actor(system="seed")  # the demo loader
