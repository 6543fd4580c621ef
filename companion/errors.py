"""Failures of the admin API, typed by what a person can do about them.

The client turns every transport error and non-2xx answer into one of these, each with a
sentence that says what happened and what to try; screens show `message` as is."""

from __future__ import annotations


class CompanionError(Exception):
    """Base: `message` is for people, `code` is the server's machine code (when it sent one)."""

    title = "Request failed"

    def __init__(self, message: str, *, code: str = "", status: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status


class Unreachable(CompanionError):
    """No HTTP answer at all: refused, timed out, DNS, TLS."""

    title = "Server unreachable"


class WrongKey(CompanionError):
    """401: the key is missing, unknown, expired or revoked (`code` says which)."""

    title = "Key refused"


class NotAllowed(CompanionError):
    """403: the key works but may not do this (a watch key on the admin API)."""

    title = "Not allowed"


class RateLimited(CompanionError):
    """429: too many requests this minute; `retry_after` seconds until the window resets."""

    title = "Rate limited"

    def __init__(self, message: str, *, retry_after: int, code: str = "", status: int = 429) -> None:
        super().__init__(message, code=code, status=status)
        self.retry_after = retry_after


class Rejected(CompanionError):
    """400, 409, 413, 415, 422: the server refused the input; `message` names the field."""

    title = "Not accepted"


class Missing(CompanionError):
    """404: the thing is gone (deleted meanwhile, or a wrong id)."""

    title = "Not found"


class ServerFailed(CompanionError):
    """5xx, or an answer the companion cannot read."""

    title = "Server error"
