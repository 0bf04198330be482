"""RADIUS on the wire, checked strictly before anything else looks at a packet (pure functions).

A request is taken apart here (RFC 2865 section 3 and 5): the header, then every attribute, whose
lengths must add up exactly to the packet's Length (a truncated attribute is malformed, octets
after Length are padding). Its Message-Authenticator (RFC 3579 section 3.2) is checked here too,
with HMAC-MD5 over the packet as received and a constant-time comparison: exactly one, 16 octets,
keyed with the gateway's own secret. pyrad (``dictionary``, ``reply``) encodes the answers: the
Reply-Message, State and timeouts, the Response Authenticator and the answer's own
Message-Authenticator, first among its attributes (the Blast-RADIUS advice, CVE-2024-3596)."""

from __future__ import annotations

import hashlib
import hmac
import io
import struct
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from pyrad.dictionary import Dictionary
from pyrad.packet import AuthPacket

ACCESS_REQUEST, ACCESS_ACCEPT, ACCESS_REJECT, ACCESS_CHALLENGE, STATUS_SERVER = 1, 2, 3, 11, 12
USER_NAME, USER_PASSWORD, STATE, PROXY_STATE, MESSAGE_AUTHENTICATOR = 1, 2, 24, 33, 80
HEADER = 20
MAX_PACKET = 4096  # RFC 2865 section 3
MAX_USER_NAME = 64

# The attributes BOA reads or writes (RFC 2865, 2869, 3579); anything else is carried as octets.
_DICTIONARY = """
ATTRIBUTE User-Name 1 string
ATTRIBUTE User-Password 2 string encrypt=1
ATTRIBUTE NAS-IP-Address 4 ipaddr
ATTRIBUTE NAS-Port 5 integer
ATTRIBUTE Service-Type 6 integer
ATTRIBUTE Reply-Message 18 string
ATTRIBUTE State 24 octets
ATTRIBUTE Class 25 octets
ATTRIBUTE Session-Timeout 27 integer
ATTRIBUTE Idle-Timeout 28 integer
ATTRIBUTE Called-Station-Id 30 string
ATTRIBUTE Calling-Station-Id 31 string
ATTRIBUTE NAS-Identifier 32 string
ATTRIBUTE Proxy-State 33 octets
ATTRIBUTE Message-Authenticator 80 octets
"""


@lru_cache(maxsize=1)
def dictionary() -> Dictionary:
    return Dictionary(io.StringIO(_DICTIONARY))


class Dropped(Exception):
    """A packet that gets no answer at all; ``reason`` is what the log counts."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Request:
    """A request as received: the header, the attributes in order, and where each value starts."""

    raw: bytes  # the packet up to its Length (padding cut off)
    code: int
    identifier: int
    authenticator: bytes
    attributes: tuple[tuple[int, int, bytes], ...]  # (type, offset of the value, value)

    def values(self, kind: int) -> list[bytes]:
        return [value for t, _, value in self.attributes if t == kind]

    def first(self, kind: int) -> bytes | None:
        found = self.values(kind)
        return found[0] if found else None


def parse(data: bytes) -> Request:
    """The request in ``data``, or :class:`Dropped` (``oversize``, ``malformed``,
    ``truncated_attribute``)."""
    if len(data) > MAX_PACKET:
        raise Dropped("oversize")
    if len(data) < HEADER:
        raise Dropped("malformed")
    code, identifier, length = struct.unpack("!BBH", data[:4])
    if length < HEADER or length > len(data):
        raise Dropped("malformed")
    raw = data[:length]
    attributes = []
    at = HEADER
    while at < length:
        if at + 2 > length:
            raise Dropped("truncated_attribute")
        kind, size = raw[at], raw[at + 1]
        if size < 2 or at + size > length:
            raise Dropped("truncated_attribute")
        attributes.append((kind, at + 2, raw[at + 2:at + size]))
        at += size
    return Request(raw, code, identifier, raw[4:20], tuple(attributes))


def message_authenticator_ok(request: Request, secret: bytes) -> bool:
    """Exactly one Message-Authenticator of 16 octets, and it is HMAC-MD5 (keyed with ``secret``)
    of the packet with that value zeroed (RFC 3579 section 3.2)."""
    found = [(offset, value) for kind, offset, value in request.attributes if kind == MESSAGE_AUTHENTICATOR]
    if len(found) != 1 or len(found[0][1]) != 16:
        return False
    offset, value = found[0]
    zeroed = request.raw[:offset] + bytes(16) + request.raw[offset + 16:]
    return hmac.compare_digest(value, hmac.new(secret, zeroed, hashlib.md5).digest())


def user_name(request: Request) -> str | None:
    """The User-Name as text, or None when it is missing, too long, not UTF-8 or holds a control
    character (such a request is refused, never looked up)."""
    raw = request.first(USER_NAME)
    if raw is None or not 0 < len(raw) <= MAX_USER_NAME:
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") for ch in text):
        return None
    return text


def user_password(request: Request, secret: bytes) -> str | None:
    """The User-Password unhidden with the gateway's secret (RFC 2865 section 5.2), or None when
    it is missing or its length is not 16-128 octets in steps of 16."""
    raw = request.first(USER_PASSWORD)
    if raw is None or not 16 <= len(raw) <= 128 or len(raw) % 16:
        return None
    return AuthPacket(secret=secret, authenticator=request.authenticator).PwDecrypt(raw)


def reply(request: Request, secret: bytes, code: int, *, messages: tuple[str, ...] = (), state: bytes | None = None,
          session_timeout: int | None = None, idle_timeout: int | None = None) -> bytes:
    """The encoded answer to ``request``: Message-Authenticator first, the Proxy-States copied,
    each message a Reply-Message cut to what one attribute holds."""
    answer = AuthPacket(code=code, id=request.identifier, secret=secret, authenticator=request.authenticator,
                        dict=dictionary())
    answer.add_message_authenticator()
    for value in request.values(PROXY_STATE):
        answer.AddAttribute("Proxy-State", value)
    for text in messages:
        answer.AddAttribute("Reply-Message", fit(text))
    if state is not None:
        answer.AddAttribute("State", state)
    if session_timeout is not None:
        answer.AddAttribute("Session-Timeout", max(1, session_timeout))
    if idle_timeout is not None:
        answer.AddAttribute("Idle-Timeout", max(1, idle_timeout))
    return answer.ReplyPacket()


def fit(text: str, limit: int = 253) -> str:
    """``text`` cut to ``limit`` octets of UTF-8 without splitting a character."""
    data = text.encode("utf-8")
    return text if len(data) <= limit else data[:limit].decode("utf-8", errors="ignore")
