"""What every listing answers: a page of items and the cursor of the next page (``None`` on the
last page)."""

from __future__ import annotations

from typing import Generic, TypeVar

import msgspec

T = TypeVar("T")


class Page(msgspec.Struct, Generic[T]):
    items: list[T]
    next_cursor: str | None


class Status(msgspec.Struct):
    status: str
