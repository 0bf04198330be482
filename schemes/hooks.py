"""Registers the schemes area with the core: the access-decision loader, the hook that ends
memberships when an association ends, and the demo sections. Imported by ``boa.models_all``
and the API, once."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from boa import access_facts, demo
from boa.actor import Actor
from boa.models import Association
from boa.services import associations
from schemes import demo as schemes_demo
from schemes.projects.access import load_project_facts
from schemes.projects.members import end_memberships_at


async def end_memberships_on_association_end(session: AsyncSession, association: Association, actor: Actor) -> None:
    """An ended association ends the user's project memberships at that institution (SPEC 1)."""
    await end_memberships_at(session, actor=actor, user_id=association.user_id,
                             institution_id=association.institution_id, reason="association ended")


def register() -> None:
    if load_project_facts not in access_facts.LOADERS:
        access_facts.LOADERS.append(load_project_facts)
    if end_memberships_on_association_end not in associations.ON_END:
        associations.ON_END.append(end_memberships_on_association_end)
    for section in schemes_demo.SECTIONS:
        if section not in demo.SECTIONS:
            demo.SECTIONS.append(section)


register()
