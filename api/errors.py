"""One exception map: domain errors and framework errors become RFC 9457 problem details."""

from __future__ import annotations

import logging
from typing import Any

from litestar import Request, Response
from litestar.exceptions import (
    HTTPException,
    MethodNotAllowedException,
    NotAuthorizedException,
    NotFoundException,
    PermissionDeniedException,
    ValidationException,
)
from litestar.exceptions.http_exceptions import ClientException

from boa.kernel.errors import BoaError

log = logging.getLogger("boa.api")
PROBLEM = "application/problem+json"


def problem(status: int, code: str, title: str, detail: str, **extra: Any) -> Response[dict[str, Any]]:
    body = {"type": f"https://boa.example/problems/{code}", "title": title, "status": status,
            "detail": detail, "code": code, **extra}
    headers = {}
    if "retry_after" in extra:
        headers["Retry-After"] = str(extra["retry_after"])
    return Response(content=body, status_code=status, media_type=PROBLEM, headers=headers)


def boa_error(_: Request, exc: BoaError) -> Response[dict[str, Any]]:
    return problem(exc.status, exc.code, exc.title, exc.detail, **exc.extra)


def validation_error(_: Request, exc: ValidationException) -> Response[dict[str, Any]]:
    errors = exc.extra if isinstance(exc.extra, list) else []
    return problem(400, "validation_failed", "Validation failed", _clean(exc.detail, errors), errors=errors)


def _clean(detail: str, errors: list[Any]) -> str:
    """The detail with what is wrong (the messages of ``errors``), so that it reads alone."""
    detail = detail or "The request is not valid."
    messages = [str(e["message"]) for e in errors if isinstance(e, dict) and e.get("message")]
    return f"{detail}: {' '.join(messages)}" if messages and not detail.endswith(messages[-1]) else detail


def http_error(_: Request, exc: HTTPException) -> Response[dict[str, Any]]:
    status = exc.status_code
    code = {
        401: "not_authenticated",
        403: "forbidden",
        404: "not_found",
        405: "method_not_allowed",
        413: "payload_too_large",
        415: "unsupported_media_type",
        429: "too_many_requests",
    }.get(status, "validation_failed" if status == 400 else "bad_request" if status < 500 else "internal_error")
    if status >= 500:
        log.error("HTTP %s: %s", status, exc.detail)
        return problem(status, code, "Server error", "Something went wrong on our side.")
    return problem(status, code, code.replace("_", " ").capitalize(), str(exc.detail))


def internal_error(request: Request, exc: Exception) -> Response[dict[str, Any]]:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return problem(500, "internal_error", "Server error", "Something went wrong on our side.")


EXCEPTION_HANDLERS: dict[Any, Any] = {
    BoaError: boa_error,
    ValidationException: validation_error,
    NotFoundException: http_error,
    MethodNotAllowedException: http_error,
    NotAuthorizedException: http_error,
    PermissionDeniedException: http_error,
    ClientException: http_error,
    HTTPException: http_error,
    Exception: internal_error,
}
