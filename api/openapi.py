"""The OpenAPI document says what the API really answers: every error is an RFC 9457 problem
(``application/problem+json``) with the API's conventional status codes (API.md), not
Litestar's default ``{"status_code", "detail", "extra"}`` body for 400."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import msgspec
from litestar import Litestar
from litestar.handlers.http_handlers import HTTPRouteHandler
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import (
    Encoding,
    OpenAPIFormat,
    OpenAPIMediaType,
    OpenAPIType,
    Operation,
    Reference,
    RequestBody,
    Schema,
)

PROBLEM = "application/problem+json"
ERRORS = {
    400: "Bad input (malformed JSON, wrong types, unknown fields)",
    401: "Not authenticated, or wrong credentials or code",
    403: "Authenticated but not allowed; a denial by the access decision carries reasons",
    404: "Not found, or not visible to the caller",
    409: "Conflict with the current state",
    422: "Validation failed",
    423: "Login locked out (retry_after seconds)",
    429: "Too many requests",
    503: "A service BOA depends on (the database, the SMS gateway) is unavailable; `not_saved`: the change "
         "could not be committed and nothing was changed",
}


class Problem(msgspec.Struct):
    """RFC 9457 problem details with a stable snake_case ``code``; a denial by the access decision
    carries ``reasons``, a validation error ``errors``, a lockout ``retry_after``, an error of the
    OAuth token endpoint also RFC 6749's ``error`` and ``error_description``."""

    type: str
    title: str
    status: int
    detail: str
    code: str
    reasons: list[dict[str, Any]] | msgspec.UnsetType = msgspec.UNSET
    errors: list[dict[str, Any]] | msgspec.UnsetType = msgspec.UNSET
    retry_after: int | msgspec.UnsetType = msgspec.UNSET
    error: str | msgspec.UnsetType = msgspec.UNSET  # the token endpoint: RFC 6749 §5.2
    error_description: str | msgspec.UnsetType = msgspec.UNSET


@dataclass
class MultipartUpload(Operation):
    """The transfer upload's body, which its handler reads as a stream (so that the limits apply
    while it arrives) and Litestar therefore cannot describe: ``project``, then ``files``."""

    with_project = True

    def __post_init__(self) -> None:
        files = Schema(type=OpenAPIType.ARRAY, items=Schema(type=OpenAPIType.STRING, format=OpenAPIFormat.BINARY),
                       description="One or more result files; each part's filename (a relative path) is kept.")
        project = Schema(type=OpenAPIType.STRING, description="The project number; this part comes first.")
        fields: dict[str, Schema | Reference] = {"project": project, "files": files} if self.with_project \
            else {"files": files}
        form = Schema(type=OpenAPIType.OBJECT, required=list(fields), properties=fields)
        self.request_body = RequestBody(required=True, content={"multipart/form-data": OpenAPIMediaType(
            schema=form, encoding={"files": Encoding(content_type="application/octet-stream")})})


@dataclass
class MultipartAddition(MultipartUpload):
    """Files added to an open transfer: ``files`` only (the transfer names the project)."""

    with_project = False


@dataclass
class DocumentUpload(Operation):
    """A breach report's documentation, which its handler reads from the form itself (a form
    without the file is a 422, not Litestar's extractor error): one file as ``data``."""

    def __post_init__(self) -> None:
        form = Schema(type=OpenAPIType.OBJECT, required=["data"], properties={
            "data": Schema(type=OpenAPIType.STRING, format=OpenAPIFormat.BINARY,
                           description="One PDF or DOCX document (minutes, agendas)."),
        })
        self.request_body = RequestBody(required=True, content={"multipart/form-data": OpenAPIMediaType(
            schema=form, encoding={"data": Encoding(content_type="application/octet-stream")})})


class VariableDescriptionUpload(Operation):
    """A proposal's variable description, which its handler reads from the form itself: one CSV or
    XLSX file as ``data`` and the external data's ``description``."""

    def __post_init__(self) -> None:
        form = Schema(type=OpenAPIType.OBJECT, required=["data"], properties={
            "data": Schema(type=OpenAPIType.STRING, format=OpenAPIFormat.BINARY,
                           description="The variable description: .csv, .txt or .xlsx with the columns variable, "
                                       "label (optional) and pseudonymise (ja/nej, yes/no)."),
            "description": Schema(type=OpenAPIType.STRING,
                                  description="The external data's description (required unless it has one)."),
        })
        self.request_body = RequestBody(required=True, content={"multipart/form-data": OpenAPIMediaType(
            schema=form, encoding={"data": Encoding(content_type="application/octet-stream")})})


def install(app: Litestar) -> None:
    """Documents the problem responses on every route handler of the app."""
    specs = {status: ResponseSpec(data_container=Problem, media_type=PROBLEM, description=text,
                                  generate_examples=False)
             for status, text in ERRORS.items()}
    for route in app.routes:
        for handler in getattr(route, "route_handlers", ()):
            if isinstance(handler, HTTPRouteHandler) and handler.include_in_schema is not False:
                extra = {}
                if handler.status_code == 204:
                    # "No Content" has no body and no media type (Litestar documents a JSON null).
                    extra[204] = ResponseSpec(data_container=None, description="No Content",
                                              generate_examples=False)
                handler.responses = {**specs, **extra, **(handler.responses or {})}
