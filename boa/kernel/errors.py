"""One error hierarchy, mapped once for the API (problem+json) and once for the pages."""

from __future__ import annotations

from typing import Any


class BoaError(Exception):
    status = 400
    code = "bad_request"
    title = "Bad request"

    def __init__(self, detail: str, *, code: str | None = None, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        if code:
            self.code = code
        self.extra = extra


class ValidationFailed(BoaError):
    status = 422
    code = "validation_failed"
    title = "Validation failed"


class NotAuthenticated(BoaError):
    status = 401
    code = "not_authenticated"
    title = "Not authenticated"


class InvalidCredentials(NotAuthenticated):
    code = "invalid_credentials"
    title = "Invalid credentials"


class PermissionDenied(BoaError):
    status = 403
    code = "forbidden"
    title = "Forbidden"


class AccessDenied(PermissionDenied):
    code = "access_denied"
    title = "Access denied"

    def __init__(self, detail: str, reasons: list[dict[str, Any]]) -> None:
        super().__init__(detail, reasons=reasons)
        self.reasons = reasons


class OnboardingRequired(AccessDenied):
    """A portal session whose research access is not open yet (SPEC 2): answered like any denial
    (403 ``access_denied`` with the reasons); the admin pages show the onboarding instead."""


class NotFound(BoaError):
    status = 404
    code = "not_found"
    title = "Not found"


class ChangeNotSaved(BoaError):
    """The database refused the request's commit: nothing was changed."""

    status = 503
    code = "not_saved"
    title = "Not saved"


class Conflict(BoaError):
    status = 409
    code = "conflict"
    title = "Conflict"


class InvalidTransition(Conflict):
    code = "invalid_transition"
    title = "Invalid transition"


class Gone(BoaError):
    status = 410
    code = "gone"
    title = "Gone"


class PayloadTooLarge(BoaError):
    status = 413
    code = "payload_too_large"
    title = "Payload too large"


class LockedOut(BoaError):
    status = 423
    code = "locked_out"
    title = "Locked out"

    def __init__(self, detail: str, retry_after: int) -> None:
        super().__init__(detail, retry_after=retry_after)
        self.retry_after = retry_after


class TooManyRequests(BoaError):
    status = 429
    code = "too_many_requests"
    title = "Too many requests"


class ServiceUnavailable(BoaError):
    status = 503
    code = "service_unavailable"
    title = "Service unavailable"
