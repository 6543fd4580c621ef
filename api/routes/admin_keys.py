"""Admin keys: issue for a user (the secret shown once), list with today's usage, revoke (at
once on this instance), roll with an overlap during which both keys work."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request

from api.lookup import found
from api.operations import Param, operation, path
from api.pagination import PAGING, page_body, page_request
from api.routes.admin_users import user_or_404
from api.services import Services
from api.storecall import call
from shared.errors import Conflict, InvalidInput, NotFound
from shared.ids import now, utc_day
from shared.keyring import IssuedKey, issue_key, new_key
from shared.limits import DEFAULT_OVERLAP
from shared.models import ApiKey, KeyUsage, Page, Scope
from shared.shapes.base import shape
from shared.shapes.keys import KeyCreate, KeyCreated, KeyRoll, KeyRolled, KeyView, KeyViewPage
from shared.store.base import Store


def usage_fields(key: ApiKey, usage: KeyUsage | None, at: int) -> dict[str, Any]:
    """What a key's view adds to its record: today's usage and whether it works now."""
    return {
        "last_used_at": usage.last_used_at if usage else None,
        "requests_today": usage.requests if usage else 0,
        "rejected_today": usage.rejected if usage else 0,
        "status": key.refusal(at) or "active",
    }


def key_view(key: ApiKey, usage: KeyUsage | None, at: int) -> KeyView:
    return shape(KeyView, key, **usage_fields(key, usage, at))


def key_or_404(store: Store, key_id: str) -> ApiKey:
    return found(store.get_key, "key", key_id)


def issue_for_user(store: Store, user_id: str, scope: Scope, at: int, **options: Any) -> IssuedKey:
    user_or_404(store, user_id)
    return issue_key(store, scope, at, user_id=user_id, **options)


@operation(
    "POST", "Issue a key for a user (the secret is shown once)",
    body=KeyCreate, response=KeyCreated, status=201, errors=(404,),
)
async def create(request: Request, body: KeyCreate) -> KeyCreated:
    services: Services = request.app.state.services
    at = now()
    if body.expires_at is not None and body.expires_at <= at:
        raise InvalidInput("expires_at must be in the future (epoch seconds)", code="invalid_field")
    issued = await call(
        services.store, issue_for_user, services.store, body.user_id, Scope(body.scope), at,
        label=body.label, rate_limit=body.rate_limit, expires_at=body.expires_at,
    )
    return shape(KeyCreated, issued.record, key=issued.secret, **usage_fields(issued.record, None, at))


def keys_with_usage(
    store: Store, user_id: str | None, limit: int, cursor: str | None, day: str
) -> tuple[Page[ApiKey], dict[str, KeyUsage]]:
    """The page's own keys' usage, one small read each: every key's day would read every
    window of the day, which at a million watches is most of a day's writes."""
    page = store.list_keys(user_id=user_id, limit=limit, cursor=cursor)
    return page, {key.id: store.key_usage(key.id, day) for key in page.items}


@operation("GET", "List keys with today's usage", response=KeyViewPage, params=(Param("user_id"), *PAGING))
async def listing(request: Request) -> KeyViewPage:
    services: Services = request.app.state.services
    limit, cursor = page_request(request)
    user_id = request.query_params.get("user_id") or None
    at = now()
    page, usage = await call(services.store, keys_with_usage, services.store, user_id, limit, cursor, utc_day(at))
    return page_body(KeyViewPage, page, lambda key: key_view(key, usage.get(key.id), at))


def key_with_usage(store: Store, key_id: str, day: str) -> tuple[ApiKey, KeyUsage]:
    key = key_or_404(store, key_id)
    return key, store.key_usage(key.id, day)


@operation("GET", "A key", response=KeyView, errors=(404,))
async def detail(request: Request) -> KeyView:
    services: Services = request.app.state.services
    at = now()
    key, usage = await call(services.store, key_with_usage, services.store, request.path_params["key_id"], utc_day(at))
    return key_view(key, usage, at)


def revoke_at(store: Store, key_id: str, at: int) -> ApiKey:
    key_or_404(store, key_id)
    revoked = store.revoke_key(key_id, at)
    if revoked is None:
        raise NotFound(f"no key {key_id!r}", code="key_not_found")
    return revoked


def revoke_now(store: Store, key_id: str, at: int) -> tuple[ApiKey, KeyUsage]:
    return revoke_at(store, key_id, at), store.key_usage(key_id, utc_day(at))


@operation("POST", "Revoke a key now", response=KeyView, errors=(404,))
async def revoke(request: Request) -> KeyView:
    services: Services = request.app.state.services
    at = now()
    key, usage = await call(services.store, revoke_now, services.store, request.path_params["key_id"], at)
    services.keys.forget(key.key_hash)
    return key_view(key, usage, at)


def roll_key(store: Store, key_id: str, overlap: int, at: int) -> tuple[IssuedKey, ApiKey, KeyUsage]:
    """A new key with the old one's owner, scope, label, limit and expiry; the old one stops
    at `at + overlap`. A key already set to stop (rolled before, or revoked) is refused: a
    second roll would leave two live successors of one key."""
    old = key_or_404(store, key_id)
    refusal = old.refusal(at)
    if refusal is not None:
        raise Conflict(f"this key is {refusal}; issue a new key instead", code="key_inactive")
    if old.revoked_at is not None:
        raise Conflict(
            f"this key was already rolled and stops at {old.revoked_at}; roll its successor instead",
            code="key_already_rolled",
        )
    made = new_key(
        old.scope, at, user_id=old.user_id, label=old.label, rate_limit=old.rate_limit, expires_at=old.expires_at
    )
    rolled = store.roll_key(old.id, made.record, at + overlap)
    if rolled is None:  # another roll (or a revocation) got there first: its successor stands alone
        raise Conflict("this key was rolled or revoked meanwhile; roll its successor instead",
                       code="key_already_rolled")
    return made, rolled, store.key_usage(old.id, utc_day(at))


@operation(
    "POST", "Replace a key; the old one works for overlap_seconds more",
    body=KeyRoll, body_optional=True, response=KeyRolled, status=201, errors=(404, 409),
)
async def roll(request: Request, body: KeyRoll) -> KeyRolled:
    services: Services = request.app.state.services
    overlap = DEFAULT_OVERLAP if body.overlap_seconds is None else body.overlap_seconds
    at = now()
    key_id = request.path_params["key_id"]
    issued, old, usage = await call(services.store, roll_key, services.store, key_id, overlap, at)
    services.keys.forget(old.key_hash)
    return shape(
        KeyRolled, issued.record, key=issued.secret, old_key=key_view(old, usage, at),
        **usage_fields(issued.record, None, at),
    )


routes = [
    path("/keys", create, listing),
    path("/keys/{key_id}", detail),
    path("/keys/{key_id}/revoke", revoke),
    path("/keys/{key_id}/roll", roll),
]
