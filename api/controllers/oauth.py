from __future__ import annotations

import base64
import binascii
from typing import Annotated

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body
from sqlalchemy.ext.asyncio import AsyncSession

from api.schemas.people import Jwks, OAuthToken
from tokens import service_clients
from tokens.service_clients import OAuthError


class OAuthController(Controller):
    path = "/v1/oauth"
    tags = ["Login"]

    @post("/token", opt={"public": True}, status_code=200)
    async def token(
        self, request: Request, db_session: AsyncSession,
        data: Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)],
    ) -> Response[OAuthToken]:
        if data.get("grant_type") != "client_credentials":
            raise OAuthError("Only the client_credentials grant is supported.", code="unsupported_grant_type")
        client_id, secret = data.get("client_id", ""), data.get("client_secret", "")
        header = request.headers.get("authorization", "")
        if header[:6].lower() == "basic ":
            try:
                client_id, _, secret = base64.b64decode(header[6:]).decode().partition(":")
            except (binascii.Error, UnicodeDecodeError):
                raise OAuthError("Malformed Basic credentials.") from None
        if not client_id or not secret:
            raise OAuthError("client_id and client_secret are required.")
        body = await service_clients.issue_token(db_session, client_id, secret, data.get("scope"))
        return Response(msgspec.convert(body, OAuthToken), headers={"Cache-Control": "no-store", "Pragma": "no-cache"})

    @get("/jwks", opt={"public": True})
    async def jwks(self) -> Jwks:
        return msgspec.convert(service_clients.jwks(), Jwks)
