"""Admin users: create (validated, case-insensitively unique email), find, list, delete."""

from __future__ import annotations

from starlette.requests import Request

from api.lookup import found
from api.operations import Param, operation, path
from api.pagination import PAGING, page_body, page_request
from api.services import Services
from api.storecall import call
from shared import accounts
from shared.config import Settings
from shared.errors import NotFound
from shared.ids import now
from shared.models import ApiKey
from shared.models import User as UserRecord
from shared.paging import PAGE_SIZE, every_item
from shared.shapes.base import shape
from shared.shapes.users import User, UserCreate, UserPage
from shared.store.base import Store
from shared.users import create_user


def user_or_404(store: Store, user_id: str) -> UserRecord:
    return found(store.get_user, "user", user_id)


@operation("POST", "Create a user", body=UserCreate, response=User, status=201, errors=(409,))
async def create(request: Request, body: UserCreate) -> User:
    services: Services = request.app.state.services
    store = services.store
    user = await call(store, create_user, store, email=body.email, name=body.name, webhook_secret=body.webhook_secret)
    return shape(User, user)


@operation(
    "GET",
    "List users, or find one by email",
    response=UserPage,
    params=(Param("email", description="case-insensitive exact match: 0 or 1 item"), *PAGING),
)
async def listing(request: Request) -> UserPage:
    services: Services = request.app.state.services
    store = services.store
    limit, cursor = page_request(request)  # checked with or without email: the document says so
    email = request.query_params.get("email")
    if email is not None:
        match = await call(store, store.get_user_by_email, email.strip())
        return UserPage(items=[shape(User, match)] if match else [], next_cursor=None)
    page = await call(store, store.list_users, limit, cursor)
    return page_body(UserPage, page, lambda user: shape(User, user))


@operation("GET", "A user", response=User, errors=(404,))
async def detail(request: Request) -> User:
    services: Services = request.app.state.services
    return shape(User, await call(services.store, user_or_404, services.store, request.path_params["user_id"]))


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


@operation(
    "DELETE", "Delete a user: revoke their keys, cancel their active alerts, send them nothing more",
    status=204, errors=(404,),
)
async def delete(request: Request) -> None:
    services: Services = request.app.state.services
    keys = await call(services.store, delete_user, services.store, request.path_params["user_id"], now())
    await forget_all(services, keys)


async def forget_all(services: Services, keys: list[ApiKey]) -> None:
    for key in keys:
        services.keys.forget(key.key_hash)


def set_disabled(store: Store, user_id: str, disabled: bool, at: int) -> tuple[UserRecord, list[ApiKey]]:
    changed = accounts.set_disabled(store, user_or_404(store, user_id), disabled, at)
    return changed, all_keys(store, user_id)


@operation("POST", "Disable a user: every key and session of theirs stops now", response=User, errors=(404,))
async def disable(request: Request) -> User:
    services: Services = request.app.state.services
    user, keys = await call(services.store, set_disabled, services.store, request.path_params["user_id"], True, now())
    await forget_all(services, keys)
    return shape(User, user)


@operation("POST", "Enable a disabled user again (their keys stay revoked)", response=User, errors=(404,))
async def enable(request: Request) -> User:
    services: Services = request.app.state.services
    user, _ = await call(services.store, set_disabled, services.store, request.path_params["user_id"], False, now())
    return shape(User, user)


def resend(store: Store, settings: Settings, user_id: str, at: int) -> UserRecord:
    user = user_or_404(store, user_id)
    accounts.resend_verification(store, settings, user, at)
    return user


@operation("POST", "Mail the user a new verification link", response=User, status=202, errors=(404, 409))
async def resend_verification(request: Request) -> User:
    services: Services = request.app.state.services
    store = services.store
    return shape(User, await call(store, resend, store, services.settings, request.path_params["user_id"], now()))


routes = [
    path("/users", create, listing),
    path("/users/{user_id}", detail, delete),
    path("/users/{user_id}/disable", disable),
    path("/users/{user_id}/enable", enable),
    path("/users/{user_id}/resend-verification", resend_verification),
]
