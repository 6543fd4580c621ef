"""Users: case-insensitive unique email, lookups, listing, and deletion that disarms everything
the user owned."""

from __future__ import annotations

import msgspec
import pytest

from shared.errors import Conflict
from shared.models import AlertStatus, Scope, User
from shared.store.base import Store
from tests.contract import builders
from tests.contract.builders import NOW, collect


def test_a_created_user_can_be_read_back(store: Store) -> None:
    ada = builders.user("Ada.Lovelace@Example.com")
    secret = User("usr_withsecret", "grace@example.com", "Grace", NOW, webhook_secret="whsec_1")

    assert store.create_user(ada) == ada
    store.create_user(secret)

    assert store.get_user(ada.id) == ada
    assert store.get_user(secret.id) == secret
    assert store.get_user("usr_nobody") is None


def test_an_email_taken_in_another_case_is_a_conflict(store: Store) -> None:
    first = store.create_user(builders.user("ada@example.com"))
    twin = builders.user("ADA@Example.COM", name="Impostor")

    with pytest.raises(Conflict):
        store.create_user(twin)

    assert store.get_user(twin.id) is None
    assert store.get_user_by_email("ada@example.com") == first
    assert collect(lambda cursor: store.list_users(10, cursor)) == [first]


def test_lookup_by_email_ignores_case_and_keeps_the_spelling_given(store: Store) -> None:
    ada = store.create_user(builders.user("Ada.Lovelace@Example.com"))

    for spelling in ("ada.lovelace@example.com", "ADA.LOVELACE@EXAMPLE.COM", ada.email):
        assert store.get_user_by_email(spelling) == ada
    assert store.get_user_by_email("someone@example.com") is None


def test_users_are_listed_oldest_first_across_pages(store: Store) -> None:
    users = [store.create_user(builders.user()) for _ in range(7)]

    first = store.list_users(3)
    listed = collect(lambda cursor: store.list_users(3, cursor))

    assert len(first.items) == 3 and first.next_cursor is not None
    assert listed == sorted(users, key=lambda u: u.id)
    assert store.list_users(10).next_cursor is None


def test_deleting_a_user_revokes_their_keys_and_cancels_their_active_alerts(store: Store) -> None:
    ada = store.create_user(builders.user("ada@example.com"))
    other = store.create_user(builders.user())
    live = store.create_key(builders.key(user_id=ada.id))
    revoked_before = store.create_key(builders.key(user_id=ada.id, revoked_at=NOW - 60))
    revoking_later = store.create_key(builders.key(user_id=ada.id, revoked_at=NOW + 3600))
    active = store.create_alert(builders.alert(ada.id))
    fired = store.create_alert(builders.alert(ada.id))
    assert store.trigger_alert(fired, NOW, builders.notification(fired))
    others_key = store.create_key(builders.key(user_id=other.id))
    others_alert = store.create_alert(builders.alert(other.id))

    assert store.delete_user(ada.id, NOW) is True

    assert store.get_user(ada.id) is None
    assert store.get_user_by_email("ada@example.com") is None
    assert _revoked_at(store, live.id) == NOW
    assert _revoked_at(store, revoked_before.id) == NOW - 60
    assert _revoked_at(store, revoking_later.id) == NOW
    assert _status(store, active.id) == AlertStatus.CANCELLED
    assert _status(store, fired.id) == AlertStatus.TRIGGERED  # its history stays as it was
    assert store.active_alerts() == [others_alert]
    assert store.get_key(others_key.id) == others_key
    assert collect(lambda cursor: store.list_users(10, cursor)) == [other]


def test_a_deleted_users_email_can_be_used_again(store: Store) -> None:
    ada = store.create_user(builders.user("ada@example.com"))
    store.delete_user(ada.id, NOW)

    again = store.create_user(builders.user("Ada@example.com"))

    assert store.get_user_by_email("ada@example.com") == again


def test_deleting_an_unknown_user_reports_false(store: Store) -> None:
    kept = store.create_user(builders.user())

    assert store.delete_user("usr_nobody", NOW) is False
    assert store.get_user(kept.id) == kept


def _revoked_at(store: Store, key_id: str) -> int | None:
    found = store.get_key(key_id)
    assert found is not None
    return found.revoked_at


def _status(store: Store, alert_id: str) -> AlertStatus:
    found = store.get_alert(alert_id)
    assert found is not None
    return found.status


def test_account_fields_are_stored_and_updated_in_place(store: Store) -> None:
    ada = store.create_user(builders.user("Ada@Example.com"))
    assert (ada.password_hash, ada.verified, ada.disabled, ada.last_login_at) == (None, False, False, None)

    changed = msgspec.structs.replace(ada, password_hash="$argon2id$stub", verified=True, disabled=True,
                                  last_login_at=NOW + 5, name="Ada L.")

    assert store.update_user(changed) == changed
    assert store.get_user(ada.id) == changed
    assert store.get_user_by_email("ada@example.com") == changed
    assert collect(lambda cursor: store.list_users(10, cursor)) == [changed]


def test_updating_an_unknown_user_or_their_email_writes_nothing(store: Store) -> None:
    ada = store.create_user(builders.user("ada@example.com"))

    assert store.update_user(builders.user()) is None
    assert store.update_user(msgspec.structs.replace(ada, email="eve@example.com", verified=True)) is None
    assert store.get_user(ada.id) == ada
    assert store.get_user_by_email("eve@example.com") is None


def test_revoking_a_users_keys_of_some_scopes_leaves_the_rest(store: Store) -> None:
    ada = store.create_user(builders.user())
    other = store.create_user(builders.user())
    watch = store.create_key(builders.key(user_id=ada.id, scope=Scope.WATCH))
    session = store.create_key(builders.key(user_id=ada.id, scope=Scope.USER))
    theirs = store.create_key(builders.key(user_id=other.id, scope=Scope.USER))

    assert store.revoke_user_keys(ada.id, NOW + 1, [Scope.USER]) == 1
    assert store.get_key(session.id).revoked_at == NOW + 1  # type: ignore[union-attr]
    assert store.find_key_by_hash(session.key_hash).refusal(NOW + 1) == "revoked"  # type: ignore[union-attr]
    assert store.get_key(watch.id).revoked_at is None  # type: ignore[union-attr]
    assert store.get_key(theirs.id).revoked_at is None  # type: ignore[union-attr]

    assert store.revoke_user_keys(ada.id, NOW + 9) == 2
    assert store.get_key(watch.id).revoked_at == NOW + 9  # type: ignore[union-attr]
    assert store.get_key(session.id).revoked_at == NOW + 1  # type: ignore[union-attr]  # the earlier stop stays
