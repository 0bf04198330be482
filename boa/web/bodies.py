"""Bounded request bodies: a body that stops arriving is cut off after a read timeout (408
``request_timeout``) instead of holding its worker; the size cap is Litestar's
``request_max_body_size`` (1 MiB by default, the transfer uploads their own limits). Together with
:func:`boa.web.transactions.release_after_guard` no transaction waits while a body is read."""

from __future__ import annotations

import asyncio

from litestar.types import ASGIApp, Receive, ReceiveMessage, Scope, Send

from boa.kernel.errors import BoaError
from boa.kernel.settings import get_settings


class BodyTimeout(BoaError):
    status = 408
    code = "request_timeout"
    title = "Request timeout"


def read_timeout(app: ASGIApp) -> ASGIApp:
    """ASGI middleware: each part of an HTTP request's body must arrive within the read timeout
    (``BOA_BODY_READ_TIMEOUT_SECONDS``); once the body is complete, ``receive`` is passed through
    (a response that waits for the client to go away is not cut off)."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        timeout = get_settings().body_read_timeout_seconds
        complete = False

        async def bounded() -> ReceiveMessage:
            nonlocal complete
            if complete:
                return await receive()
            try:
                message = await asyncio.wait_for(receive(), timeout)
            except TimeoutError:
                complete = True
                raise BodyTimeout(f"The request's body stopped arriving for {timeout:g} seconds.") from None
            if message["type"] != "http.request" or not message.get("more_body", False):
                complete = True
            return message

        await app(scope, bounded, send)

    return middleware
