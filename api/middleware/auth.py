"""API key authentication as pure ASGI middleware (no BaseHTTPMiddleware on the hot path).

The key comes from `X-API-Key` or `Authorization: Bearer`. A refusal is a 401 whose code says
why (missing_key, unknown_key, expired_key, revoked_key, ambiguous_key). The resolved key is
left in `scope["state"]["api_key"]` for the rate limiter, the scope guards of mounted areas
(`RequireScope`: a watch key under /admin/ is a 403) and the handlers. The paths that need no
key are the operations declared `public`. Refusals are limited per client address
(`auth_failures.py`): past the limit, 429.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterable

from starlette.types import ASGIApp, Receive, Scope, Send

from api.middleware.auth_failures import FailureLimiter, client_address
from api.responses import response_for
from api.services import Services
from api.storecall import call
from shared.cache import MISSING
from shared.errors import CryptowatchError, Forbidden, Unauthorized
from shared.keys import hash_key, looks_like_key
from shared.models import ApiKey
from shared.models import Scope as KeyScope


def presented_key(scope: Scope) -> str | None:
    """The key a request carries, in X-API-Key or Authorization: Bearer (other schemes are not
    ours and are ignored). Two different keys, in two headers of either kind, are refused:
    which one counts would be a guess, and a proxy checking one while we use the other is how
    credentials are smuggled."""
    found: str | None = None
    for name, value in scope["headers"]:
        if name == b"x-api-key":
            token = value.decode("latin-1").strip()
        elif name == b"authorization":
            scheme, _, rest = value.decode("latin-1").partition(" ")
            token = rest.strip() if scheme.lower() == "bearer" else ""
        else:
            continue
        if token and found is not None and token != found:
            raise Unauthorized(
                "send one API key, in X-API-Key or Authorization: Bearer, not two different ones",
                code="ambiguous_key",
            )
        found = token or found
    return found


async def authenticate(services: Services, secret: str | None, at: int) -> ApiKey:
    """Resolve a presented key through the key cache; raise Unauthorized with the reason."""
    if secret is None:
        raise Unauthorized("send your API key in the X-API-Key header", code="missing_key")
    if not looks_like_key(secret):
        raise Unauthorized("this API key is not valid", code="unknown_key")
    key_hash = hash_key(secret)
    found = services.keys.get(key_hash)
    if found is MISSING:
        generation = services.keys.generation
        looked_up = await call(services.store, services.store.find_key_by_hash, key_hash)
        services.keys.put(key_hash, looked_up, generation)
        found = looked_up
    if not isinstance(found, ApiKey) or not hmac.compare_digest(found.key_hash, key_hash) or not found.scope.bearer:
        raise Unauthorized("this API key is not valid", code="unknown_key")
    reason = found.refusal(at)
    if reason is not None:
        raise Unauthorized(f"this API key is {reason}", code=f"{reason}_key")
    return found


def cached_key(services: Services, scope: Scope, at: int) -> ApiKey | None:
    """The request's key when this instance already knows it and it is in force now; None when
    that takes a store lookup or ends in a refusal (the full stack then answers)."""
    try:
        secret = presented_key(scope)
    except Unauthorized:
        return None
    if secret is None:
        return None
    found = services.keys.get(hash_key(secret))
    if isinstance(found, ApiKey) and found.scope.bearer and found.refusal(at) is None:
        return found
    return None


class AuthMiddleware:
    def __init__(self, app: ASGIApp, services: Services, public_paths: Iterable[str]) -> None:
        self.app = app
        self.services = services
        self.public_paths = frozenset(public_paths)
        self.failures = FailureLimiter(services.settings.auth_failures_per_minute)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in self.public_paths:
            await self.app(scope, receive, send)
            return
        at, address = self.services.clock(), client_address(scope)
        try:
            blocked = self.failures.blocked(address, at)
            if blocked is not None and cached_key(self.services, scope, at) is None:
                raise blocked
            try:
                key = await authenticate(self.services, presented_key(scope), at)
            except Unauthorized:
                self.failures.refused(address, at)
                raise
        except CryptowatchError as error:
            await response_for(error)(scope, receive, send)
            return
        scope.setdefault("state", {})["api_key"] = key
        await self.app(scope, receive, send)


class RequireScope:
    """The guard of a mounted area: only a key of `needed` scope gets past (a 403 otherwise).
    Auth has already run, so a request here carries a key."""

    def __init__(self, app: ASGIApp, needed: KeyScope) -> None:
        self.app = app
        self.needed = needed

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        key = scope.get("state", {}).get("api_key")
        if scope["type"] == "http" and (key is None or key.scope != self.needed):
            refusal = Forbidden(f"this route needs an {self.needed.value} key", code="insufficient_scope")
            await response_for(refusal)(scope, receive, send)
            return
        await self.app(scope, receive, send)
