"""Service clients: OAuth 2.0 client credentials (RFC 6749 §4.4) issuing short-lived,
audience-bound JWT access tokens in the RFC 9068 profile, signed with ES256 keys that
rotate: the newest key signs, every key in ``var/keys/jwt/`` is published in the JWKS."""

from __future__ import annotations

import asyncio
import hashlib
import json
import secrets
import uuid
from collections import OrderedDict
from collections.abc import Callable, MutableMapping
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import ECKey, KeySet
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from boa.kernel import audit, clock
from boa.kernel.access_cache import AccessCache
from boa.kernel.audit_actions import AuditAction
from boa.kernel.db import keep_on_error
from boa.kernel.errors import BoaError, NotAuthenticated, ValidationFailed
from boa.kernel.settings import get_settings
from tokens.models import ServiceClient

ISSUER = "boa"
AUDIENCE = "boa-api"
TOKEN_MINUTES = 5
ALGORITHMS = ["ES256"]
SCOPES = ("access:decide",)
MAX_FAILURES = 10
LOCK = timedelta(minutes=15)


class OAuthError(BoaError):
    """An error of the token endpoint: a problem that also carries RFC 6749 §5.2's ``error`` and
    ``error_description``, which OAuth client libraries read."""

    code = "invalid_request"
    title = "Invalid request"
    rfc_error: str | None = None  # the RFC's error name when BOA's code is finer (client_locked)

    def __init__(self, detail: str, *, code: str | None = None) -> None:
        super().__init__(detail, code=code)
        self.extra = {"error": self.rfc_error or self.code, "error_description": detail}


class InvalidClient(OAuthError):
    status = 401
    code = "invalid_client"
    title = "Invalid client"
    rfc_error = "invalid_client"


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _key_dir() -> Path:
    return get_settings().var_dir / "keys" / "jwt"


@lru_cache(maxsize=1)
def key_set() -> KeySet:
    """All signing keys, newest first; a key is generated on first use."""
    directory = _key_dir()
    directory.mkdir(parents=True, exist_ok=True)
    files = sorted(directory.glob("*.json"), reverse=True)
    if not files:
        rotate_key()
        files = sorted(directory.glob("*.json"), reverse=True)
    keys = [ECKey.import_key(json.loads(f.read_text())) for f in files]
    return KeySet(keys)  # type: ignore[arg-type]  # joserfc types KeySet's list as its base Key; ECKeys are Keys


def rotate_key() -> str:
    """Adds a new signing key; older keys stay published until their files are removed."""
    key = ECKey.generate_key("P-256", private=True)
    kid = clock.now().strftime("%Y%m%d%H%M%S") + "-" + secrets.token_hex(4)
    data = key.as_dict(private=True) | {"kid": kid, "use": "sig", "alg": "ES256"}
    path = _key_dir() / f"{kid}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data))
    path.chmod(0o600)
    key_set.cache_clear()
    return kid


def jwks() -> dict:
    return {"keys": [k.as_dict(private=False) | {"kid": k.kid, "use": "sig", "alg": "ES256"} for k in key_set().keys]}


@dataclass
class Registered:
    client: ServiceClient
    secret: str


async def create_client(session: AsyncSession, name: str, scopes: list[str], *, actor: str) -> Registered:
    bad = [s for s in scopes if s not in SCOPES]
    if bad or not scopes:
        raise ValidationFailed(f"scopes must be among {', '.join(SCOPES)}.", field="scope")
    secret = secrets.token_urlsafe(32)
    client = ServiceClient(client_id="boa-" + uuid.uuid4().hex[:16], name=name, secret_hash=_hash(secret),
                           scopes=scopes)
    session.add(client)
    await session.flush()
    await audit.record(session, actor=actor, action=AuditAction.SERVICE_CLIENT_CREATE,
                       subject=f"client:{client.client_id}",
                       name=name, scopes=scopes)
    return Registered(client, secret)


