"""Four eyes on grants: nobody approves their own association or grants a role to themselves
(a substitute approving their own association, granting themselves the administrator role). The
office grants the roles of whoever holds the power to grant (the responsible person's own roles).
A refusal is 403 ``four_eyes_required``, audited and kept like a refused access."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from boa.kernel import audit
from boa.kernel.actor import Actor
from boa.kernel.audit_actions import AuditAction
from boa.kernel.db import keep_on_error
from boa.kernel.errors import PermissionDenied

CODE = "four_eyes_required"


def is_own(actor: Actor, user_id: int) -> bool:
    """A grant to the actor themself (the office's staff included: their grants are checked too)."""
    return actor.user_id is not None and actor.user_id == user_id


async def refuse_own_grant(session: AsyncSession, *, actor: Actor, subject: str, message: str,
                           **summary: Any) -> None:
    """Audits the refusal (kept though the request is refused) and raises 403."""
    await audit.record(session, actor=actor.label, action=AuditAction.GRANT_REFUSED_OWN, subject=subject,
                       **summary)
    keep_on_error(session)
    raise PermissionDenied(message, code=CODE)
