"""The demo's people: the institutions with their agreements, the roles and associations
(``seed_data/demo.json``; loaded by :func:`boa.demo.load_demo`)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from boa.kernel import audit, clock
from boa.kernel.actor import SEED
from boa.kernel.audit_actions import AuditAction
from boa.people import institutions
from boa.people.models import Association, Institution, InstitutionRole, User


async def load_institutions(session: AsyncSession, data: dict[str, Any], users: dict[str, User]) -> dict[int, Institution]:
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


async def load_roles(session: AsyncSession, data: dict[str, Any], users: dict[str, User],
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
            await audit.record(session, actor=SEED.label, action=AuditAction.ROLE_ASSIGN,
                               subject=f"institution:{inst.id}",
                               after={"ident": user.ident, "role": role["role"]})
    await session.flush()