async def issue_token(session: AsyncSession, client_id: str, client_secret: str, scope: str | None) -> dict:
    client = await session.scalar(select(ServiceClient).where(ServiceClient.client_id == client_id).with_for_update())
    if client is None:
        await asyncio.sleep(0)
        secrets.compare_digest(_hash(client_secret), _hash("dummy"))
        raise InvalidClient("Unknown client or wrong secret.")
    locked = clock.aware(client.locked_until)
    if locked is not None and locked > clock.now():
        raise InvalidClient("Too many failed attempts; the client is locked for 15 minutes.", code="client_locked")
    if not client.active or not secrets.compare_digest(_hash(client_secret), client.secret_hash):
        client.failures += 1
        if client.failures >= MAX_FAILURES:
            client.locked_until, client.failures = clock.now() + LOCK, 0
        await audit.record(session, actor="anonymous", action=AuditAction.SERVICE_CLIENT_FAILED,
                           subject=f"client:{client_id}")
        keep_on_error(session)
        raise InvalidClient("Unknown client or wrong secret.")
    granted = client.scopes if not scope else scope.split()
    if any(s not in client.scopes for s in granted):
        raise OAuthError("The client may not ask for that scope.", code="invalid_scope")
    client.failures = 0
    now = int(clock.now().timestamp())
    claims = {"iss": ISSUER, "sub": client.client_id, "aud": AUDIENCE, "client_id": client.client_id,
              "iat": now, "nbf": now, "exp": now + TOKEN_MINUTES * 60, "jti": uuid.uuid4().hex,
              "scope": " ".join(granted)}
    key = key_set().keys[0]
    token = jwt.encode({"alg": "ES256", "kid": key.kid, "typ": "at+jwt"}, claims, key, algorithms=ALGORITHMS)
    return {"access_token": token, "token_type": "Bearer", "expires_in": TOKEN_MINUTES * 60,
            "scope": " ".join(granted)}


# Tokens whose signature, type, issuer and audience were verified, with their claims. A client
# repeats its token for its 5 minutes; the signature check (the costly part) is done once. The
# lifetime is checked on every use and the client's active flag on every request (from the
# access cache, which any change to the client drops), so a disabled client is refused at once.
_VERIFIED: OrderedDict[str, dict] = OrderedDict()
_VERIFIED_MAX = 4096


def _verified_claims(token: str) -> dict:
    claims = _VERIFIED.get(token)
    if claims is not None:
        _VERIFIED.move_to_end(token)
        return claims
    decoded = jwt.decode(token, key_set(), algorithms=ALGORITHMS)
    if decoded.header.get("typ") != "at+jwt":
        raise NotAuthenticated("Not an access token.", code="invalid_token")
    jwt.JWTClaimsRegistry(iss={"essential": True, "value": ISSUER}, aud={"essential": True, "value": AUDIENCE},
                          exp={"essential": True}, sub={"essential": True},
                          now=lambda: int(clock.now().timestamp()), leeway=5).validate(decoded.claims)
    _VERIFIED[token] = decoded.claims
    if len(_VERIFIED) > _VERIFIED_MAX:
        _VERIFIED.popitem(last=False)
    return decoded.claims


async def client_from_jwt(session: Callable[[], AsyncSession], token: str, cache: AccessCache | None = None,
                          request: MutableMapping[str, Any] | None = None) -> tuple[str, frozenset[str]]:
    """Verifies signature, algorithm, type, issuer, audience and lifetime; the client must still be
    active (read from ``cache`` when it holds it: a change to the client drops the cache).
    ``session`` is called only when the database must be read."""
    try:
        claims = _verified_claims(token)
        now = int(clock.now().timestamp())
        if not (claims.get("nbf", 0) - 5 <= now < claims["exp"] + 5):
            raise NotAuthenticated("The access token has expired.", code="invalid_token")
    except (JoseError, ValueError, KeyError, TypeError) as exc:
        raise NotAuthenticated("The access token is not valid.", code="invalid_token") from exc
    async def load() -> bool:
        return bool(await session().scalar(select(ServiceClient.active)
                                           .where(ServiceClient.client_id == claims["sub"])))

    active = (await cache.fetch(("client", claims["sub"]), load, request, keys=lambda _: (f"c:{claims['sub']}",))
              if cache is not None else await load())
    if not active:
        raise NotAuthenticated("The client is not active.", code="invalid_token")
    return str(claims["sub"]), frozenset(str(claims.get("scope", "")).split())
