"""An authenticator app's provisioning URI as a QR code, drawn on the server as inline SVG (segno),
and the secret as text for typing it in by hand."""

from __future__ import annotations

import io
from urllib.parse import parse_qs, urlparse

import segno
from markupsafe import Markup


def qr_svg(uri: str) -> Markup:
    """An inline SVG (no external image, nothing but the code itself), with a title for screen readers."""
    out = io.BytesIO()
    segno.make(uri, error="m").save(out, kind="svg", scale=5, border=2, xmldecl=False, svgns=True,
                                    title="QR", svgclass="qr", lineclass=None)
    return Markup(out.getvalue().decode("utf-8"))  # noqa: S704 - segno's own SVG of our own URI


def secret_of(uri: str) -> str:
    """The base32 secret of an otpauth URI, in groups of four for reading aloud."""
    secret = parse_qs(urlparse(uri).query).get("secret", [""])[0]
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))
