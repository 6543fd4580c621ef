"""API keys: stored by hash, listed, revoked (the earliest revocation wins), rolled (once: of
concurrent rolls one wins and the others write nothing), and whether any admin key still works."""

from __future__ import annotations

import threading

import msgspec

from shared.models import ApiKey, Scope
from shared.store.base import Store
from tests.contract import builders
from tests.contract.builders import NOW, collect, race


def test_a_key_is_found_by_id_and_by_hash_with_every_field_intact(store: Store) -> None:
    stored = ApiKey(
        id="key_full",
        prefix="cw_live_ab12",
        key_hash="sha256:0f1e2d",
        scope=Scope.ADMIN,
        created_at=NOW,
        user_id="usr_ada",
        label="Ada's watch",
        rate_limit=30,
        expires_at=NOW + 86_400,
        revoked_at=None,
    )
    bare = msgspec.structs.replace(builders.key(), label=None, rate_limit=None)

    assert store.create_key(stored) == stored
    store.create_key(bare)

    assert store.get_key("key_full") == stored
    assert store.find_key_by_hash("sha256:0f1e2d") == stored
    assert store.find_key_by_hash(bare.key_hash) == bare
    found = store.get_key("key_full")
    assert found is not None and isinstance(found.scope, Scope)


def test_unknown_keys_are_none(store: Store) -> None:
    assert store.get_key("key_nothing") is None
    assert store.find_key_by_hash("sha256:nothing") is None


def test_keys_are_listed_oldest_first_for_everyone_or_one_user(store: Store) -> None:
    ada = [store.create_key(builders.key(user_id="usr_ada")) for _ in range(4)]
    bob = [store.create_key(builders.key(user_id="usr_bob")) for _ in range(3)]
    unowned = store.create_key(builders.key(scope=Scope.ADMIN))

    everyone = collect(lambda cursor: store.list_keys(limit=3, cursor=cursor))
    adas = collect(lambda cursor: store.list_keys("usr_ada", limit=2, cursor=cursor))

    assert everyone == sorted([*ada, *bob, unowned], key=lambda k: k.id)
    assert adas == sorted(ada, key=lambda k: k.id)
    assert store.list_keys("usr_nobody").items == []


def test_revoking_sets_the_time_and_returns_the_key(store: Store) -> None:
    key = store.create_key(builders.key())

    revoked = store.revoke_key(key.id, NOW)

    assert revoked == msgspec.structs.replace(key, revoked_at=NOW)
    assert store.get_key(key.id) == revoked
    assert store.find_key_by_hash(key.key_hash) == revoked


def test_a_later_revocation_keeps_the_earlier_one(store: Store) -> None:
    key = store.create_key(builders.key())
    store.revoke_key(key.id, NOW)

    again = store.revoke_key(key.id, NOW + 600)

    assert again is not None and again.revoked_at == NOW
    assert store.get_key(key.id) == again


def test_revoking_now_cuts_short_a_revocation_scheduled_for_later(store: Store) -> None:
    rolled = store.create_key(builders.key())
    store.revoke_key(rolled.id, NOW + 3600)  # an overlap while the watch picks up its new key

    revoked = store.revoke_key(rolled.id, NOW)

    assert revoked is not None and revoked.revoked_at == NOW


def test_revoking_an_unknown_key_is_none(store: Store) -> None:
    assert store.revoke_key("key_nothing", NOW) is None
    assert store.get_key("key_nothing") is None


def test_no_admin_key_means_none_is_active(store: Store) -> None:
    assert store.has_active_admin_key(NOW) is False

    store.create_key(builders.key(scope=Scope.WATCH))

    assert store.has_active_admin_key(NOW) is False


def test_a_working_admin_key_is_active(store: Store) -> None:
    store.create_key(builders.key(scope=Scope.ADMIN, expires_at=NOW + 60))

    assert store.has_active_admin_key(NOW) is True
    assert store.has_active_admin_key(NOW + 60) is False


def test_revoked_or_expired_admin_keys_are_not_active(store: Store) -> None:
    store.create_key(builders.key(scope=Scope.ADMIN, revoked_at=NOW))
    store.create_key(builders.key(scope=Scope.ADMIN, expires_at=NOW - 1))

    assert store.has_active_admin_key(NOW) is False
    assert store.has_active_admin_key(NOW - 2) is True


def test_an_admin_key_revoked_for_later_works_until_then(store: Store) -> None:
    admin = store.create_key(builders.key(scope=Scope.ADMIN))
    store.revoke_key(admin.id, NOW + 300)

    assert store.has_active_admin_key(NOW) is True
    assert store.has_active_admin_key(NOW + 300) is False


def test_rolling_stores_the_successor_and_sets_when_the_old_key_stops(store: Store) -> None:
    old = store.create_key(builders.key(user_id="usr_ada"))
    successor = builders.key(user_id="usr_ada")

    rolled = store.roll_key(old.id, successor, NOW + 3600)

    assert rolled == msgspec.structs.replace(old, revoked_at=NOW + 3600)
    assert store.get_key(old.id) == rolled and store.find_key_by_hash(old.key_hash) == rolled
    assert store.get_key(successor.id) == successor and store.find_key_by_hash(successor.key_hash) == successor


def test_a_rolled_revoked_or_unknown_key_is_not_rolled_and_nothing_is_written(store: Store) -> None:
    rolled = store.create_key(builders.key(user_id="usr_ada"))
    store.roll_key(rolled.id, builders.key(user_id="usr_ada"), NOW + 3600)
    revoked = store.create_key(builders.key(user_id="usr_ada"))
    store.revoke_key(revoked.id, NOW)

    for key_id, stops in ((rolled.id, NOW + 3600), (revoked.id, NOW), ("key_nothing", None)):
        refused = builders.key(user_id="usr_ada")
        assert store.roll_key(key_id, refused, NOW + 60) is None
        assert store.get_key(key_id) is None or store.get_key(key_id).revoked_at == stops  # type: ignore[union-attr]
        assert store.get_key(refused.id) is None and store.find_key_by_hash(refused.key_hash) is None


def test_two_rolls_at_once_make_one_successor(store: Store) -> None:
    old = store.create_key(builders.key(user_id="usr_ada"))
    attempts = iter([(builders.key(user_id="usr_ada"), NOW + 60 * (n + 1)) for n in range(4)])
    lock = threading.Lock()

    def roll() -> tuple[str, int] | None:
        with lock:
            successor, stops_at = next(attempts)
        return None if store.roll_key(old.id, successor, stops_at) is None else (successor.id, stops_at)

    outcomes = race(roll, runners=4)

    won = [outcome for outcome in outcomes if outcome is not None]
    assert len(won) == 1 and outcomes.count(None) == 3
    winner, stops_at = won[0]
    assert store.get_key(old.id).revoked_at == stops_at  # type: ignore[union-attr]
    stored = [key.id for key in collect(lambda cursor: store.list_keys("usr_ada", cursor=cursor)) if key.id != old.id]
    assert stored == [winner]
