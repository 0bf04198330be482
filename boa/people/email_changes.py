"""A new e-mail address is used only after its owner opens the link sent to it (24 hours, once);
the old address is told at once, and both when it is done (SPEC 2; issue "changing what proves
who you are": activation and reset links go to this address, so a stolen session must not move
it). Asking needs a second-factor verification from the last 10 minutes."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from urllib.parse import urlencode

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from boa.kernel import audit, clock, mail
from boa.kernel.actor import Actor
from boa.kernel.audit_actions import AuditAction
from boa.kernel.errors import BoaError
from boa.kernel.reauthentication import require_recent_verification
from boa.kernel.settings import get_settings
from boa.people.models import EmailChange, User

CONFIRMATION_VALID = timedelta(hours=24)


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


async def request_change(session: AsyncSession, *, actor: Actor, user: User, new_email: str) -> EmailChange:
    """Mails a confirmation link to ``new_email`` and a notice to the current address; an earlier
    request still open is withdrawn."""
    require_recent_verification(actor)
    now = clock.now()
    await session.execute(update(EmailChange).where(EmailChange.user_id == user.id, EmailChange.used_at.is_(None))
                          .values(used_at=now))
    raw = secrets.token_urlsafe(32)
    change = EmailChange(user_id=user.id, new_email=new_email, token_hash=_digest(raw),
                         expires_at=now + CONFIRMATION_VALID)
    session.add(change)
    await session.flush()
    link = f"{get_settings().public_url}/confirm-email?{urlencode({'token': raw})}"
    when = mail.local_time(change.expires_at, user.language)
    mail.send(session, to=new_email, template="email_confirm", lang=user.language, name=user.name,
              ident=user.ident, link=link, expires=when)
    mail.send(session, to=user.email, template="email_change_requested", lang=user.language, name=user.name,
              ident=user.ident, new_email=new_email)
    await audit.record(session, actor=actor.label, action=AuditAction.EMAIL_CHANGE_REQUESTED,
                       subject=f"user:{user.ident}", new_email=new_email)
    return change


async def pending(session: AsyncSession, user: User) -> EmailChange | None:
    return await session.scalar(select(EmailChange).where(
        EmailChange.user_id == user.id, EmailChange.used_at.is_(None), EmailChange.expires_at > clock.now())
        .order_by(EmailChange.id.desc()).limit(1))


async def confirm(session: AsyncSession, *, token: str) -> User:
    """The link opened: the new address is the user's from now on. A used or expired link, or one
    that was never sent, is refused alike (400 ``invalid_confirmation``)."""
    change = await session.scalar(select(EmailChange).where(EmailChange.token_hash == _digest(token or ""))
                                  .with_for_update())
    if change is None or change.used_at is not None or clock.aware(change.expires_at) <= clock.now():
        raise BoaError("The confirmation link is used, expired or wrong. Ask for the change again on your "
                       "profile page.", code="invalid_confirmation")
    user = await session.get_one(User, change.user_id, with_for_update=True)
    old = user.email
    change.used_at, user.email = clock.now(), change.new_email
    for address in dict.fromkeys([old, change.new_email]):
        mail.send(session, to=address, template="email_changed", lang=user.language, name=user.name,
                  ident=user.ident, old_email=old or "", new_email=change.new_email)
    await audit.record(session, actor=f"user:{user.ident}", action=AuditAction.EMAIL_CHANGE_CONFIRMED,
                       subject=f"user:{user.ident}", before={"email": old}, after={"email": user.email})
    return user
