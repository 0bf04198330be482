"""The pages' cookies: HttpOnly, SameSite=Lax, path /, Secure unless ``BOA_COOKIE_SECURE=false``.

- ``boa_session``: the session token (the same cookie the API's guard reads);
- ``boa_challenge``: the login challenge between the PIN page and the code page (5 minutes);
- ``boa_form``: a random token for the forms shown before login (double submit);
- ``boa_flash``: one message for the next page, after a redirect;
- ``boa_lang``: the chosen language (a year)."""

from __future__ import annotations

import base64
import json
from typing import Any

from litestar.datastructures import Cookie

from admin_ui.i18n import LANGUAGE_COOKIE
from boa.kernel.settings import get_settings
from boa.web.auth import COOKIE as SESSION_COOKIE

CHALLENGE_COOKIE = "boa_challenge"
FORM_COOKIE = "boa_form"
FLASH_COOKIE = "boa_flash"
YEAR = 365 * 24 * 3600

__all__ = ["CHALLENGE_COOKIE", "FLASH_COOKIE", "FORM_COOKIE", "LANGUAGE_COOKIE", "SESSION_COOKIE", "cookie",
           "expired", "flash_cookie", "read_flash"]


def cookie(key: str, value: str, *, max_age: int | None = None) -> Cookie:
    return Cookie(key=key, value=value, httponly=True, secure=get_settings().cookie_secure, samesite="lax",
                  path="/", max_age=max_age)


def expired(key: str) -> Cookie:
    return cookie(key, "", max_age=0)


def flash_cookie(kind: str, text: str) -> Cookie:
    raw = json.dumps({"kind": kind, "text": text}, ensure_ascii=False).encode()
    return cookie(FLASH_COOKIE, base64.urlsafe_b64encode(raw).decode(), max_age=120)


def read_flash(value: str | None) -> dict[str, Any] | None:
    if not value:
        return None
    try:
        data = json.loads(base64.urlsafe_b64decode(value.encode()))
    except (ValueError, TypeError):
        return None
    if not isinstance(data, dict) or data.get("kind") not in ("ok", "error") or not isinstance(data.get("text"), str):
        return None
    return {"kind": data["kind"], "text": data["text"][:500]}
