"""A reviewer's "suspected breach" opens a breach case linked to the file (SPEC 6 step 5).

Installed by the composition root as the transfer review's ``on_suspected_breach`` extension
(the transfers area sits below the sanctions area and cannot call it)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from boa.kernel import clock
from boa.kernel.actor import Actor
from boa.people.models import User
from boa.sanctions import cases
from boa.transfers.models import Transfer, TransferFile


async def case_from_review(session: AsyncSession, actor: Actor, target: TransferFile, comment: str) -> str | None:
    """A reviewer's "suspected breach" opens a breach case linked to the file (SPEC 6 step 5)."""
    transfer = await session.get_one(Transfer, target.transfer_id)
    user = await session.get_one(User, transfer.user_id)
    occurred = clock.aware(transfer.submitted_at or transfer.created_at)
    volume = f"{target.size} bytes" + (f", {target.row_count} rows" if target.row_count else "")
    case, _ = await cases.register(
        session, actor=actor, ident=user.ident, project=str(transfer.project_number),
        kind="microdata_transfer", occurred_at=occurred or clock.now(),
        description=f"Suspected breach found in review of {target.name!r} (transfer {transfer.id}): {comment}",
        transfer_tool_used=True, warning_ignored=target.verdict == "flagged", data_volume=volume,
        transfer_file_id=target.id)
    return str(case.id)


async def guidance_from_review(session: AsyncSession, actor: Actor, target: TransferFile, comment: str) -> str | None:
    """A reviewer's "disclosure control" records a disclosure-control breach for the file:
    guidance to the user, no lock (SPEC 5 "Disclosure control")."""
    transfer = await session.get_one(Transfer, target.transfer_id)
    user = await session.get_one(User, transfer.user_id)
    occurred = clock.aware(transfer.submitted_at or transfer.created_at)
    case, _ = await cases.register(
        session, actor=actor, ident=user.ident, project=str(transfer.project_number), kind="disclosure_control",
        occurred_at=occurred or clock.now(), description=comment, transfer_tool_used=True,
        warning_ignored=target.verdict == "flagged", transfer_file_id=target.id, file_name=target.name)
    return str(case.id)
