"""The per-user cap on active alerts (MAX_ALERTS_PER_USER): checked and written as one step, so
concurrent creations never get past it."""

from __future__ import annotations

import pytest

from shared.errors import Conflict
from shared.models import AlertStatus
from shared.store.base import Store
from tests.contract import builders
from tests.contract.builders import NOW, race


def active_of(store: Store, user_id: str) -> int:
    return len(store.list_alerts(user_id=user_id, status=AlertStatus.ACTIVE).items)


def test_an_alert_past_the_cap_is_refused_and_nothing_is_written(store: Store) -> None:
    for _ in range(3):
        store.create_alert(builders.alert("usr_ada"), max_active=3)
    extra = builders.alert("usr_ada")

    with pytest.raises(Conflict) as refused:
        store.create_alert(extra, max_active=3)

    assert refused.value.code == "alert_limit"
    assert "3 active alerts" in str(refused.value)
    assert store.get_alert(extra.id) is None and active_of(store, "usr_ada") == 3
    store.create_alert(builders.alert("usr_bob"), max_active=3)  # another user's own count
    store.create_alert(builders.alert("usr_ada"))  # no cap asked for: none applied
    assert active_of(store, "usr_ada") == 4


def test_cancelled_and_fired_one_shot_alerts_free_their_slot(store: Store) -> None:
    cancelled = store.create_alert(builders.alert("usr_ada"), max_active=2)
    fired = store.create_alert(builders.alert("usr_ada"), max_active=2)
    store.cancel_alert(cancelled.id)
    assert store.trigger_alert(fired, NOW, builders.notification(fired))

    store.create_alert(builders.alert("usr_ada"), max_active=2)
    store.create_alert(builders.alert("usr_ada"), max_active=2)
    with pytest.raises(Conflict):
        store.create_alert(builders.alert("usr_ada"), max_active=2)


def test_concurrent_creations_never_pass_the_cap(store: Store) -> None:
    store.create_alert(builders.alert("usr_ada"), max_active=3)

    def create() -> bool:
        try:
            store.create_alert(builders.alert("usr_ada"), max_active=3)
        except Conflict:
            return False
        return True

    assert sorted(race(create, runners=4)) == [False] * 2 + [True] * 2
    assert active_of(store, "usr_ada") == 3
