"""Alerts: listing and filtering, cancellation, and the conditional trigger that writes the
outbox record in the same step (or nothing at all)."""

from __future__ import annotations

import msgspec

from shared.models import Alert, AlertStatus, Channel, Condition, NotificationStatus
from shared.store.base import Store
from tests.contract import builders
from tests.contract.builders import NOW, collect, race


def stored(store: Store, alert_id: str) -> Alert:
    found = store.get_alert(alert_id)
    assert found is not None
    return found


def outbox_of(store: Store, alert_id: str) -> list[str]:
    return [n.id for n in collect(lambda c: store.list_notifications(alert_id=alert_id, cursor=c))]


def test_an_alert_round_trips_with_its_enums(store: Store) -> None:
    pct = msgspec.structs.replace(
        builders.alert("usr_ada", repeat=True),
        condition=Condition.PCT_MOVE,
        target=7.5,
        channel=Channel.EMAIL,
        destination="ada@example.com",
        cooldown_seconds=3600,
    )

    assert store.create_alert(pct) == pct

    found = stored(store, pct.id)
    assert found == pct
    assert isinstance(found.condition, Condition) and isinstance(found.channel, Channel)
    assert isinstance(found.status, AlertStatus) and found.repeat is True
    assert store.get_alert("alr_nothing") is None


def test_alerts_are_listed_oldest_first_by_user_and_by_status(store: Store) -> None:
    adas = [store.create_alert(builders.alert("usr_ada")) for _ in range(4)]
    bobs = [store.create_alert(builders.alert("usr_bob")) for _ in range(2)]
    store.cancel_alert(adas[1].id)
    store.cancel_alert(bobs[0].id)
    ids = sorted(a.id for a in [*adas, *bobs])

    def listed(user_id: str | None = None, status: AlertStatus | None = None) -> list[str]:
        pages = collect(lambda c: store.list_alerts(user_id, status, limit=2, cursor=c))
        return [a.id for a in pages]

    assert listed() == ids
    assert listed(user_id="usr_ada") == sorted(a.id for a in adas)
    assert listed(status=AlertStatus.CANCELLED) == sorted([adas[1].id, bobs[0].id])
    assert listed(user_id="usr_ada", status=AlertStatus.ACTIVE) == sorted(
        [adas[0].id, adas[2].id, adas[3].id]
    )
    assert listed(user_id="usr_bob", status=AlertStatus.TRIGGERED) == []


def test_cancelling_is_idempotent_and_leaves_the_active_list(store: Store) -> None:
    kept = store.create_alert(builders.alert())
    gone = store.create_alert(builders.alert())

    cancelled = store.cancel_alert(gone.id)

    assert cancelled == msgspec.structs.replace(gone, status=AlertStatus.CANCELLED)
    assert store.cancel_alert(gone.id) == cancelled
    assert stored(store, gone.id) == cancelled
    assert store.active_alerts() == [kept]
    assert store.cancel_alert("alr_nothing") is None


def test_active_alerts_are_every_active_one_and_only_those(store: Store) -> None:
    active = [store.create_alert(builders.alert(f"usr_{i}")) for i in range(3)]
    fired = store.create_alert(builders.alert())
    store.trigger_alert(fired, NOW, builders.notification(fired))
    store.cancel_alert(store.create_alert(builders.alert()).id)

    assert sorted(store.active_alerts(), key=lambda a: a.id) == sorted(active, key=lambda a: a.id)


def test_a_one_shot_alert_fires_once_and_its_notification_is_pending(store: Store) -> None:
    once = store.create_alert(builders.alert(repeat=False))
    outgoing = builders.notification(once)

    assert store.trigger_alert(once, NOW, outgoing) is True

    assert stored(store, once.id) == msgspec.structs.replace(
        once, status=AlertStatus.TRIGGERED, last_triggered_at=NOW, trigger_count=1
    )
    assert store.get_notification(outgoing.id) == outgoing
    assert outgoing.status == NotificationStatus.PENDING
    assert store.active_alerts() == []
    again = builders.notification(once)
    assert store.trigger_alert(stored(store, once.id), NOW + 60, again) is False
    assert store.get_notification(again.id) is None


def test_a_repeating_alert_stays_active_and_counts_its_triggers(store: Store) -> None:
    repeating = store.create_alert(builders.alert(repeat=True))

    assert store.trigger_alert(repeating, NOW, builders.notification(repeating)) is True
    after_first = stored(store, repeating.id)
    assert store.trigger_alert(after_first, NOW + 900, builders.notification(repeating)) is True

    assert stored(store, repeating.id) == msgspec.structs.replace(
        repeating, status=AlertStatus.ACTIVE, last_triggered_at=NOW + 900, trigger_count=2
    )
    assert len(outbox_of(store, repeating.id)) == 2


def test_a_trigger_from_a_stale_read_writes_nothing(store: Store) -> None:
    repeating = store.create_alert(builders.alert(repeat=True))
    first = builders.notification(repeating)
    assert store.trigger_alert(repeating, NOW, first) is True

    second = builders.notification(repeating)
    assert store.trigger_alert(repeating, NOW + 900, second) is False  # last_triggered_at moved

    assert store.get_notification(second.id) is None
    assert outbox_of(store, repeating.id) == [first.id]
    assert stored(store, repeating.id).trigger_count == 1


def test_a_cancelled_or_unknown_alert_does_not_trigger(store: Store) -> None:
    cancelled = store.create_alert(builders.alert())
    store.cancel_alert(cancelled.id)
    never_stored = builders.alert()

    assert store.trigger_alert(cancelled, NOW, builders.notification(cancelled)) is False
    assert store.trigger_alert(never_stored, NOW, builders.notification(never_stored)) is False

    assert outbox_of(store, cancelled.id) == []
    assert store.list_notifications().items == []


def test_two_runs_racing_to_trigger_never_both_win(store: Store) -> None:
    for repeat in (False, True, False, True, False):
        contested = store.create_alert(builders.alert(repeat=repeat))

        wins = race(lambda a=contested: store.trigger_alert(a, NOW, builders.notification(a)))

        assert sorted(wins) == [False, True]
        assert len(outbox_of(store, contested.id)) == 1
        assert stored(store, contested.id).trigger_count == 1
