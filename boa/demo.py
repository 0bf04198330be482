"""Loads ``seed_data/demo.json`` into an empty database, once: the user agreement (published from
``seed_data/user_agreements.json``), the people, the users and their tokens, then the schemes'
sections, in this order. The register catalogue is loaded first (it is idempotent: missing
registers and variables are added, nothing else)."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from boa.composition import wire
from boa.kernel.actor import SEED
from boa.kernel.db import transaction
from boa.kernel.settings import SEED_DATA
from boa.people import demo as people_demo
from boa.people.models import User
from boa.people.user_agreements import current_user_agreement, publish_user_agreements
from boa.registers.catalogue import load_catalogue
from schemes import demo as schemes_demo
from tokens import demo as tokens_demo


def demo_data() -> dict[str, Any]:
    return json.loads((SEED_DATA / "demo.json").read_text(encoding="utf-8"))


async def is_seeded(session: AsyncSession) -> bool:
    return bool(await session.scalar(select(func.count(User.id))))


async def load_demo(engine: AsyncEngine) -> bool:
    """Loads the demo into an empty database; returns False when it already holds users."""
    wire()
    data = demo_data()
    async with transaction(engine) as session:
        await load_catalogue(session)  # idempotent: the catalogue is there whether or not the demo is
        if await is_seeded(session):
            return False
        # The user agreement of seed_data/user_agreements.json; every demo user has accepted the current version.
        await publish_user_agreements(session, actor=SEED)
        current = await current_user_agreement(session)
        users = await tokens_demo.load_users(session, data, current.version if current else None)
        await tokens_demo.load_tokens(session, data, users)
        insts = await people_demo.load_institutions(session, data, users)
        await people_demo.load_roles(session, data, users, insts)
        for section in schemes_demo.SECTIONS:
            await section(session, data, users, insts)
    return True
