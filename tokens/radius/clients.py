"""Registering the gateways that may ask over RADIUS (``boa radius clients add|remove|list``), and
the table the server answers from. A shared secret is sealed at rest (AES-GCM, bound to the
client's row) and never logged, audited or printed."""

from __future__ import annotations

import ipaddress
import unicodedata
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from boa.kernel import audit
from boa.kernel.actor import Actor
from boa.kernel.audit_actions import AuditAction
from boa.kernel.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from boa.kernel.queries import add_unique
from tokens.keys import secret_box
from tokens.radius.models import RadiusClient

MIN_SECRET = 16  # RFC 2865 section 3 recommends at least 16 octets; long random ones since Blast-RADIUS
MAX_SECRET = 128


@dataclass(frozen=True)
class NasClient:
    """A gateway as the server holds it: the secret opened, kept out of every repr."""

    id: int
    name: str
    address: str
    secret: bytes = field(repr=False)


def normalise_address(value: str) -> str:
    """One IP address in its canonical text (an IPv4-mapped IPv6 address as IPv4)."""
    try:
        address = ipaddress.ip_address((value or "").strip())
    except ValueError:
        raise ValidationFailed("The address is one IPv4 or IPv6 address.", field="address") from None
    mapped = getattr(address, "ipv4_mapped", None)
    return str(mapped or address)


def _associated_data(row: RadiusClient) -> bytes:
    return f"radius_client:{row.id}".encode()


async def add_client(session: AsyncSession, *, actor: Actor, name: str, address: str, secret: str) -> RadiusClient:
    if not actor.is_staff:
        raise PermissionDenied("Only Research Services register a RADIUS client.")
    name = (name or "").strip()
    if not 0 < len(name) <= 100 or any(unicodedata.category(ch).startswith("C") for ch in name):
        raise ValidationFailed("The name is 1-100 printable characters.", field="name")
    raw = (secret or "").encode("utf-8")
    if not MIN_SECRET <= len(raw) <= MAX_SECRET:
        raise ValidationFailed(f"The shared secret is {MIN_SECRET}-{MAX_SECRET} octets (use a long random one).",
                               field="secret")
    row = RadiusClient(name=name, address=normalise_address(address), secret_sealed="")
    await add_unique(session, row, Conflict("A RADIUS client with this name or address exists.",
                                            code="radius_client_exists"))
    row.secret_sealed = secret_box().seal(raw, associated_data=_associated_data(row))
    await audit.record(session, actor=actor.label, action=AuditAction.RADIUS_CLIENT_ADD,
                       subject=f"radius_client:{row.name}", address=row.address)
    return row


async def remove_client(session: AsyncSession, *, actor: Actor, name: str) -> None:
    if not actor.is_staff:
        raise PermissionDenied("Only Research Services remove a RADIUS client.")
    row = await session.scalar(select(RadiusClient).where(RadiusClient.name == name))
    if row is None:
        raise NotFound("No RADIUS client has this name.")
    await session.delete(row)
    await audit.record(session, actor=actor.label, action=AuditAction.RADIUS_CLIENT_REMOVE,
                       subject=f"radius_client:{row.name}", address=row.address)


async def list_clients(session: AsyncSession) -> list[RadiusClient]:
    return list(await session.scalars(select(RadiusClient).order_by(RadiusClient.name)))


async def nas_clients(session: AsyncSession) -> dict[str, NasClient]:
    """Every gateway by its address, secrets opened (what the server answers from)."""
    box = secret_box()
    return {row.address: NasClient(row.id, row.name, row.address,
                                   box.open(row.secret_sealed, associated_data=_associated_data(row)))
            for row in await list_clients(session)}
