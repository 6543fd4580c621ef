"""CORS for browser clients (a wearer's dashboard, a web watch face preview): off unless
CORS_ORIGINS names origins. Starlette's CORSMiddleware answers preflights before auth (a
preflight carries no key) and adds the headers to every answer, errors included.

Keys travel in headers, never cookies, so credentials stay off: a page must send its key itself.
The headers a client reads (ETag, the rate-limit fields, Retry-After) are exposed.
"""

from __future__ import annotations

from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware

from shared.config import Settings

ALLOWED_HEADERS = ["X-API-Key", "Authorization", "Content-Type", "If-None-Match"]
EXPOSED_HEADERS = [
    "ETag", "Retry-After", "RateLimit-Policy", "RateLimit", "RateLimit-Limit", "RateLimit-Remaining",
    "RateLimit-Reset",
]  # fmt: skip
PREFLIGHT_CACHE_SECONDS = 600


def cors_middleware(settings: Settings) -> list[Middleware]:
    """The middleware to put outermost, or none when no origin is configured."""
    if not settings.cors_origins:
        return []
    return [
        Middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors_origins),
            allow_methods=["GET", "POST", "DELETE"],
            allow_headers=ALLOWED_HEADERS,
            expose_headers=EXPOSED_HEADERS,
            allow_credentials=False,
            max_age=PREFLIGHT_CACHE_SECONDS,
        )
    ]
