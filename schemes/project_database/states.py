"""The lifecycle of a project database (SPEC 3.2), as data: Research Services establish it
``active`` and close it; a closed one stays closed (its main project closes with it). Between
the two its end date may pass; that is a date, not a state. Pure: no database, no framework."""

from __future__ import annotations

from enum import StrEnum

from boa.kernel.lifecycle import Lifecycle


class DatabaseState(StrEnum):
    ACTIVE = "active"
    CLOSED = "closed"


PROJECT_DATABASE = Lifecycle.open_to_all("project database", DatabaseState, [
    (DatabaseState.ACTIVE, DatabaseState.CLOSED),
])
