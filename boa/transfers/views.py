"""The read model of one transfer: loads what the API shows of it in a fixed number of queries,
then presents it with :mod:`boa.transfers.presenters`, where the Structs are defined (both faces
show them). The portal's page is loaded by :func:`boa.transfers.portal.portal` (three queries a
page) and the review queue by :func:`boa.transfers.review.queue`."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from boa.people.models import User
from boa.transfers import presenters
from boa.transfers.lookups import files_of
from boa.transfers.models import Transfer
from boa.transfers.presenters import TransferView


async def transfer(session: AsyncSession, row: Transfer) -> TransferView:
    """The transfer with its files and its owner's IDENT (two queries)."""
    owner = await session.scalar(select(User.ident).where(User.id == row.user_id))
    return presenters.transfer(row, await files_of(session, row), owner)
