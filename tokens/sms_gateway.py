"""Sending SMS: an HTTP gateway client (httpx, retries with back-off on 5xx and connection
errors, a timeout), and the demo's outbox file when no gateway is configured."""

from __future__ import annotations

import asyncio
import json
import logging
from pathlib import Path
from typing import Protocol

import httpx

from boa.kernel import clock

log = logging.getLogger("boa.sms")


class SmsGatewayUnavailable(Exception):
    code = "sms_unavailable"


class SmsSender(Protocol):
    async def send(self, to: str, text: str) -> None: ...


class SmsGateway:
    def __init__(self, url: str, *, timeout: float = 5.0, retries: int = 3, backoff: float = 0.2,
                 client: httpx.AsyncClient | None = None) -> None:
        self.url, self.timeout, self.retries, self.backoff = url, timeout, retries, backoff
        self._client = client

    async def send(self, to: str, text: str) -> None:
        async with httpx.AsyncClient(timeout=self.timeout) if self._client is None else _borrow(self._client) as http:
            for attempt in range(1, self.retries + 1):
                try:
                    response = await http.post(self.url, json={"to": to, "text": text})
                except httpx.HTTPError as exc:
                    log.warning("SMS gateway attempt %s failed: %s", attempt, type(exc).__name__)
                else:
                    if response.status_code < 400:
                        return
                    if response.status_code < 500:
                        raise SmsGatewayUnavailable(f"The SMS gateway refused the message ({response.status_code}).")
                    log.warning("SMS gateway attempt %s answered %s", attempt, response.status_code)
                if attempt < self.retries:
                    await asyncio.sleep(self.backoff * 2 ** (attempt - 1))
        raise SmsGatewayUnavailable("The SMS gateway is not answering.")


class _borrow:
    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def __aenter__(self) -> httpx.AsyncClient:
        return self.client

    async def __aexit__(self, *_: object) -> None:
        return None


class OutboxSms:
    """The demo's stand-in: one JSON line a message in ``var/outbox/sms.jsonl``."""

    def __init__(self, path: Path) -> None:
        self.path = path

    async def send(self, to: str, text: str) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        line = json.dumps({"at": clock.now().isoformat(), "to": to, "text": text}, ensure_ascii=False) + "\n"
        with self.path.open("a", encoding="utf-8") as fh:
            fh.write(line)


def sms_text(code: str, lang: str = "da") -> str:
    if lang == "en":
        return f"Your BOA code is {code}. It expires in 5 minutes."
    return f"Din BOA-kode er {code}. Den udløber om 5 minutter."


def sender() -> SmsSender:
    from boa.kernel.settings import get_settings

    settings = get_settings()
    if settings.sms_gateway_url:
        return SmsGateway(settings.sms_gateway_url)
    return OutboxSms(settings.outbox_dir / "sms.jsonl")
