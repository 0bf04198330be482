"""The gateways allowed to ask BOA over RADIUS (NAS clients), each with its own shared secret,
sealed at rest like a token seed (:func:`tokens.keys.secret_box`)."""

from __future__ import annotations

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from boa.kernel.models import Base


class RadiusClient(Base):
    """One NAS client: its name (in the audit log), its source address and its sealed secret."""

    __tablename__ = "radius_clients"

    name: Mapped[str] = mapped_column(String(100), unique=True)
    address: Mapped[str] = mapped_column(String(45), unique=True)  # one IPv4 or IPv6 address, normalised
    secret_sealed: Mapped[str] = mapped_column(Text)
