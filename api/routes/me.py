"""What a logged-in wearer does with their session (a key of scope `user`): see themselves,
manage their own watch keys, change their password, log out. Their alerts are the ones of
`/v1/alerts`, which serves any key's owner. A session reaches only its own user's records: a
key of anyone else is a 404, as if it did not exist."""

from __future__ import annotations

from starlette.requests import Request

from api.operations import operation, path
from api.routes.admin_keys import key_view, usage_fields
from api.routes.admin_users import all_keys
from api.services import Services
from api.storecall import call, slow_call
from shared import accounts
from shared.errors import Conflict, Forbidden, NotFound
from shared.ids import now
from shared.keyring import IssuedKey, issue_key
from shared.models import ApiKey, Scope, User
from shared.shapes.accounts import Accepted, Me, MyKeyCreate, PasswordChange
from shared.shapes.base import shape
from shared.shapes.keys import KeyCreated, KeyView, KeyViewPage
from shared.store.base import Store

#: Watch keys a wearer may hold at once (revoked and expired ones do not count).
MAX_WATCH_KEYS = 20
NO_STORE = {"Cache-Control": "no-store"}


def session_of(request: Request) -> ApiKey:
    key: ApiKey = request.state.api_key
    if key.scope is not Scope.USER or key.user_id is None:
        raise Forbidden("this route needs a login session (POST /v1/auth/login)", code="insufficient_scope")
    return key


def account(store: Store, user_id: str) -> User:
    user = store.get_user(user_id)
    if user is None or user.disabled:
        raise Forbidden("this account is gone or disabled", code="account_disabled")
    return user


async def me_of(request: Request) -> User:
    services: Services = request.app.state.services
    return await call(services.store, account, services.store, session_of(request).user_id)


async def forget_keys_of(services: Services, user_id: str) -> None:
    """Drop the user's keys from this instance's key cache, so revoked ones stop at once here."""
    for key in await call(services.store, all_keys, services.store, user_id):
        services.keys.forget(key.key_hash)


@operation("GET", "The logged-in wearer", response=Me, errors=(403,), headers=NO_STORE)
async def me(request: Request) -> Me:
    return shape(Me, await me_of(request))


def watch_keys(store: Store, user_id: str) -> list[ApiKey]:
    return [key for key in all_keys(store, user_id) if key.scope is Scope.WATCH]


@operation("GET", "The wearer's watch keys", response=KeyViewPage, errors=(403,))
async def my_keys(request: Request) -> KeyViewPage:
    services: Services = request.app.state.services
    user, at = await me_of(request), now()
    keys = await call(services.store, watch_keys, services.store, user.id)
    return KeyViewPage(items=[key_view(key, None, at) for key in keys], next_cursor=None)


def new_watch_key(store: Store, user_id: str, label: str | None, at: int) -> IssuedKey:
    live = [key for key in watch_keys(store, user_id) if key.refusal(at) is None]
    if len(live) >= MAX_WATCH_KEYS:
        raise Conflict(f"at most {MAX_WATCH_KEYS} watch keys at once; revoke one first", code="key_limit")
    return issue_key(store, Scope.WATCH, at, user_id=user_id, label=label)


@operation(
    "POST", "Issue a watch key for the wearer (the secret is shown once)",
    body=MyKeyCreate, body_optional=True, response=KeyCreated, status=201, errors=(403, 409),
)
async def create_key(request: Request, body: MyKeyCreate | None) -> KeyCreated:
    services: Services = request.app.state.services
    user, at = await me_of(request), now()
    issued = await call(services.store, new_watch_key, services.store, user.id, body.label if body else None, at)
    return shape(KeyCreated, issued.record, key=issued.secret, **usage_fields(issued.record, None, at))


def revoke_own(store: Store, user_id: str, key_id: str, at: int) -> ApiKey:
    key = store.get_key(key_id)
    if key is None or key.user_id != user_id or key.scope is not Scope.WATCH:
        raise NotFound(f"no key {key_id!r}", code="key_not_found")
    return store.revoke_key(key_id, at) or key


@operation("POST", "Revoke one of the wearer's watch keys now", response=KeyView, errors=(403, 404))
async def revoke_key(request: Request) -> KeyView:
    services: Services = request.app.state.services
    user, at = await me_of(request), now()
    key = await call(services.store, revoke_own, services.store, user.id, request.path_params["key_id"], at)
    services.keys.forget(key.key_hash)
    return key_view(key, None, at)


@operation(
    "POST", "Change the password; every session ends, this one too",
    body=PasswordChange, response=Accepted, errors=(401, 403),
)
async def change_password(request: Request, body: PasswordChange) -> Accepted:
    services: Services = request.app.state.services
    user = await me_of(request)
    await slow_call(accounts.change_password, services.store, user, body.current_password, body.new_password, now())
    await forget_keys_of(services, user.id)
    return Accepted(status="password_set")


@operation("POST", "Log out: this session token stops working", status=204, errors=(403,))
async def logout(request: Request) -> None:
    services: Services = request.app.state.services
    session = session_of(request)
    await call(services.store, services.store.revoke_key, session.id, now())
    services.keys.forget(session.key_hash)


routes = [
    path("/me", me),
    path("/me/keys", my_keys, create_key),
    path("/me/keys/{key_id}/revoke", revoke_key),
    path("/me/password", change_password),
    path("/auth/logout", logout),
]
