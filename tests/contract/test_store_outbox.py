"""The notification outbox: what is due, claiming with a lease, retries, giving up, success."""

from __future__ import annotations

import msgspec
import pytest

from shared.errors import Conflict
from shared.models import Channel, Notification, NotificationStatus
from shared.store.base import Store
from tests.contract.builders import NOW, collect, pending_notification, race

LEASE = 120


def stored(store: Store, notification_id: str) -> Notification:
    found = store.get_notification(notification_id)
    assert found is not None
    return found


def test_due_notifications_are_pending_ones_whose_time_has_come_longest_due_first(
    store: Store,
) -> None:
    late = pending_notification(store, next_attempt_at=NOW - 600)
    on_time = pending_notification(store, next_attempt_at=NOW)
    earlier = pending_notification(store, next_attempt_at=NOW - 60)
    pending_notification(store, next_attempt_at=NOW + 60)  # not yet
    sent = pending_notification(store, next_attempt_at=NOW - 900)
    store.complete_notification(sent.id, NOW)

    assert [n.id for n in store.due_notifications(NOW)] == [late.id, earlier.id, on_time.id]
    assert [n.id for n in store.due_notifications(NOW, limit=2)] == [late.id, earlier.id]
    assert store.due_notifications(NOW - 601) == []


def test_same_due_time_is_ordered_by_id(store: Store) -> None:
    batch = [pending_notification(store, next_attempt_at=NOW) for _ in range(4)]

    assert [n.id for n in store.due_notifications(NOW)] == sorted(n.id for n in batch)


def test_due_notifications_take_users_in_turn(store: Store) -> None:
    """One user's flood fills no batch alone: another user's newest is in the first round."""
    flood = [pending_notification(store, user_id="usr_flood", next_attempt_at=NOW - 600 + i) for i in range(5)]
    other = pending_notification(store, user_id="usr_other", next_attempt_at=NOW)
    third = pending_notification(store, user_id="usr_third", next_attempt_at=NOW - 30)

    due = store.due_notifications(NOW, limit=4)

    assert [n.id for n in due] == [flood[0].id, third.id, other.id, flood[1].id]
    assert [n.id for n in store.due_notifications(NOW)][4:] == [n.id for n in flood[2:]]


def test_a_claim_leases_the_notification_to_one_deliverer(store: Store) -> None:
    due = pending_notification(store)

    assert store.claim_notification(due.id, NOW, NOW + LEASE) is True

    assert store.claim_notification(due.id, NOW, NOW + LEASE) is False
    assert store.due_notifications(NOW) == []
    assert stored(store, due.id) == msgspec.structs.replace(due, next_attempt_at=NOW + LEASE)
    # A deliverer that died: once the lease runs out, another one may take it.
    assert store.claim_notification(due.id, NOW + LEASE, NOW + 2 * LEASE) is True


def test_only_due_pending_notifications_can_be_claimed(store: Store) -> None:
    future = pending_notification(store, next_attempt_at=NOW + 60)
    sent = pending_notification(store)
    store.complete_notification(sent.id, NOW)
    failed = pending_notification(store)
    store.fail_notification(failed.id, "410 Gone", None)

    assert store.claim_notification(future.id, NOW, NOW + LEASE) is False
    assert store.claim_notification(sent.id, NOW, NOW + LEASE) is False
    assert store.claim_notification(failed.id, NOW, NOW + LEASE) is False
    assert store.claim_notification("ntf_nothing", NOW, NOW + LEASE) is False


def test_two_deliverers_racing_for_a_claim_never_both_win(store: Store) -> None:
    for _ in range(5):
        due = pending_notification(store)

        wins = race(lambda n=due: store.claim_notification(n.id, NOW, NOW + LEASE))

        assert sorted(wins) == [False, True]


def test_a_failed_attempt_with_a_retry_time_stays_pending_until_then(store: Store) -> None:
    due = pending_notification(store)
    store.claim_notification(due.id, NOW, NOW + LEASE)

    store.fail_notification(due.id, "connection refused", NOW + 300)

    assert stored(store, due.id) == msgspec.structs.replace(
        due, attempts=1, last_error="connection refused", next_attempt_at=NOW + 300
    )
    assert store.due_notifications(NOW + 299) == []
    assert [n.id for n in store.due_notifications(NOW + 300)] == [due.id]
    store.fail_notification(due.id, "timeout", NOW + 900)
    assert (stored(store, due.id).attempts, stored(store, due.id).last_error) == (2, "timeout")


def test_a_failure_without_a_retry_is_kept_as_failed_for_good(store: Store) -> None:
    due = pending_notification(store)
    store.fail_notification(due.id, "timeout", NOW + 60)

    store.fail_notification(due.id, "550 mailbox unavailable", None)

    failed = stored(store, due.id)
    assert failed.status == NotificationStatus.FAILED
    assert (failed.attempts, failed.last_error) == (2, "550 mailbox unavailable")
    assert store.due_notifications(NOW + 10**6) == []
    assert store.list_notifications(status=NotificationStatus.FAILED).items == [failed]


