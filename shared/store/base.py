"""The one storage contract every backend meets (SQLite embedded, DynamoDB on AWS).

Every method is synchronous and self-contained: one method is one logical store call, which is
what the hot-path budget counts. `tests/contract/` runs the same behaviour suite against every
backend, so anything a caller may rely on is written down here and tested there.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Protocol

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
from shared.store.pairings import PairingStore


class Store(PairingStore, Protocol):
    #: True when a call costs microseconds and may run on the event loop (a local file);
    #: False when it crosses a network and the API must run it in a worker thread.
    inline_calls: bool

    # --- lifecycle ---------------------------------------------------------------------
    def init(self) -> None:
        """Create or migrate the schema (tables, indexes, TTL). Idempotent."""

    def ping(self) -> None:
        """Cheap reachability check; raises StoreUnavailable when the store cannot answer."""

    def close(self) -> None: ...

    # --- prices ------------------------------------------------------------------------
    def put_prices(self, points: Sequence[PricePoint]) -> None:
        """Write the points as the latest price of each (symbol, currency) and append them to
        history. Idempotent for the same (symbol, currency, updated_at)."""

    def latest_prices(self) -> list[PricePoint]:
        """The latest point of every (symbol, currency) ever written."""

    def price_history(
        self, symbol: str, currency: str, start: int, end: int, limit: int | None = None
    ) -> list[PricePoint]:
        """History points with start <= updated_at <= end, oldest first; at most `limit`
        (the newest ones when cut)."""

    def delete_history(self, symbol: str, currency: str, source: str) -> int:
        """Remove the pair's history points that came from `source` (the demo's simulated
        points, once real prices replace them); how many there were."""

    # --- updater status ----------------------------------------------------------------
    def record_update(self, status: UpdateStatus) -> UpdateStatus:
        """Store the latest cycle's outcome. `last_success_at` is carried over from the
        previous record when this one failed; the stored record is returned."""

    def update_status(self) -> UpdateStatus | None: ...

    def price_snapshot(self) -> tuple[list[PricePoint], UpdateStatus | None]:
        """`latest_prices()` and `update_status()` in one read where the backend has one (a
        BatchGetItem on DynamoDB): what the API's price cache loads, on every instance's first
        request and each time it expires."""

    def record_stream(self, status: StreamStatus) -> None:
        """Replace the live stream's status record (there is one)."""

    def stream_status(self) -> StreamStatus | None:
        """The live stream's status record; None when no stream ever ran."""

    # --- users -------------------------------------------------------------------------
    def create_user(self, user: User) -> User:
        """Raises Conflict when another user has the same email, compared case-insensitively."""

    def get_user(self, user_id: str) -> User | None: ...

    def get_user_by_email(self, email: str) -> User | None:
        """Case-insensitive lookup."""

    def list_users(self, limit: int, cursor: str | None = None) -> Page[User]:
        """Oldest first (ids are time-ordered)."""

    def update_user(self, user: User) -> User | None:
        """Replace the stored user of `user.id` with `user` (its email must stay the same:
        the email is the lookup key). None, and nothing written, when the user is unknown."""

    def delete_user(self, user_id: str, now: int) -> bool:
        """Remove the user and their holdings, revoke all their keys and cancel their active
        alerts (triggered ones stay triggered: that is their history). False if unknown."""

    # --- API keys ----------------------------------------------------------------------
    def create_key(self, key: ApiKey) -> ApiKey: ...

    def get_key(self, key_id: str) -> ApiKey | None: ...

    def find_key_by_hash(self, key_hash: str) -> ApiKey | None: ...

    def list_keys(
        self, user_id: str | None = None, limit: int = 100, cursor: str | None = None
    ) -> Page[ApiKey]:
        """Oldest first; all keys or one user's."""

    def revoke_key(self, key_id: str, at: int) -> ApiKey | None:
        """Set revoked_at to `at` unless the key already stops earlier (revoked or set to be
        revoked before `at`). Returns the updated key, None if unknown."""

    def roll_key(self, key_id: str, successor: ApiKey, stops_at: int) -> ApiKey | None:
        """In one atomic step, store `successor` and set the key's revoked_at to `stops_at`, only
        while the key exists with no revoked_at (never rolled, never revoked). Returns the key
        as updated; None, with nothing written, otherwise: of two rolls at once, one wins and
        the other makes no key."""

    def revoke_user_keys(self, user_id: str, at: int, scopes: Collection[Scope] | None = None) -> int:
        """Revoke (as `revoke_key`) every key of the user, or only those of `scopes`: sessions
        end at a password change, everything at a disable. How many keys there were."""

    def has_active_admin_key(self, now: int) -> bool: ...

    # --- rate limiting and usage ---------------------------------------------------------
    def hit(self, key_id: str, window_start: int, limit: int, ttl_seconds: int) -> int:
        """Atomically count one request of `key_id` in the window starting at `window_start`
        and return the count including it. Exact under concurrent callers in any number of
        processes. Records `limit` with the window so usage can tell rejected requests."""

    def key_usage(self, key_id: str, day: str) -> KeyUsage:
        """Requests, rejections and last use of one key on a UTC day ('YYYY-MM-DD')."""

    def usage_for_day(self, day: str) -> list[KeyUsage]:
        """Usage of every key that made a request on that UTC day."""

    # --- alerts ------------------------------------------------------------------------
    def create_alert(self, alert: Alert, max_active: int | None = None) -> Alert:
        """Store a new alert. With `max_active`, atomically refuse it (Conflict, code
        `alert_limit`) when its user already has that many active alerts; concurrent creations
        never get past the cap."""

    def get_alert(self, alert_id: str) -> Alert | None: ...

    def list_alerts(
        self,
        user_id: str | None = None,
        status: AlertStatus | None = None,
        limit: int = 100,
        cursor: str | None = None,
    ) -> Page[Alert]:
        """Oldest first, optionally one user's and/or one status."""

    def cancel_alert(self, alert_id: str) -> Alert | None:
        """Set status cancelled (idempotent). None if unknown."""

    def active_alerts(self) -> list[Alert]:
        """Every alert with status active, for evaluation."""

    def trigger_alert(self, alert: Alert, at: int, notification: Notification) -> bool:
        """Atomically, or not at all: if the stored alert is still active and its
        last_triggered_at equals `alert.last_triggered_at`, record the trigger (status
        triggered for one-shot alerts, still active for repeating ones; last_triggered_at =
        at; trigger_count + 1) and insert `notification` into the outbox. False when another
        run got there first or the alert changed, and then nothing is written."""

    # --- notification outbox -------------------------------------------------------------
    def enqueue_notification(self, notification: Notification) -> Notification:
        """Put a notification that no alert fired (an account's mail: a verification link, a
        password reset) in the outbox; its `alert_id` then names the token it carries.
        Conflict for an id already there."""

    def due_notifications(self, now: int, limit: int = 100) -> list[Notification]:
        """Pending notifications with next_attempt_at <= now, users taken in turn: every user's
        n-th longest-due before anyone's (n+1)-th, then longest-due first, then by id. So one
        user's flood of notifications never pushes another user's out of the batch."""

    def claim_notification(self, notification_id: str, now: int, lease_until: int) -> bool:
        """Take a due notification for delivery: if it is pending with next_attempt_at <= now,
        set next_attempt_at = lease_until and return True. Two deliverers never both win."""

    def complete_notification(self, notification_id: str, at: int) -> None:
        """Mark sent."""

    def fail_notification(
        self, notification_id: str, error: str, next_attempt_at: int | None
    ) -> None:
        """Count a failed attempt and keep the error. With next_attempt_at it stays pending and
        is retried then; with None it is marked failed for good (kept, never dropped)."""

    def retry_notification(self, notification_id: str, at: int) -> bool:
        """Put a failed notification back in the outbox: pending, attempts 0, due at `at`, its
        last_error kept until the next attempt. True when it was failed; False (and nothing
        changes) when it is unknown, pending or sent, so of two retries only one wins."""

    def get_notification(self, notification_id: str) -> Notification | None: ...

    def list_notifications(
        self,
        status: NotificationStatus | None = None,
        alert_id: str | None = None,
        limit: int = 100,
        cursor: str | None = None,
    ) -> Page[Notification]:
        """Oldest first, optionally filtered."""

    # --- exports metadata --------------------------------------------------------------
    def create_export(self, record: ExportRecord) -> ExportRecord: ...

    def get_export(self, export_id: str) -> ExportRecord | None: ...

    def list_exports(self, limit: int = 100, cursor: str | None = None) -> Page[ExportRecord]:
        """Newest first: the latest export is the one a person looks for."""

    # --- portfolio holdings ------------------------------------------------------------
    def add_holding(self, holding: Holding, cap: int) -> Holding:
        """Store a new holding, atomically with the checks: Conflict (code `asset_exists`) when
        the user already holds that symbol of that kind, Conflict (`too_many_assets`) when they
        hold `cap` assets already. Quantities read back exactly as given."""

    def list_holdings(self, user_id: str) -> list[Holding]:
        """The user's holdings, oldest first (at most the cap: one call, never paged)."""

    def get_holding(self, user_id: str, holding_id: str) -> Holding | None:
        """None when unknown or another user's."""

    def update_holding(self, holding: Holding) -> Holding | None:
        """Replace the quantity, cost basis and updated_at of the stored holding with this id and
        user; None (and nothing written) when there is none."""

    def delete_holding(self, user_id: str, holding_id: str) -> bool:
        """False when unknown or another user's."""

    def held_symbols(self, kind: AssetKind) -> list[str]:
        """Every symbol of `kind` held by anyone, sorted: what the updater must price."""
