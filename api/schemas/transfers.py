"""The API's answers of the transfer gate beyond the shapes :mod:`boa.transfers.presenters`
defines (which both faces show)."""

from __future__ import annotations

import msgspec

from boa.transfers.presenters import TransferView


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