def test_completing_marks_it_sent_counting_the_attempt(store: Store) -> None:
    due = pending_notification(store)
    store.claim_notification(due.id, NOW, NOW + LEASE)

    store.complete_notification(due.id, NOW + 5)

    sent = stored(store, due.id)
    assert (sent.status, sent.sent_at, sent.attempts) == (NotificationStatus.SENT, NOW + 5, 1)
    assert store.due_notifications(NOW + 10**6) == []
    store.complete_notification(due.id, NOW + 60)  # a second deliverer: the record stays as is
    assert stored(store, due.id) == sent


def test_a_late_failure_does_not_undo_a_delivery(store: Store) -> None:
    due = pending_notification(store)
    store.complete_notification(due.id, NOW)

    store.fail_notification(due.id, "timeout from a deliverer whose lease ran out", NOW + 60)

    assert stored(store, due.id).status == NotificationStatus.SENT
    assert stored(store, due.id).last_error is None


def test_notifications_are_listed_oldest_first_filtered_by_status_and_alert(store: Store) -> None:
    made = [pending_notification(store) for _ in range(5)]
    store.complete_notification(made[0].id, NOW)
    store.complete_notification(made[3].id, NOW)

    def ids(status: NotificationStatus | None = None, alert_id: str | None = None) -> list[str]:
        pages = collect(lambda c: store.list_notifications(status, alert_id, limit=2, cursor=c))
        return [n.id for n in pages]

    assert ids() == sorted(n.id for n in made)
    assert ids(NotificationStatus.SENT) == sorted([made[0].id, made[3].id])
    assert ids(NotificationStatus.PENDING) == sorted(n.id for n in [made[1], made[2], made[4]])
    assert ids(alert_id=made[2].alert_id) == [made[2].id]
    assert ids(NotificationStatus.SENT, made[2].alert_id) == []
    assert store.get_notification("ntf_nothing") is None


def test_an_unknown_notification_cannot_be_completed_or_failed_into_existence(
    store: Store,
) -> None:
    store.complete_notification("ntf_nothing", NOW)
    store.fail_notification("ntf_nothing", "timeout", None)

    assert store.get_notification("ntf_nothing") is None
    assert store.list_notifications().items == []


def test_a_failed_notification_can_be_put_back_in_the_outbox(store: Store) -> None:
    gave_up = pending_notification(store)
    store.fail_notification(gave_up.id, "550 mailbox unavailable", None)

    assert store.retry_notification(gave_up.id, NOW + 3600) is True

    again = stored(store, gave_up.id)
    assert again == msgspec.structs.replace(gave_up, last_error="550 mailbox unavailable", next_attempt_at=NOW + 3600)
    assert store.list_notifications(status=NotificationStatus.FAILED).items == []
    assert store.list_notifications(status=NotificationStatus.PENDING).items == [again]
    assert store.due_notifications(NOW + 3599) == []
    assert store.due_notifications(NOW + 3600) == [again]
    assert store.claim_notification(gave_up.id, NOW + 3600, NOW + 3600 + LEASE) is True


def test_only_a_failed_notification_can_be_retried(store: Store) -> None:
    waiting = pending_notification(store, next_attempt_at=NOW + 60)
    sent = pending_notification(store)
    store.complete_notification(sent.id, NOW)
    before = [stored(store, waiting.id), stored(store, sent.id)]

    assert store.retry_notification(waiting.id, NOW) is False
    assert store.retry_notification(sent.id, NOW) is False
    assert store.retry_notification("ntf_nothing", NOW) is False

    assert [stored(store, waiting.id), stored(store, sent.id)] == before
    assert store.get_notification("ntf_nothing") is None


def test_two_retries_racing_never_both_win(store: Store) -> None:
    gave_up = pending_notification(store)
    store.fail_notification(gave_up.id, "timeout", None)

    assert sorted(race(lambda: store.retry_notification(gave_up.id, NOW))) == [False, True]


def test_account_mail_joins_the_outbox_without_an_alert(store: Store) -> None:
    mail = Notification(
        id="ntf_verify1", alert_id="key_token1", user_id="usr_ada", channel=Channel.EMAIL,
        destination="ada@example.com", subject="Confirm your email", body="https://x/verify?token=t",
        created_at=NOW, next_attempt_at=NOW,
    )

    assert store.enqueue_notification(mail) == mail
    assert stored(store, mail.id) == mail
    assert [n.id for n in store.due_notifications(NOW)] == [mail.id]
    assert store.claim_notification(mail.id, NOW, NOW + LEASE)
    with pytest.raises(Conflict):
        store.enqueue_notification(mail)
