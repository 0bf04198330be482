"""Helpers for the schemes tests: users made straight in the database, demo look-ups."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from boa.kernel import clock
from boa.kernel.db import transaction
from boa.people.models import Association, Institution, User
from tokens.keys import pin_hasher
from tokens.models import Token


async def make_user(engine, ident: str, institution: int | None = 101, *, certified: bool = True,
                    agreement: bool = True, token: str | None = "totp", token_state: str = "active",
                    email: str | None = None, activated: bool = True) -> None:
    """A user associated (approved) with the institution of that authorisation number, onboarded as
    the arguments say (PIN 7391 when activated). The tests of the scheme rules start here; the
    onboarding itself is walked in tests/life."""
    async with transaction(engine) as s:
        now = clock.now()
        user = User(ident=ident, name=f"User {ident}", email=email or f"{ident.lower()}@demo.boa.example",
                    active=True, staff_roles=[], user_agreement_version=1 if agreement else None,
                    pin_hash=pin_hasher().hash("7391") if activated else None,
                    certified_at=now if certified else None,
                    certification_expires_at=now + timedelta(days=365) if certified else None)
        s.add(user)
        await s.flush()
        if institution is not None:
            inst = await s.scalar(select(Institution).where(Institution.authorisation_number == institution))
            s.add(Association(user_id=user.id, institution_id=inst.id, state="approved", requested_by_id=user.id))
        if token:
            s.add(Token(user_id=user.id, kind=token, state=token_state))


async def institution_id(engine, number: int) -> str:
    async with transaction(engine) as s:
        return str(await s.scalar(select(Institution.id).where(Institution.authorisation_number == number)))


async def project_number(client, headers, title_part: str) -> str:
    r = await client.get("/v1/projects?limit=200", headers=headers)
    return next(p["number"] for p in r.json()["items"] if title_part in p["title"])
