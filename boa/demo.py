"""Loads ``seed_data/demo.json`` into an empty database, once.

The core sections (user agreement, institutions, users, roles, associations, tokens) load
here; other areas register loaders for their sections in :data:`SECTIONS`."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from boa import audit, clock
from boa.actor import Actor
from boa.db import transaction
from boa.models import (
    Association,
    Institution,
    InstitutionRole,
    Token,
    User,
    UserAgreementAcceptance,
    UserAgreementVersion,
)
from boa.security import pin_hasher
from boa.services import institutions
from boa.settings import SEED_DATA

SEED = Actor(system="seed")
Section = Callable[[AsyncSession, dict[str, Any], dict[str, User], dict[int, Institution]], Awaitable[None]]
SECTIONS: list[Section] = []


def demo_data() -> dict[str, Any]:
    return json.loads((SEED_DATA / "demo.json").read_text(encoding="utf-8"))


async def is_seeded(session: AsyncSession) -> bool:
    return bool(await session.scalar(select(func.count(User.id))))


async def publish_user_agreement(session: AsyncSession, version: int, text: str, actor: Actor) -> None:
    session.add(UserAgreementVersion(version=version, text=text, published_at=clock.now()))
    await audit.record(session, actor=actor.label, action="user_agreement.publish", subject=f"user_agreement:{version}")


async def _users(session: AsyncSession, data: dict[str, Any], version: int) -> dict[str, User]:
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
        session.add(UserAgreementAcceptance(user_id=user.id, version=version, accepted_at=now))
        await audit.record(session, actor=SEED.label, action="user.create", subject=f"user:{user.ident}",
                           after={"name": user.name, "staff_roles": user.staff_roles})
    return users


async def _tokens(session: AsyncSession, data: dict[str, Any], users: dict[str, User]) -> None:
    from tokens.kinds import seal_secret

    for spec in data["users"]:
        token = Token(user_id=users[spec["ident"]].id, kind="totp", state="active", activated_at=clock.now())
        session.add(token)
        await session.flush()
        seal_secret(token, spec["totp_secret"])
        await audit.record(session, actor=SEED.label, action="token.enrol", subject=f"token:{token.id}",
                           kind="totp", ident=spec["ident"])


async def _institutions(session: AsyncSession, data: dict[str, Any], users: dict[str, User]) -> dict[int, Institution]:
    out: dict[int, Institution] = {}
    for spec in data["institutions"]:
        inst = await institutions.create_institution(
            session, actor=SEED, name=spec["name"], authorisation_number=spec["authorisation_number"],
            kind=spec["kind"], mail_domains=spec.get("mail_domains"), address=spec.get("address"))
        out[inst.authorisation_number] = inst
        for agreement in spec.get("agreements", []):
            await institutions.create_agreement(
                session, actor=SEED, institution_id=str(inst.id), schemes=agreement["schemes"],
                responsible_ident=agreement["responsible"], substitute_idents=agreement["substitutes"])
    return out


async def _roles(session: AsyncSession, data: dict[str, Any], users: dict[str, User],
                 insts: dict[int, Institution]) -> None:
    for spec in data["users"]:
        user = users[spec["ident"]]
        for role in spec["roles"]:
            if role["institution"] == "office" or role["role"] in ("responsible", "substitute"):
                continue
            inst = insts[role["institution"]]
            if role["role"] == "user":
                session.add(Association(user_id=user.id, institution_id=inst.id, state="approved",
                                        requested_by_id=user.id, decided_at=clock.now()))
            else:
                session.add(InstitutionRole(institution_id=inst.id, user_id=user.id, role=role["role"]))
            await audit.record(session, actor=SEED.label, action="role.assign", subject=f"institution:{inst.id}",
                               after={"ident": user.ident, "role": role["role"]})
    await session.flush()


async def load_demo(engine: AsyncEngine) -> bool:
    """Loads the demo into an empty database; returns False when it already holds users."""
    import boa.models_all  # noqa: F401  (every area registers its demo sections on import)

    data = demo_data()
    async with transaction(engine) as session:
        if await is_seeded(session):
            return False
        agreement = data["user_agreement"]
        await publish_user_agreement(session, agreement["version"], agreement["text"], SEED)
        users = await _users(session, data, agreement["version"])
        await _tokens(session, data, users)
        insts = await _institutions(session, data, users)
        await _roles(session, data, users, insts)
        for section in SECTIONS:
            await section(session, data, users, insts)
    return True
