"""Admin keys: issue for a user (the secret shown once), list with today's usage, revoke (at
once on this instance), roll with an overlap during which both keys work."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from api.lookup import found
from api.pagination import page_request
from api.requests import read_json
from api.responses import JSONBody
from api.routes.admin_users import user_or_404
from api.services import Services
from api.storecall import call
from shared.errors import Conflict, InvalidInput, NotFound
from shared.ids import now, utc_day
from shared.keyring import IssuedKey, issue_key
from shared.models import ApiKey, KeyUsage, Page, Scope
from shared.store.base import Store

DEFAULT_OVERLAP = 86_400
MAX_OVERLAP = 30 * 86_400
MAX_RATE_LIMIT = 1_000_000
MAX_EPOCH = 2**40


def key_view(key: ApiKey, usage: KeyUsage | None, at: int) -> dict[str, Any]:
    refusal = key.refusal(at)
    return {
        "id": key.id,
        "prefix": key.prefix,
        "scope": key.scope.value,
        "user_id": key.user_id,
        "label": key.label,
        "rate_limit": key.rate_limit,
        "created_at": key.created_at,
        "expires_at": key.expires_at,
        "revoked_at": key.revoked_at,
        "last_used_at": usage.last_used_at if usage else None,
        "requests_today": usage.requests if usage else 0,
        "rejected_today": usage.rejected if usage else 0,
        "status": refusal or "active",
    }


def key_or_404(store: Store, key_id: str) -> ApiKey:
    return found(store.get_key, "key", key_id)


def issue_for_user(store: Store, user_id: str, scope: Scope, at: int, **options: Any) -> IssuedKey:
    user_or_404(store, user_id)
    return issue_key(store, scope, at, user_id=user_id, **options)


async def create(request: Request) -> Response:
    services: Services = request.app.state.services
    body = (await read_json(request, services.settings.max_body_bytes)).only(
        ("user_id", "scope", "label", "rate_limit", "expires_at")
    )
    user_id = body.required_string("user_id")
    scope = body.choice("scope", Scope, required=True)
    assert scope is not None
    label = body.string("label", max_length=100)
    rate_limit = body.integer("rate_limit", low=1, high=MAX_RATE_LIMIT)
    expires_at = body.integer("expires_at", low=0, high=MAX_EPOCH)
    at = now()
    if expires_at is not None and expires_at <= at:
        raise InvalidInput("expires_at must be in the future (epoch seconds)", code="invalid_field")
    issued = await call(
        services.store,
        issue_for_user,
        services.store,
        user_id,
        scope,
        at,
        label=label,
        rate_limit=rate_limit,
        expires_at=expires_at,
    )
    return JSONBody({"key": issued.secret, **key_view(issued.record, None, at)}, status_code=201)


def keys_with_usage(
    store: Store, user_id: str | None, limit: int, cursor: str | None, day: str
) -> tuple[Page[ApiKey], dict[str, KeyUsage]]:
    """The page's own keys' usage, one small read each: every key's day would read every
    window of the day, which at a million watches is most of a day's writes."""
    page = store.list_keys(user_id=user_id, limit=limit, cursor=cursor)
    return page, {key.id: store.key_usage(key.id, day) for key in page.items}


async def listing(request: Request) -> Response:
    services: Services = request.app.state.services
    limit, cursor = page_request(request)
    user_id = request.query_params.get("user_id") or None
    at = now()
    page, usage = await call(services.store, keys_with_usage, services.store, user_id, limit, cursor, utc_day(at))
    items = [key_view(key, usage.get(key.id), at) for key in page.items]
    return JSONBody({"items": items, "next_cursor": page.next_cursor})


def key_with_usage(store: Store, key_id: str, day: str) -> tuple[ApiKey, KeyUsage]:
    key = key_or_404(store, key_id)
    return key, store.key_usage(key.id, day)


async def detail(request: Request) -> Response:
    services: Services = request.app.state.services
    at = now()
    key, usage = await call(services.store, key_with_usage, services.store, request.path_params["key_id"], utc_day(at))
    return JSONBody(key_view(key, usage, at))


def revoke_at(store: Store, key_id: str, at: int) -> ApiKey:
    key_or_404(store, key_id)
    revoked = store.revoke_key(key_id, at)
    if revoked is None:
        raise NotFound(f"no key {key_id!r}", code="key_not_found")
    return revoked


def revoke_now(store: Store, key_id: str, at: int) -> tuple[ApiKey, KeyUsage]:
    return revoke_at(store, key_id, at), store.key_usage(key_id, utc_day(at))


async def revoke(request: Request) -> Response:
    services: Services = request.app.state.services
    at = now()
    key, usage = await call(services.store, revoke_now, services.store, request.path_params["key_id"], at)
    services.keys.forget(key.key_hash)
    return JSONBody(key_view(key, usage, at))


def roll_key(store: Store, key_id: str, overlap: int, at: int) -> tuple[IssuedKey, ApiKey, KeyUsage]:
    """A new key with the old one's owner, scope, label, limit and expiry; the old one stops
    at `at + overlap`."""
    old = key_or_404(store, key_id)
    refusal = old.refusal(at)
    if refusal is not None:
        raise Conflict(f"this key is {refusal}; issue a new key instead", code="key_inactive")
    issued = issue_key(
        store,
        old.scope,
        at,
        user_id=old.user_id,
        label=old.label,
        rate_limit=old.rate_limit,
        expires_at=old.expires_at,
    )
    return issued, revoke_at(store, old.id, at + overlap), store.key_usage(old.id, utc_day(at))


async def roll(request: Request) -> Response:
    services: Services = request.app.state.services
    body = (await read_json(request, services.settings.max_body_bytes, optional=True)).only(("overlap_seconds",))
    overlap = body.integer("overlap_seconds", low=0, high=MAX_OVERLAP)
    at = now()
    issued, old, usage = await call(
        services.store,
        roll_key,
        services.store,
        request.path_params["key_id"],
        DEFAULT_OVERLAP if overlap is None else overlap,
        at,
    )
    services.keys.forget(old.key_hash)
    view = {
        "key": issued.secret,
        **key_view(issued.record, None, at),
        "old_key": key_view(old, usage, at),
    }
    return JSONBody(view, status_code=201)


routes = [
    Route("/admin/keys", create, methods=["POST"]),
    Route("/admin/keys", listing, methods=["GET"]),
    Route("/admin/keys/{key_id}", detail, methods=["GET"]),
    Route("/admin/keys/{key_id}/revoke", revoke, methods=["POST"]),
    Route("/admin/keys/{key_id}/roll", roll, methods=["POST"]),
]
