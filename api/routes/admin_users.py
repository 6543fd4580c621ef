"""Admin users: create (validated, case-insensitively unique email), find, list, delete."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from api.lookup import found
from api.pagination import page_body, page_request
from api.requests import read_json
from api.responses import JSONBody
from api.services import Services
from api.storecall import call
from shared.errors import NotFound
from shared.ids import now
from shared.models import ApiKey, User
from shared.paging import PAGE_SIZE, every_item
from shared.store.base import Store
from shared.users import create_user

MIN_SECRET = 16
MAX_SECRET = 200


def user_view(user: User) -> dict[str, Any]:
    """Never the webhook secret: it is write-only."""
    return {"id": user.id, "email": user.email, "name": user.name, "created_at": user.created_at}


def user_or_404(store: Store, user_id: str) -> User:
    return found(store.get_user, "user", user_id)


async def create(request: Request) -> Response:
    services: Services = request.app.state.services
    body = (await read_json(request, services.settings.max_body_bytes)).only(("email", "name", "webhook_secret"))
    email, name = body.raw("email", required=True), body.raw("name", required=True)
    secret = body.exact_string("webhook_secret", min_length=MIN_SECRET, max_length=MAX_SECRET)
    store = services.store
    user = await call(store, create_user, store, email=email, name=name, webhook_secret=secret)
    return JSONBody(user_view(user), status_code=201)


async def listing(request: Request) -> Response:
    services: Services = request.app.state.services
    store = services.store
    limit, cursor = page_request(request)  # checked with or without email: the document says so
    email = request.query_params.get("email")
    if email is not None:
        found = await call(store, store.get_user_by_email, email.strip())
        return JSONBody({"items": [user_view(found)] if found else [], "next_cursor": None})
    page = await call(store, store.list_users, limit, cursor)
    return JSONBody(page_body(page, user_view))


async def detail(request: Request) -> Response:
    services: Services = request.app.state.services
    user = await call(services.store, user_or_404, services.store, request.path_params["user_id"])
    return JSONBody(user_view(user))


def all_keys(store: Store, user_id: str) -> list[ApiKey]:
    return list(every_item(lambda cursor: store.list_keys(user_id=user_id, limit=PAGE_SIZE, cursor=cursor)))


def delete_user(store: Store, user_id: str, at: int) -> list[ApiKey]:
    """Delete the user (the store revokes their keys and cancels their active alerts; the
    outbox sends them nothing more); returns the keys so this instance can drop them from its
    key cache at once."""
    keys = all_keys(store, user_id)
    if not store.delete_user(user_id, at):
        raise NotFound(f"no user {user_id!r}", code="user_not_found")
    return keys


async def delete(request: Request) -> Response:
    services: Services = request.app.state.services
    keys = await call(services.store, delete_user, services.store, request.path_params["user_id"], now())
    for key in keys:
        services.keys.forget(key.key_hash)
    return Response(status_code=204)


routes = [
    Route("/admin/users", create, methods=["POST"]),
    Route("/admin/users", listing, methods=["GET"]),
    Route("/admin/users/{user_id}", detail, methods=["GET"]),
    Route("/admin/users/{user_id}", delete, methods=["DELETE"]),
]
