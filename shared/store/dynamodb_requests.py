"""The request pieces the DynamoDB store composes: puts that must not overwrite, the paired
updates that keep an entity's two copies alike, and the fold of rate-limit windows into usage."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from shared.models import Alert, ApiKey, KeyUsage, Notification, NotificationStatus
from shared.store import dynamodb_layout as L
from shared.store.dynamodb_codec import Item, decode, encode, from_attr
from shared.store.dynamodb_expr import Expr


def put_request(item: Item) -> dict[str, Any]:
    return {"PutRequest": {"Item": item}}


def put_new(item: Item) -> dict[str, Any]:
    """A transaction Put that fails (ConditionalCheckFailed) when the item already exists."""
    e = Expr()
    return {"Put": {"Item": item, **e.params(ConditionExpression=absent(e))}}


def put_existing(item: Item) -> dict[str, Any]:
    """A transaction Put that fails (ConditionalCheckFailed) unless the item exists."""
    e = Expr()
    return {"Put": {"Item": item, **e.params(ConditionExpression=existing(e))}}


def absent(e: Expr) -> str:
    return f"attribute_not_exists({e.n('pk')})"


def existing(e: Expr) -> str:
    return f"attribute_exists({e.n('pk')})"


def decoded(cls: type[Any], item: Item | None) -> Any:
    return None if item is None else decode(cls, item)


def key_puts(key: ApiKey) -> list[dict[str, Any]]:
    """The transaction items that create a key: its record (listed in KEYS) and the copy under
    its hash (listed under its owner), neither overwriting anything."""
    by_user = {"gsi1pk": L.user_keys_list(key.user_id), "gsi1sk": key.id} if key.user_id else {}
    return [
        put_new({**encode(key, gsi1pk=L.KEYS_LIST, gsi1sk=key.id), **L.api_key_key(key.id)}),
        put_new({**encode(key, **by_user), **L.key_hash_key(key.key_hash)}),
    ]


def revoke_update(key: Item, previous: int | None, at: int) -> dict[str, Any]:
    e = Expr().set("revoked_at", at)
    revoked = e.n("revoked_at")
    if previous is None:
        condition = f"{existing(e)} AND attribute_not_exists({revoked})"
    else:
        condition = f"{existing(e)} AND {revoked} = {e.v(previous)}"
    return {"Update": {"Key": key, **e.params(ConditionExpression=condition)}}


def alert_listing(alert: Alert) -> dict[str, str]:
    return {"gsi1pk": L.alerts_list(alert.status), "gsi1sk": alert.id}


def notification_listing(status: NotificationStatus, notification_id: str) -> dict[str, str]:
    return {"gsi1pk": L.notifications_list(status), "gsi1sk": notification_id}


def alert_updates(
    alert: Alert, change: Callable[[Expr], object], condition: Callable[[Expr], str]
) -> list[dict[str, Any]]:
    """Transaction items that make the same `change` to both copies of an alert (whose new
    status is `alert.status`): the record, guarded by `condition`, and the owner's copy."""
    updates = []
    for key, listing in (
        (L.alert_key(alert.id), alert_listing(alert)),
        (L.alert_copy_key(alert.user_id, alert.id), {}),
    ):
        e = Expr()
        change(e)
        for name, value in listing.items():
            e.set(name, value)
        guard = condition(e) if listing else existing(e)
        updates.append({"Update": {"Key": key, **e.params(ConditionExpression=guard)}})
    return updates


def usage_of(key_id: str, day: str, windows: list[Item]) -> KeyUsage:
    """A day's usage from its windows: every counted request, the ones past the limit, and the
    start of the latest window used."""
    requests = rejected = 0
    last: int | None = None
    for window in windows:
        count, limit = int(from_attr(window["count"])), int(from_attr(window["lim"]))
        requests += count
        rejected += max(0, count - limit)
        start = int(from_attr(window["window_start"]))
        last = start if last is None else max(last, start)
    return KeyUsage(key_id=key_id, day=day, requests=requests, rejected=rejected, last_used_at=last)


def users_in_turn(due: list[Notification]) -> list[Notification]:
    """The outbox's fair order (`Store.due_notifications`): each record's rank among its user's
    (longest-due first), then next_attempt_at, then id."""
    ranked: list[tuple[int, int, str, Notification]] = []
    taken: dict[str, int] = {}
    for n in sorted(due, key=lambda n: (n.next_attempt_at, n.id)):
        taken[n.user_id] = turn = taken.get(n.user_id, 0) + 1
        ranked.append((turn, n.next_attempt_at, n.id, n))
    return [entry[-1] for entry in sorted(ranked, key=lambda entry: entry[:3])]
