"""The demo's users with their PINs and TOTP tokens (``seed_data/demo.json``; demo only: every
demo user is certified and has accepted the user agreement, so the demo logs in at once)."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from boa.kernel import audit, clock
from boa.kernel.actor import SEED
from boa.kernel.audit_actions import AuditAction
from boa.people.models import User, UserAgreementAcceptance
from tokens.keys import pin_hasher
from tokens.kinds import seal_secret
from tokens.models import Token


async def load_users(session: AsyncSession, data: dict[str, Any], version: int | None) -> dict[str, User]:
    """The demo's users, certified for a year and having accepted user agreement ``version``."""
    hasher = pin_hasher()
    hashes = await asyncio.gather(*(asyncio.to_thread(hasher.hash, u["pin"]) for u in data["users"]))
    now = clock.now()
    users: dict[str, User] = {}
    for spec, pin_hash in zip(data["users"], hashes, strict=True):
        staff = [r["role"] for r in spec["roles"] if r["institution"] == "office"]
        user = User(ident=spec["ident"], name=spec["name"], email=spec.get("email"), mobile=spec.get("mobile"),
                    pin_hash=pin_hash, staff_roles=staff, user_agreement_version=version, certified_at=now,
                    certification_expires_at=now + timedelta(days=365))
        session.add(user)
        users[user.ident] = user
    await session.flush()
    for user in users.values():
        if version is not None:
            session.add(UserAgreementAcceptance(user_id=user.id, version=version, accepted_at=now))
        await audit.record(session, actor=SEED.label, action=AuditAction.USER_CREATE,
                           subject=f"user:{user.ident}",
                           after={"name": user.name, "staff_roles": user.staff_roles})
    return users


async def load_tokens(session: AsyncSession, data: dict[str, Any], users: dict[str, User]) -> None:
    for spec in data["users"]:
        token = Token(user_id=users[spec["ident"]].id, kind="totp", state="active", activated_at=clock.now())
        session.add(token)
        await session.flush()
        seal_secret(token, spec["totp_secret"])
        await audit.record(session, actor=SEED.label, action=AuditAction.TOKEN_ENROL,
                           subject=f"token:{token.id}",
                           kind="totp", ident=spec["ident"])
