"""The one clock. Tests move time with :func:`travel`; nothing else reads the wall clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import overload

_offset = timedelta(0)


def now() -> datetime:
    return datetime.now(UTC) + _offset


def travel(delta: timedelta) -> None:
    """Move the clock forward (tests only)."""
    global _offset
    _offset += delta


def reset() -> None:
    global _offset
    _offset = timedelta(0)


@overload
def aware(value: datetime) -> datetime: ...


@overload
def aware(value: None) -> None: ...


@overload
def aware(value: datetime | None) -> datetime | None: ...


def aware(value: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; treat them as UTC."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


def iso(value: datetime | None) -> str | None:
    """A stored time as ISO 8601 UTC for JSON (None stays None)."""
    return aware(value).isoformat() if value is not None else None
