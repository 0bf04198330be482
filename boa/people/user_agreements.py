"""The user agreement (SPEC 1, 2): versioned texts in Danish and English, published from
``seed_data/user_agreements.json``; every user accepts the current (newest) version before research
access. A new version makes the research decision say ``user_agreement_missing`` again until it is
accepted (the person's facts compare the accepted version with the newest: ``tokens/access.py``).

Publication runs after ``boa db upgrade``, in the demo loader and in the tests' empty database:
a version of the file that the table lacks is published (audited); a published version is never
changed; when the file's text of a published version differs, a log line says so (publish a new
version instead)."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from boa.kernel import audit, clock
from boa.kernel.actor import SYSTEM, Actor
from boa.kernel.audit_actions import AuditAction
from boa.kernel.domain import per_language
from boa.kernel.errors import Conflict, PermissionDenied
from boa.kernel.queries import insert_if_absent
from boa.kernel.settings import SEED_DATA
from boa.people.lookups import user_of
from boa.people.models import User, UserAgreementAcceptance, UserAgreementVersion

log = logging.getLogger("boa.people.user_agreements")

SEED_FILE = SEED_DATA / "user_agreements.json"


@dataclass(frozen=True)
class AgreementVersion:
    """One version as the seed file gives it."""

    version: int
    titles: dict[str, str]
    texts: dict[str, str]
    issued_on: date | None = None


def parse_versions(data: dict[str, Any]) -> tuple[AgreementVersion, ...]:
    out = []
    for raw in data.get("versions") or []:
        number = raw.get("version")
        if isinstance(number, bool) or not isinstance(number, int) or number < 1:
            raise ValueError(f"a user agreement version is a positive integer, not {number!r}")
        issued = raw.get("published")
        out.append(AgreementVersion(number, per_language(raw.get("title"), f"version {number}'s title"),
                                    per_language(raw.get("text"), f"version {number}'s text"),
                                    date.fromisoformat(issued) if issued else None))
    if len({v.version for v in out}) != len(out):
        raise ValueError("user agreement versions must be unique")
    return tuple(sorted(out, key=lambda v: v.version))


@lru_cache(maxsize=1)
def seed_versions(path: Path = SEED_FILE) -> tuple[AgreementVersion, ...]:
    return parse_versions(json.loads(path.read_text(encoding="utf-8")))


async def publish_user_agreements(session: AsyncSession, *, actor: Actor = SYSTEM,
                                  versions: Sequence[AgreementVersion] | None = None) -> list[int]:
    """Publishes the versions (by default the seed file's) the table lacks; answers their numbers."""
    wanted = seed_versions() if versions is None else versions
    published = {row.version: row for row in await session.scalars(select(UserAgreementVersion))}
    added = []
    for v in sorted(wanted, key=lambda v: v.version):
        have = published.get(v.version)
        if have is not None:
            if (have.titles, have.texts, have.issued_on) != (v.titles, v.texts, v.issued_on):
                log.warning("user agreement version %s differs from the published one, which is kept: a changed "
                            "text is a new version", v.version)
            continue
        await insert_if_absent(session, UserAgreementVersion, version=v.version, titles=v.titles, texts=v.texts,
                               issued_on=v.issued_on, published_at=clock.now())
        await audit.record(session, actor=actor.label, action=AuditAction.USER_AGREEMENT_PUBLISH,
                           subject=f"user_agreement:{v.version}", version=v.version,
                           issued_on=v.issued_on.isoformat() if v.issued_on else None)
        added.append(v.version)
    return added


async def current_user_agreement(session: AsyncSession) -> UserAgreementVersion | None:
    return await session.scalar(select(UserAgreementVersion).order_by(UserAgreementVersion.version.desc()).limit(1))


async def accept_user_agreement(session: AsyncSession, *, actor: Actor, version: int) -> User:
    """The signed-in user accepts ``version``, which must be the current one (else 409
    ``stale_user_agreement``). Accepting the version already accepted changes nothing."""
    if actor.user is None:
        raise PermissionDenied("Only a user accepts the user agreement.")
    user = user_of(actor)
    current = await current_user_agreement(session)
    if current is None or current.version != version:
        raise Conflict("That is not the current version of the user agreement. Read the current one and accept it.",
                       code="stale_user_agreement", current_version=current.version if current else None)
    if user.user_agreement_version == version:
        return user
    now = clock.now()
    await insert_if_absent(session, UserAgreementAcceptance, user_id=user.id, version=version, accepted_at=now)
    user.user_agreement_version = version
    await audit.record(session, actor=actor.label, action=AuditAction.USER_AGREEMENT_ACCEPT,
                       subject=f"user:{user.ident}", version=version, accepted_at=clock.iso(now))
    return user
