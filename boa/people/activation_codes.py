"""One-time activation codes: 12 characters sent by mail when Research Services create a user or
reset a PIN; valid 7 days (a setting), single use, stored as SHA-256 (SPEC 2)."""

from __future__ import annotations

import hashlib
import secrets
import string
from datetime import timedelta
from urllib.parse import urlencode

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from boa.kernel import clock, mail
from boa.kernel.settings import get_settings
from boa.people.models import ActivationCode, User

ACTIVATION_ALPHABET = string.ascii_uppercase + string.digits


def hash_code(code: str) -> str:
    return hashlib.sha256(code.strip().upper().encode()).hexdigest()


async def issue(session: AsyncSession, user: User, purpose: str) -> str:
    code = "".join(secrets.choice(ACTIVATION_ALPHABET) for _ in range(12))
    for old in await session.scalars(select(ActivationCode).where(
            ActivationCode.user_id == user.id, ActivationCode.used_at.is_(None))):
        old.used_at = clock.now()
    settings = get_settings()
    expires = clock.now() + timedelta(days=settings.activation_days)
    session.add(ActivationCode(user_id=user.id, code_hash=hash_code(code), purpose=purpose, expires_at=expires))
    link = f"{settings.public_url}/activate?{urlencode({'ident': user.ident, 'code': code})}"
    mail.send(session, to=user.email, template="pin_reset" if purpose == "reset" else "activation",
              lang=user.language, name=user.name, ident=user.ident, code=code, link=link,
              expires=mail.local_time(expires, user.language))
    return code


async def valid_code(session: AsyncSession, user: User, code: str | None) -> ActivationCode | None:
    """The user's unused, unexpired code that matches (compared in constant time), locked; else None."""
    candidates = await session.scalars(select(ActivationCode).where(
        ActivationCode.user_id == user.id, ActivationCode.used_at.is_(None)).with_for_update())
    digest = hash_code(code or "")
    match = next((c for c in candidates if secrets.compare_digest(c.code_hash, digest)), None)
    expires = clock.aware(match.expires_at) if match is not None else None
    return match if expires is not None and expires > clock.now() else None
