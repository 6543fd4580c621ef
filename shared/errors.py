"""Errors that carry their HTTP meaning, so every layer can raise and the API maps them once.

Each error has a stable machine `code` (what a client branches on) and a human `message`.
"""

from __future__ import annotations


class CryptowatchError(Exception):
    status: int = 500
    code: str = "internal"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code

    def headers(self) -> dict[str, str]:
        return {}

    def fields(self) -> dict[str, object]:
        """Fields the JSON body carries beside `error` and `message`, for clients that cannot
        read headers (a Connect IQ watch sees only the status and the body)."""
        return {}


class InvalidInput(CryptowatchError):
    status = 400
    code = "invalid_request"


class Unauthorized(CryptowatchError):
    """401. Codes: missing_key, unknown_key, expired_key, revoked_key (as Unkey's verify codes)."""

    status = 401
    code = "unknown_key"


class Forbidden(CryptowatchError):
    status = 403
    code = "forbidden"


class NotFound(CryptowatchError):
    status = 404
    code = "not_found"


class Conflict(CryptowatchError):
    status = 409
    code = "conflict"


class PayloadTooLarge(CryptowatchError):
    status = 413
    code = "payload_too_large"


class UnsupportedMediaType(CryptowatchError):
    status = 415
    code = "unsupported_media_type"


class RateLimited(CryptowatchError):
    status = 429
    code = "rate_limited"

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after

    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)}

    def fields(self) -> dict[str, object]:
        return {"retry_after": self.retry_after}


class StoreUnavailable(CryptowatchError):
    """The store cannot answer now (down, throttled): 503 with Retry-After, never a 500."""

    status = 503
    code = "store_unavailable"

    def __init__(self, message: str = "the store is unavailable, try again shortly", *,
                 retry_after: int = 5) -> None:
        super().__init__(message)
        self.retry_after = retry_after

    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)}

    def fields(self) -> dict[str, object]:
        return {"retry_after": self.retry_after}


class ConfigError(ValueError):
    """A bad configuration value, reported at start-up with the variable's name."""
