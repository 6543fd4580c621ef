"""The DynamoDB backend: one table, one GSI, a TTL attribute (layout in `dynamodb_layout.py`,
access patterns and costs in `docs/dynamodb.md`).

The hot path is one call: `hit()` is a single atomic UpdateItem. Multi-item changes that must
happen together (a user and their email, a key and its hash copy, an alert trigger and its
notification) are TransactWriteItems, so a crash or a concurrent writer never leaves half of one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from typing import Any

import msgspec

from shared.alerts import alert_limit
from shared.errors import ConfigError, Conflict, StoreUnavailable
from shared.ids import now as wall_clock
from shared.models import (
    Alert,
    AlertStatus,
    ApiKey,
    AssetKind,
    ExportRecord,
    Holding,
    KeyUsage,
    Notification,
    NotificationStatus,
    Page,
    PricePoint,
    Scope,
    StreamStatus,
    UpdateStatus,
    User,
)
from shared.pairing.model import Pairing, PairingStatus
from shared.store import dynamodb_holdings as holdings
from shared.store import dynamodb_layout as L
from shared.store import dynamodb_pairings as pairings
from shared.store.dynamodb_client import DynamoClient, TransactionFailed
from shared.store.dynamodb_codec import Item, decode, encode, epoch_key, to_attr
from shared.store.dynamodb_expr import Expr
from shared.store.dynamodb_listing import Source, list_page
from shared.store.dynamodb_requests import (
    absent,
    alert_listing,
    alert_updates,
    decoded,
    existing,
    key_puts,
    notification_listing,
    put_existing,
    put_new,
    put_request,
    revoke_update,
    usage_of,
    users_in_turn,
)

_RACE_ATTEMPTS = 5  # of a read, then a write conditional on what was read


class DynamoStore:
    inline_calls = False

    def __init__(
        self,
        table_name: str,
        endpoint_url: str | None = None,
        region: str = "us-east-1",
        history_retention_seconds: int = 30 * 86_400,
        client: Any = None,
    ) -> None:
        self.table_name = table_name
        self.history_retention_seconds = history_retention_seconds
        self._db = DynamoClient(table_name, endpoint_url, region, client)

    @property
    def client(self) -> Any:
        """The boto3 low-level client (made on first use)."""
        return self._db.client

    # --- lifecycle ---------------------------------------------------------------------
    def init(self) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            self._db.call("create_table", **L.TABLE_SCHEMA)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") != "ResourceInUseException":
                raise
        try:
            self.client.get_waiter("table_exists").wait(
                TableName=self.table_name, WaiterConfig={"Delay": 1, "MaxAttempts": 120}
            )
        except BotoCoreError as error:  # the waiter gave up, or the service went away meanwhile
            raise StoreUnavailable(f"table {self.table_name!r} did not become ready") from error
        indexes = self._db.call("describe_table")["Table"].get("GlobalSecondaryIndexes", [])
        if not any(index["IndexName"] == L.INDEX for index in indexes):
            raise ConfigError(
                f"DYNAMODB_TABLE_NAME={self.table_name!r} names a table without the "
                f"{L.INDEX!r} index this store needs; use a new table name"
            )
        self._enable_ttl()

    def _enable_ttl(self) -> None:
        from botocore.exceptions import ClientError

        ttl = self._db.call("describe_time_to_live")["TimeToLiveDescription"]
        if ttl.get("TimeToLiveStatus") in ("ENABLED", "ENABLING"):
            return
        try:
            self._db.call(
                "update_time_to_live",
                TimeToLiveSpecification={"Enabled": True, "AttributeName": L.TTL_ATTRIBUTE},
            )
        except ClientError as error:  # another init got there first
            if "already enabled" not in str(error):
                raise

    def ping(self) -> None:
        status = self._db.call("describe_table")["Table"]["TableStatus"]
        if status not in ("ACTIVE", "UPDATING"):
            raise StoreUnavailable(f"table {self.table_name!r} is {status}")

    def close(self) -> None:
        self._db.close()

    # --- prices ------------------------------------------------------------------------
    def put_prices(self, points: Sequence[PricePoint]) -> None:
        if not points:
            return
        history = {(p.symbol, p.currency, p.updated_at): p for p in points}
        # History first, batched: a retry after a failure rewrites the same items. Then the
        # latest prices, all in one item: a failure never leaves some symbols newer than others.
        self._db.batch_write(
            [
                put_request(
                    encode(
                        p,
                        pk=L.history_pk(p.symbol, p.currency),
                        sk=epoch_key(p.updated_at),
                        ttl=p.updated_at + self.history_retention_seconds,
                    )
                )
                for p in history.values()
            ]
        )
        for _ in range(_RACE_ATTEMPTS):
            if self._put_latest(points):
                return
        raise StoreUnavailable("the latest prices kept changing while being written; try again")

    def _put_latest(self, points: Sequence[PricePoint]) -> bool:
        """Merge `points` into the latest-prices item; False when another writer changed it since
        it was read. An older point (a late or replayed batch) never replaces a newer one."""
        stored = self._db.get(L.LATEST_KEY)
        prices: dict[str, Any] = {} if stored is None else dict(stored["prices"]["M"])
        for point in points:
            entry = L.latest_entry(point.symbol, point.currency)
            kept = prices.get(entry)
            if kept is None or point.updated_at >= int(kept["M"]["updated_at"]["N"]):
                prices[entry] = {"M": encode(point)}
        version = 0 if stored is None else int(stored["version"]["N"])
        e = Expr()
        condition = absent(e) if stored is None else f"{e.n('version')} = {e.v(version)}"
        item = {**L.LATEST_KEY, "version": to_attr(version + 1), "prices": {"M": prices}}
        return self._db.conditional("put_item", Item=item, **e.params(ConditionExpression=condition)) is not None

    def latest_prices(self) -> list[PricePoint]:
        return _latest(self._db.get(L.LATEST_KEY))

    def price_history(
        self, symbol: str, currency: str, start: int, end: int, limit: int | None = None
    ) -> list[PricePoint]:
        # TTL deletes expired points lazily (within days): hide them from reads at once.
        start = max(start, wall_clock() - self.history_retention_seconds)
        if end < start or (limit is not None and limit < 1):
            return []
        e = Expr()
        condition = (
            f"{e.n('pk')} = {e.v(L.history_pk(symbol, currency))} AND "
            f"{e.n('sk')} BETWEEN {e.v(epoch_key(start))} AND {e.v(epoch_key(end))}"
        )
        query = e.params(KeyConditionExpression=condition)
        if limit is None:
            items = self._db.query_all(ConsistentRead=True, **query)
        else:  # the newest `limit`, read newest first (over 1 MB pages), returned oldest first
            items = []
            for page in self._db.pages(ConsistentRead=True, ScanIndexForward=False, Limit=limit, **query):
                items.extend(page[: limit - len(items)])
                if len(items) == limit:
                    break
            items.reverse()
        return [decode(PricePoint, item) for item in items]

    def delete_history(self, symbol: str, currency: str, source: str) -> int:
        e = Expr()
        query = e.params(
            KeyConditionExpression=f"{e.n('pk')} = {e.v(L.history_pk(symbol, currency))}",
            FilterExpression=f"{e.n('source')} = {e.v(source)}",
            ProjectionExpression=f"{e.n('pk')}, {e.n('sk')}",
        )
        keys = [{"pk": item["pk"], "sk": item["sk"]} for item in self._db.query_all(ConsistentRead=True, **query)]
        self._db.batch_write([{"DeleteRequest": {"Key": key}} for key in keys])
        return len(keys)

    # --- updater status ----------------------------------------------------------------
    def record_update(self, status: UpdateStatus) -> UpdateStatus:
        e = Expr()
        for name in status.__struct_fields__:
            if name != "last_success_at":
                e.set(name, getattr(status, name))
        given = status.last_success_at
        if status.ok:  # a success is one, when it finished if not told otherwise (0 is a time)
            e.set("last_success_at", status.finished_at if given is None else given)
        elif given is not None:  # a failure keeps the previous record's value
            e.set_expr("last_success_at", f"if_not_exists({e.n('last_success_at')}, {e.v(given)})")
        response = self._db.call("update_item", Key=L.STATUS_KEY, ReturnValues="ALL_NEW", **e.params())
        return decode(UpdateStatus, response["Attributes"])

    def update_status(self) -> UpdateStatus | None:
        item = self._db.get(L.STATUS_KEY)
        return None if item is None else decode(UpdateStatus, item)

    def price_snapshot(self) -> tuple[list[PricePoint], UpdateStatus | None]:
        found = self._db.batch_get([L.LATEST_KEY, L.STATUS_KEY])
        status = found.get(L.item_id(L.STATUS_KEY))
        return _latest(found.get(L.item_id(L.LATEST_KEY))), None if status is None else decode(UpdateStatus, status)

    def record_stream(self, status: StreamStatus) -> None:
        self._db.call("put_item", Item={**encode(status), **L.STREAM_KEY})

    def stream_status(self) -> StreamStatus | None:
        item = self._db.get(L.STREAM_KEY)
        return None if item is None else decode(StreamStatus, item)

    # --- users -------------------------------------------------------------------------
    def create_user(self, user: User) -> User:
        record = encode(user, gsi1pk=L.USERS_LIST, gsi1sk=user.id)
        try:
            self._db.transact(
                [
                    put_new({**record, **L.user_key(user.id)}),
                    put_new({**encode(user), **L.email_key(user.email)}),
                ]
            )
        except TransactionFailed as failed:
            what = "id" if failed.reasons[0] == "ConditionalCheckFailed" else "email"
            raise Conflict(f"a user with this {what} already exists", code=f"{what}_taken") from None
        return user

    def get_user(self, user_id: str) -> User | None:
        return decoded(User, self._db.get(L.user_key(user_id)))

    def get_user_by_email(self, email: str) -> User | None:
        return decoded(User, self._db.get(L.email_key(email)))

    def list_users(self, limit: int, cursor: str | None = None) -> Page[User]:
        page = list_page(self._db, [Source(L.USERS_LIST)], "usr", limit, cursor)
        return Page([decode(User, i) for i in page.items], page.next_cursor)

    def update_user(self, user: User) -> User | None:
        stored = self.get_user(user.id)
        if stored is None or stored.email != user.email:
            return None
        record = encode(user, gsi1pk=L.USERS_LIST, gsi1sk=user.id)
        try:  # both copies, only while the user still exists
            self._db.transact(
                [
                    put_existing({**record, **L.user_key(user.id)}),
                    put_existing({**encode(user), **L.email_key(user.email)}),
                ]
            )
        except TransactionFailed:
            return None
        return user

    def delete_user(self, user_id: str, now: int) -> bool:
        user = self.get_user(user_id)
        if user is None:
            return False
        # Keys and alerts first: if this stops half-way the user still exists and a retry
        # finishes the job.
        for key in self._all_keys_of(user_id):
            self.revoke_key(key.id, now)
        for alert in self._all_alerts_of(user_id):
            if alert.status is AlertStatus.ACTIVE:
                self.cancel_alert(alert.id)
        for holding in holdings.of_user(self._db, user_id):
            holdings.delete(self._db, user_id, holding.id)
        self._db.transact(
            [
                {"Delete": {"Key": L.user_key(user_id)}},
                {"Delete": {"Key": L.email_key(user.email)}},
            ]
        )
        return True

    def _all_keys_of(self, user_id: str) -> list[ApiKey]:
        e = Expr()
        query = e.params(KeyConditionExpression=f"{e.n('gsi1pk')} = {e.v(L.user_keys_list(user_id))}")
        return [decode(ApiKey, i) for i in self._db.query_all(IndexName=L.INDEX, **query)]

    def _all_alerts_of(self, user_id: str) -> list[Alert]:
        e = Expr()
        condition = f"{e.n('pk')} = {e.v(L.user_pk(user_id))} AND begins_with({e.n('sk')}, {e.v(L.ALERT_COPY_PREFIX)})"
        items = self._db.query_all(ConsistentRead=True, **e.params(KeyConditionExpression=condition))
        return [decode(Alert, i) for i in items]

    # --- API keys ----------------------------------------------------------------------
    def create_key(self, key: ApiKey) -> ApiKey:
        try:
            self._db.transact(key_puts(key))
        except TransactionFailed:
            raise Conflict("a key with this id or hash already exists", code="key_exists") from None
        return key

    def get_key(self, key_id: str) -> ApiKey | None:
        return decoded(ApiKey, self._db.get(L.api_key_key(key_id)))

    def find_key_by_hash(self, key_hash: str) -> ApiKey | None:
        """Every watch poll meets a cold key cache (it polls every 5 minutes, the cache keeps a
        key 30 s), so this read is on the hot path: eventually consistent, half a read unit.
        A revocation shows within about a second, inside the cache's own 30 s; a key too new
        for the replica read is read again, consistently, so it is never refused for that."""
        item = self._db.get(L.key_hash_key(key_hash), consistent=False)
        if item is None:
            item = self._db.get(L.key_hash_key(key_hash))
        return decoded(ApiKey, item)

    def revoke_user_keys(self, user_id: str, at: int, scopes: Collection[Scope] | None = None) -> int:
        chosen = [key for key in self._all_keys_of(user_id) if scopes is None or key.scope in scopes]
        for key in chosen:
            self.revoke_key(key.id, at)
        return len(chosen)

    def list_keys(self, user_id: str | None = None, limit: int = 100, cursor: str | None = None) -> Page[ApiKey]:
        source = Source(L.user_keys_list(user_id) if user_id else L.KEYS_LIST)
        page = list_page(self._db, [source], "key", limit, cursor)
        return Page([decode(ApiKey, i) for i in page.items], page.next_cursor)

    def revoke_key(self, key_id: str, at: int) -> ApiKey | None:
        for _ in range(_RACE_ATTEMPTS):
            key = self.get_key(key_id)
            if key is None:
                return None
            if key.revoked_at is not None and key.revoked_at <= at:
                return key
            try:  # both copies, and only if nobody changed revoked_at since we read it
                self._db.transact(
                    [
                        revoke_update(L.api_key_key(key_id), key.revoked_at, at),
                        revoke_update(L.key_hash_key(key.key_hash), key.revoked_at, at),
                    ]
                )
            except TransactionFailed:
                continue  # revoked meanwhile: read again and decide again
            return msgspec.structs.replace(key, revoked_at=at)
        raise StoreUnavailable(f"key {key_id} kept changing while being revoked; try again")

    def roll_key(self, key_id: str, successor: ApiKey, stops_at: int) -> ApiKey | None:
        """One transaction: both copies of the old key, each only while it has no revoked_at,
        and both of the successor's, each only if new."""
        key = self.get_key(key_id)
        if key is None or key.revoked_at is not None:
            return None
        try:
            self._db.transact(
                [
                    revoke_update(L.api_key_key(key_id), None, stops_at),
                    revoke_update(L.key_hash_key(key.key_hash), None, stops_at),
                    *key_puts(successor),
                ]
            )
        except TransactionFailed:
            return None  # rolled or revoked meanwhile
        return msgspec.structs.replace(key, revoked_at=stops_at)

    def has_active_admin_key(self, now: int) -> bool:
        def usable_admin(item: Item) -> bool:
            key = decode(ApiKey, item)
            return key.scope is Scope.ADMIN and key.refusal(now) is None

        e = Expr()
        query = e.params(KeyConditionExpression=f"{e.n('gsi1pk')} = {e.v(L.KEYS_LIST)}")
        return self._db.first_match(usable_admin, IndexName=L.INDEX, **query) is not None

    # --- rate limiting and usage ---------------------------------------------------------
    def hit(self, key_id: str, window_start: int, limit: int, ttl_seconds: int) -> int:
        """One UpdateItem of a small item outside every index: one write unit, on one of the
        day's USAGE_SHARDS partitions (docs/dynamodb.md, "Capacity")."""
        e = Expr().add("count", 1)
        e.set("lim", limit).set("key_id", key_id).set("window_start", window_start)
        e.set(L.TTL_ATTRIBUTE, window_start + ttl_seconds)
        response = self._db.call(
            "update_item",
            Key=L.window_key(key_id, window_start),
            ReturnValues="UPDATED_NEW",
            **e.params(),
        )
        return int(response["Attributes"]["count"]["N"])

    def key_usage(self, key_id: str, day: str) -> KeyUsage:
        L.day_bounds(day)  # validates the day
        e = Expr()
        condition = (
            f"{e.n('pk')} = {e.v(L.usage_pk(day, L.usage_shard(key_id)))} AND "
            f"begins_with({e.n('sk')}, {e.v(L.window_prefix(key_id))})"
        )
        items = self._db.query_all(ConsistentRead=True, **e.params(KeyConditionExpression=condition))
        return usage_of(key_id, day, items)

    def usage_for_day(self, day: str) -> list[KeyUsage]:
        """Every shard of the day, read eventually consistent (half the read units): a window
        counted in the last second may be missing, which a day's statistics can afford."""
        L.day_bounds(day)  # validates the day
        by_key: dict[str, list[Item]] = defaultdict(list)
        for shard in range(L.USAGE_SHARDS):
            e = Expr()
            query = e.params(KeyConditionExpression=f"{e.n('pk')} = {e.v(L.usage_pk(day, shard))}")
            for item in self._db.query_all(**query):
                by_key[item["key_id"]["S"]].append(item)
        return [usage_of(key_id, day, items) for key_id, items in sorted(by_key.items())]

    # --- alerts ------------------------------------------------------------------------
    def create_alert(self, alert: Alert, max_active: int | None = None) -> Alert:
        """With `max_active`, the count of the owner's active alerts is read, then the alert is
        written together with a bump of the owner's alert sequence item, conditional on the
        sequence read before the count: of two concurrent creations one loses and counts
        again. (A cancel or trigger only lowers the count, so it needs no bump.)"""
        items = [
            put_new({**encode(alert, **alert_listing(alert)), **L.alert_key(alert.id)}),
            put_new({**encode(alert), **L.alert_copy_key(alert.user_id, alert.id)}),
        ]
        for _ in range(_RACE_ATTEMPTS):
            guard = [] if max_active is None else [self._alert_slot(alert.user_id, max_active)]
            try:
                self._db.transact(items + guard)
            except TransactionFailed as failed:
                if "ConditionalCheckFailed" in failed.reasons[:2]:
                    raise Conflict("an alert with this id already exists", code="alert_exists") from None
                continue  # another alert of this user was created meanwhile: count again
            return alert
        raise StoreUnavailable("alerts of this user kept changing while one was created; try again")

    def _alert_slot(self, user_id: str, max_active: int) -> dict[str, Any]:
        """The transaction item that takes one of the user's `max_active` slots, or Conflict."""
        stored = self._db.get(L.alert_seq_key(user_id))
        seq = 0 if stored is None else int(stored["seq"]["N"])
        active = sum(a.status is AlertStatus.ACTIVE for a in self._all_alerts_of(user_id))
        if active >= max_active:
            raise alert_limit(max_active)
        e = Expr().set("seq", seq + 1)
        condition = absent(e) if stored is None else f"{e.n('seq')} = {e.v(seq)}"
        return {"Update": {"Key": L.alert_seq_key(user_id), **e.params(ConditionExpression=condition)}}

    def get_alert(self, alert_id: str) -> Alert | None:
        return decoded(Alert, self._db.get(L.alert_key(alert_id)))

    def list_alerts(
        self,
        user_id: str | None = None,
        status: AlertStatus | None = None,
        limit: int = 100,
        cursor: str | None = None,
    ) -> Page[Alert]:
        if user_id is not None:  # the owner's copies: one partition of the table
            sources = [Source(L.user_pk(user_id), index=False, prefix=L.ALERT_COPY_PREFIX)]
        else:
            statuses = [status] if status else list(AlertStatus)
            sources = [Source(L.alerts_list(s)) for s in statuses]
        keep = None if status is None else (lambda item: item["status"]["S"] == status)
        page = list_page(self._db, sources, "alr", limit, cursor, keep=keep)
        return Page([decode(Alert, i) for i in page.items], page.next_cursor)

    def cancel_alert(self, alert_id: str) -> Alert | None:
        alert = self.get_alert(alert_id)
        if alert is None or alert.status is AlertStatus.CANCELLED:
            return alert
        cancelled = msgspec.structs.replace(alert, status=AlertStatus.CANCELLED)
        self._db.transact(alert_updates(cancelled, lambda e: e.set("status", AlertStatus.CANCELLED), existing))
        return self.get_alert(alert_id)

    def active_alerts(self) -> list[Alert]:
        e = Expr()
        listing = L.alerts_list(AlertStatus.ACTIVE)
        query = e.params(KeyConditionExpression=f"{e.n('gsi1pk')} = {e.v(listing)}")
        return [decode(Alert, i) for i in self._db.query_all(IndexName=L.INDEX, **query)]

    def trigger_alert(self, alert: Alert, at: int, notification: Notification) -> bool:
        status = AlertStatus.ACTIVE if alert.repeat else AlertStatus.TRIGGERED
        fired = msgspec.structs.replace(alert, status=status, last_triggered_at=at)

        def fire(e: Expr) -> None:
            e.set("status", status).set("last_triggered_at", at).add("trigger_count", 1)

        def unchanged(e: Expr) -> str:
            active = f"{e.n('status')} = {e.v(AlertStatus.ACTIVE)}"
            last = e.n("last_triggered_at")
            if alert.last_triggered_at is None:
                return f"{active} AND attribute_not_exists({last})"
            return f"{active} AND {last} = {e.v(alert.last_triggered_at)}"

        try:
            self._db.transact([*alert_updates(fired, fire, unchanged), self._outbox_put(notification)])
        except TransactionFailed:
            return False
        return True

    @staticmethod
    def _outbox_put(notification: Notification) -> dict[str, Any]:
        record = encode(notification, **notification_listing(notification.status, notification.id))
        return put_new({**record, **L.notification_key(notification.id)})

    # --- notification outbox -------------------------------------------------------------
    def enqueue_notification(self, notification: Notification) -> Notification:
        try:
            self._db.transact([self._outbox_put(notification)])
        except TransactionFailed:
            raise Conflict("a notification with this id already exists") from None
        return notification

    def due_notifications(self, now: int, limit: int = 100) -> list[Notification]:
        """The pending partition is small: the outbox drains every cycle, so reading all of its
        due items and ordering them here (users in turn) is cheap."""
        e = Expr()
        listing = L.notifications_list(NotificationStatus.PENDING)
        query = e.params(
            KeyConditionExpression=f"{e.n('gsi1pk')} = {e.v(listing)}",
            FilterExpression=f"{e.n('next_attempt_at')} <= {e.v(now)}",
        )
        due = [decode(Notification, i) for i in self._db.query_all(IndexName=L.INDEX, **query)]
        due = [n for n in due if n.status is NotificationStatus.PENDING]  # the index lags a bit
        return users_in_turn(due)[:limit]

    def claim_notification(self, notification_id: str, now: int, lease_until: int) -> bool:
        e = Expr().set("next_attempt_at", lease_until)
        condition = f"{e.n('status')} = {e.v(NotificationStatus.PENDING)} AND {e.n('next_attempt_at')} <= {e.v(now)}"
        return (
            self._db.conditional(
                "update_item",
                Key=L.notification_key(notification_id),
                **e.params(ConditionExpression=condition),
            )
            is not None
        )

    def complete_notification(self, notification_id: str, at: int) -> None:
        """Only a pending notification becomes sent; the attempt that delivered it counts."""
        e = Expr().set("status", NotificationStatus.SENT).set("sent_at", at).add("attempts", 1)
        self._move(notification_id, NotificationStatus.PENDING, NotificationStatus.SENT, e)

    def fail_notification(self, notification_id: str, error: str, next_attempt_at: int | None) -> None:
        """Only a pending one changes: a late failure never undoes another deliverer's success."""
        e = Expr().add("attempts", 1).set("last_error", error)
        if next_attempt_at is not None:
            e.set("next_attempt_at", next_attempt_at)
            self._move(notification_id, NotificationStatus.PENDING, NotificationStatus.PENDING, e)
        else:
            e.set("status", NotificationStatus.FAILED)
            self._move(notification_id, NotificationStatus.PENDING, NotificationStatus.FAILED, e)

    def retry_notification(self, notification_id: str, at: int) -> bool:
        e = Expr().set("status", NotificationStatus.PENDING).set("attempts", 0).set("next_attempt_at", at)
        return self._move(notification_id, NotificationStatus.FAILED, NotificationStatus.PENDING, e)

    def _move(self, notification_id: str, current: NotificationStatus, status: NotificationStatus, e: Expr) -> bool:
        """Apply `e` to a notification whose status is `current`, moving it to `status`'s
        listing; True if it was. Any other one changes nothing (and nothing is created)."""
        for name, value in notification_listing(status, notification_id).items():
            e.set(name, value)
        condition = f"{e.n('status')} = {e.v(current)}"
        changed = self._db.conditional(
            "update_item",
            Key=L.notification_key(notification_id),
            **e.params(ConditionExpression=condition),
        )
        return changed is not None

    def get_notification(self, notification_id: str) -> Notification | None:
        return decoded(Notification, self._db.get(L.notification_key(notification_id)))

    def list_notifications(
        self,
        status: NotificationStatus | None = None,
        alert_id: str | None = None,
        limit: int = 100,
        cursor: str | None = None,
    ) -> Page[Notification]:
        statuses = [status] if status else list(NotificationStatus)
        sources = [Source(L.notifications_list(s)) for s in statuses]
        keep = None if alert_id is None else (lambda item: item["alert_id"]["S"] == alert_id)
        page = list_page(self._db, sources, "ntf", limit, cursor, keep=keep)
        return Page([decode(Notification, i) for i in page.items], page.next_cursor)

    # --- exports metadata --------------------------------------------------------------
    def create_export(self, record: ExportRecord) -> ExportRecord:
        item = {
            **encode(record, gsi1pk=L.EXPORTS_LIST, gsi1sk=record.id),
            **L.export_key(record.id),
        }
        if self._db.conditional("put_item", **put_new(item)["Put"]) is None:
            raise Conflict("an export with this id already exists", code="export_exists")
        return record

    def get_export(self, export_id: str) -> ExportRecord | None:
        return decoded(ExportRecord, self._db.get(L.export_key(export_id)))

    def list_exports(self, limit: int = 100, cursor: str | None = None) -> Page[ExportRecord]:
        page = list_page(self._db, [Source(L.EXPORTS_LIST)], "exp", limit, cursor, descending=True)
        return Page([decode(ExportRecord, i) for i in page.items], page.next_cursor)

    # --- portfolio holdings (dynamodb_holdings.py) ---------------------------------------
    def add_holding(self, holding: Holding, cap: int) -> Holding:
        return holdings.add(self._db, holding, cap)

    def list_holdings(self, user_id: str) -> list[Holding]:
        return holdings.of_user(self._db, user_id)

    def get_holding(self, user_id: str, holding_id: str) -> Holding | None:
        return holdings.one(self._db, user_id, holding_id)

    def update_holding(self, holding: Holding) -> Holding | None:
        return holdings.update(self._db, holding)

    def delete_holding(self, user_id: str, holding_id: str) -> bool:
        return holdings.delete(self._db, user_id, holding_id)

    def held_symbols(self, kind: AssetKind) -> list[str]:
        return holdings.symbols(self._db, kind)

    # --- pairing (dynamodb_pairings.py) ------------------------------------------------
    def create_pairing(self, pairing: Pairing, now: int) -> Pairing:
        return pairings.create(self._db, pairing, now)

    def get_pairing(self, device_code_hash: str, now: int) -> Pairing | None:
        return pairings.get(self._db, device_code_hash, now)

    def find_pairing_by_user_code(self, user_code_hash: str, now: int) -> Pairing | None:
        return pairings.find_by_user_code(self._db, user_code_hash, now)

    def record_poll(self, pairing: Pairing, at: int, interval: int) -> bool:
        return pairings.record_poll(self._db, pairing, at, interval)

    def decide_pairing(
        self, device_code_hash: str, status: PairingStatus, at: int, *, user_id: str | None = None,
        label: str | None = None,
    ) -> Pairing | None:
        return pairings.decide(self._db, device_code_hash, status, at, user_id, label)

    def redeem_pairing(self, pairing: Pairing, key: ApiKey, at: int) -> bool:
        return pairings.redeem(self._db, pairing, key, at)

    def count_attempt(self, bucket: str, window_start: int, ttl_seconds: int) -> int:
        return pairings.count_attempt(self._db, bucket, window_start, ttl_seconds)


def _latest(stored: Item | None) -> list[PricePoint]:
    """The points of the one item holding every latest price."""
    prices = {} if stored is None else stored["prices"]["M"]
    return [decode(PricePoint, prices[entry]["M"]) for entry in sorted(prices)]
