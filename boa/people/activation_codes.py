"""One-time activation codes: 12 characters sent by mail when Research Services create a user or
reset a PIN; valid 7 days (a setting), single use, stored as SHA-256 (SPEC 2)."""

from __future__ import annotations

import hashlib
import secrets
import string
from datetime import timedelta

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
    session.add(ActivationCode(user_id=user.id, code_hash=hash_code(code), purpose=purpose,
                               expires_at=clock.now() + timedelta(days=get_settings().activation_days)))
    body = (f"Dear {user.name},\n\nYour BOA IDENT is {user.ident}. Your one-time activation code is {code}.\n"
            f"It is valid for {get_settings().activation_days} days. Use it to choose your PIN.\n")
    mail.queue(session, user.email, "BOA activation code / aktiveringskode", body)
    return code


async def valid_code(session: AsyncSession, user: User, code: str | None) -> ActivationCode | None:
    """The user's unused, unexpired code that matches (compared in constant time), locked; else None."""
    candidates = await session.scalars(select(ActivationCode).where(
        ActivationCode.user_id == user.id, ActivationCode.used_at.is_(None)).with_for_update())
    digest = hash_code(code or "")
    match = next((c for c in candidates if secrets.compare_digest(c.code_hash, digest)), None)
    expires = clock.aware(match.expires_at) if match is not None else None
    return match if expires is not None and expires > clock.now() else None
