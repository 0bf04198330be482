"""Registers the schemes area with the core: the access-decision loader, the hook that ends
memberships when an association ends, the hook that activates memberships waiting for a
physical token when it is activated, and the demo sections. Imported by ``boa.models_all``
and the API, once."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from boa import access_facts, demo
from boa.actor import Actor
from boa.models import Association
from boa.services import associations
from schemes import demo as schemes_demo
from schemes.projects.access import load_project_facts
from schemes.projects.members import activate_pending_memberships, end_memberships_at
from tokens import service as token_service


async def end_memberships_on_association_end(session: AsyncSession, association: Association, actor: Actor) -> None:
    """An ended association ends the user's project memberships at that institution (SPEC 1)."""
    await end_memberships_at(session, actor=actor, user_id=association.user_id,
                             institution_id=association.institution_id, reason="association ended")


async def activate_memberships_on_physical_token(session: AsyncSession, user_id: int, actor: Actor) -> None:
    """The first valid code of a physical token activates the memberships that waited for it (SPEC 4)."""
    await activate_pending_memberships(session, user_id, actor=actor.label)


def register() -> None:
    if load_project_facts not in access_facts.LOADERS:
        access_facts.LOADERS.append(load_project_facts)
    if end_memberships_on_association_end not in associations.ON_END:
        associations.ON_END.append(end_memberships_on_association_end)
    if activate_memberships_on_physical_token not in token_service.ON_PHYSICAL_ACTIVATED:
        token_service.ON_PHYSICAL_ACTIVATED.append(activate_memberships_on_physical_token)
    for section in schemes_demo.SECTIONS:
        if section not in demo.SECTIONS:
            demo.SECTIONS.append(section)


register()
