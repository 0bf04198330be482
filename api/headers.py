"""The headers every API answer carries, errors included (added as the answer starts, so no
handler or exception handler can forget them): ``Cache-Control: no-store`` (nothing of a
person's data stays in a cache) and ``X-Content-Type-Options: nosniff``. The API reference
and its documents (``/schema``) carry their Content-Security-Policy."""

from __future__ import annotations

from litestar.types import Message, Scope

from api.reference import CSP

# (path prefix, headers it sets, replacing any of the same name)
RULES: tuple[tuple[str, dict[bytes, bytes]], ...] = (
    ("/v1/", {b"cache-control": b"no-store", b"x-content-type-options": b"nosniff"}),
    ("/schema", {b"content-security-policy": CSP.encode(), b"x-content-type-options": b"nosniff",
                 b"referrer-policy": b"no-referrer"}),
)


async def security_headers(message: Message, scope: Scope) -> None:
    """``before_send``: the rule of the answer's path, on its first message."""
    if message["type"] != "http.response.start":
        return
    path = scope.get("path", "")
    for prefix, headers in RULES:
        if path.startswith(prefix) or path == prefix.rstrip("/"):
            kept = [(k, v) for k, v in message.get("headers", ()) if k.lower() not in headers]
            message["headers"] = [*kept, *headers.items()]
            return
