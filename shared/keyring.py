"""Issuing, finding and revoking API keys: the operations the CLI and the admin API share."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from shared.errors import InvalidInput, NotFound
from shared.ids import new_id
from shared.keys import generate_key
from shared.models import ApiKey, Scope
from shared.paging import PAGE_SIZE, every_item
from shared.store.base import Store
from shared.text import unprintable


@dataclass(frozen=True, slots=True)
class IssuedKey:
    """A new key: the record that is stored and the secret that is shown once."""

    record: ApiKey
    secret: str


def new_key(
    scope: Scope,
    at: int,
    *,
    user_id: str | None = None,
    label: str | None = None,
    rate_limit: int | None = None,
    expires_at: int | None = None,
) -> IssuedKey:
    """A key's record and secret, not stored yet (a pairing stores it with its redemption)."""
    if label is not None and unprintable(label):  # `keys list` and the companion print labels
        raise InvalidInput("label must not contain control characters or line breaks", code="invalid_field")
    material = generate_key()
    record = ApiKey(
        id=new_id("key"),
        prefix=material.prefix,
        key_hash=material.key_hash,
        scope=scope,
        created_at=at,
        user_id=user_id,
        label=label,
        rate_limit=rate_limit,
        expires_at=expires_at,
    )
    return IssuedKey(record, material.secret)


def issue_key(store: Store, scope: Scope, at: int, **options: Any) -> IssuedKey:
    """A new key, stored; `options` are new_key's (user_id, label, rate_limit, expires_at)."""
    made = new_key(scope, at, **options)
    return IssuedKey(store.create_key(made.record), made.secret)


def find_key(store: Store, id_or_prefix: str) -> ApiKey:
    """A key by id, or by its display prefix when that names exactly one key."""
    by_id = store.get_key(id_or_prefix)
    if by_id is not None:
        return by_id
    every_key = every_item(lambda cursor: store.list_keys(limit=PAGE_SIZE, cursor=cursor))
    matches = [k for k in every_key if k.prefix.startswith(id_or_prefix)]
    if not matches:
        raise NotFound(f"no key with id or prefix {id_or_prefix!r}")
    if len(matches) > 1:
        raise InvalidInput(f"{len(matches)} keys start with {id_or_prefix!r}; give more characters")
    return matches[0]
