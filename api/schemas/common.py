"""What every listing answers: a page of items and the cursor of the next page (``None`` on the
last page)."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

import msgspec

T = TypeVar("T")


class Page(msgspec.Struct, Generic[T]):
    items: list[T]
    next_cursor: str | None


class Status(msgspec.Struct):
    status: str


S = TypeVar("S", bound=msgspec.Struct)


def extended(cls: type[S], base: msgspec.Struct, **more: Any) -> S:
    """``base`` as ``cls``, a Struct that adds fields to ``base``'s kind (given in ``more``)."""
    return cls(**msgspec.structs.asdict(base), **more)
