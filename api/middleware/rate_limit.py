"""Per-key rate limiting as pure ASGI middleware: one store increment per authenticated
request, the rate-limit headers on every response, 429 with Retry-After past the limit."""

from __future__ import annotations

from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.responses import error_response, response_for
from api.services import Services
from api.storecall import call
from shared.errors import CryptowatchError
from shared.models import ApiKey
from shared.ratelimit import RateDecision


def over_limit(decision: RateDecision) -> Response:
    """429 with Retry-After and the rate-limit fields; `retry_after` in the body too."""
    headers = decision.headers()
    retry_after = max(1, decision.reset_seconds)
    headers["Retry-After"] = str(retry_after)
    return error_response(
        429,
        "rate_limited",
        f"limit of {decision.limit} requests per {decision.window_seconds} s reached; "
        f"retry in {decision.reset_seconds} s",
        headers,
        {"retry_after": retry_after},
    )


async def admit(services: Services, key: ApiKey, at: int) -> RateDecision | Response:
    """Count the request against its key: the decision when it may go on, else the answer to
    send instead (429 past the limit, 503 when the store cannot count)."""
    try:
        decision = await call(services.store, services.limiter.check, key.id, key.rate_limit, at)
    except CryptowatchError as error:
        return response_for(error)
    if not decision.allowed:
        return over_limit(decision)
    return decision


class RateLimitMiddleware:
    """Mounted on each keyed area (api/routes/areas.py), after its scope guard."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        key = scope.get("state", {}).get("api_key") if scope["type"] == "http" else None
        if key is None:
            await self.app(scope, receive, send)
            return
        services: Services = scope["app"].state.services
        decision = await admit(services, key, services.clock())
        if isinstance(decision, Response):
            await decision(scope, receive, send)
            return

        raw_headers = decision.raw_headers()

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", ()), *raw_headers]
            await send(message)

        await self.app(scope, receive, send_with_headers)
