"""The researcher scheme's reminder (run by the worker every hour, listed in the composition root):
a project whose owner in Research Services has left (deactivated, or no longer office staff) gets a
new owner, who is told by mail (seed 001: "a project owner is allocated ... or a project with a
previous employee in Denmark's Data Portal"). Replacing is idempotent: a project that has an owner
who is still there is left alone, so a second run sends nothing."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from boa.kernel.actor import SYSTEM
from schemes.researcher.service import replace_departed_owners


async def departed_project_owners(session: AsyncSession, now: datetime) -> int:
    return len(await replace_departed_owners(session, actor=SYSTEM))
