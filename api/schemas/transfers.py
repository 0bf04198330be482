"""The API's answers of the transfer gate beyond the shapes :mod:`boa.transfers.presenters`
defines (which both faces show)."""

from __future__ import annotations

import msgspec

from boa.transfers.presenters import FileView, TransferView


class NotTransferred(msgspec.Struct):
    id: str
    name: str
    reason: str | None


class SubmittedTransfer(TransferView, kw_only=True):
    """A submitted transfer, with the files the gate refused and why."""

    not_transferred: list[NotTransferred]


class PortalDay(msgspec.Struct):
    date: str
    transfers: list[TransferView]


class PortalPage(msgspec.Struct):
    """A project's transferred results, grouped by the day they were submitted, newest first."""

    project: str
    items: list[PortalDay]
    next_cursor: str | None


class TablePreview(msgspec.Struct):
    """The first rows of a protected table (``truncated`` when there are more)."""

    header: list[str]
    rows: list[list[str]]
    truncated: bool


class ProtectedTable(msgspec.Struct, kw_only=True):
    """'Protect this table': the protected version now in the transfer (``file``), the file it
    replaces, what was done and the first rows to look at."""

    file: FileView
    replaces: str
    method: str
    min: int
    primary: int
    secondary: int
    aggregated: list[dict[str, object]]
    preview: TablePreview


class FilePreview(TablePreview, kw_only=True):
    file_id: str
    name: str
