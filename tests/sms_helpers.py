"""The SMS gateway for tests: a real HTTP server on localhost that BOA's gateway client posts to."""

from __future__ import annotations

import json
import re
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from boa.kernel.settings import get_settings


class SmsGateway(BaseHTTPRequestHandler):
    """A real local HTTP server standing in for the SMS gateway (BOA_SMS_GATEWAY_URL)."""

    messages: list[dict] = []
    mode = "ok"
    calls = 0

    def do_POST(self):  # noqa: N802
        type(self).calls += 1
        body = json.loads(self.rfile.read(int(self.headers["content-length"])))
        if self.mode == "down" or (self.mode == "flaky" and type(self).calls <= 2):
            self.send_response(500)
            self.end_headers()
            return
        type(self).messages.append(body)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b'{"status":"queued"}')

    def log_message(self, *args):
        return None


@pytest.fixture
def sms_gateway(monkeypatch):
    SmsGateway.messages, SmsGateway.mode, SmsGateway.calls = [], "ok", 0
    server = HTTPServer(("127.0.0.1", 0), SmsGateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("BOA_SMS_GATEWAY_URL", f"http://127.0.0.1:{server.server_port}/send")
    get_settings.cache_clear()
    yield SmsGateway
    server.shutdown()
    monkeypatch.delenv("BOA_SMS_GATEWAY_URL")
    get_settings.cache_clear()


def last_code(gateway: type[SmsGateway], to: str | None = None) -> str:
    """The 6-digit code of the newest SMS (to ``to``, if given)."""
    messages = [m for m in list(gateway.messages) if to is None or m["to"] == to]
    assert messages, "no SMS was sent"
    return re.search(r"\b(\d{6})\b", messages[-1]["text"]).group(1)
