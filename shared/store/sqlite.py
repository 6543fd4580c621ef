"""The embedded store: one SQLite file in WAL mode, shared by several processes at once.

Every thread gets its own connection (the API calls from the event loop, tests and the updater
from threads). SQLite's file locks serialise writers across processes and `busy_timeout` makes
a writer wait for its turn instead of failing. Read-modify-write steps run inside
`BEGIN IMMEDIATE`; a single conditional statement is atomic on its own.
"""

from __future__ import annotations

import contextlib
import functools
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, Protocol, TypeVar

import msgspec

from shared.alerts import alert_limit
from shared.errors import Conflict, StoreUnavailable
from shared.ids import day_start
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
from shared.paging import decode_cursor, encode_cursor
from shared.pairing.model import Pairing, PairingStatus
from shared.private_files import private_file, private_folder, tighten
from shared.store import sqlite_holdings as holdings
from shared.store import sqlite_pairings as pairings
from shared.store import sqlite_rows as rows
from shared.store.sqlite_counters import SharedCounters, WindowCount
from shared.store.sqlite_schema import MIGRATIONS, SCHEMA_VERSION

P = ParamSpec("P")
R = TypeVar("R")

BUSY_TIMEOUT_SECONDS = 5.0
DAY = 86_400


class _HasId(Protocol):
    @property
    def id(self) -> str: ...


Item = TypeVar("Item", bound=_HasId)


def _guarded(
    method: Callable[Concatenate[SQLiteStore, P], R],
) -> Callable[Concatenate[SQLiteStore, P], R]:
    """Turn SQLite failures into the errors callers handle: a busy, locked, unreadable or
    unwritable file is StoreUnavailable (503), a broken uniqueness rule is Conflict (409)."""

    @functools.wraps(method)
    def guarded(self: SQLiteStore, /, *args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return method(self, *args, **kwargs)
        except sqlite3.IntegrityError as exc:
            raise Conflict("the record conflicts with one already stored") from exc
        except sqlite3.DatabaseError as exc:  # OperationalError: locked, I/O, disk full...
            raise StoreUnavailable() from exc

    return guarded


_UPSERT_LATEST = """
INSERT INTO latest_prices (symbol, currency, price, change_24h, updated_at, source, closed)
VALUES (?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (symbol, currency) DO UPDATE SET
    price = excluded.price, change_24h = excluded.change_24h,
    updated_at = excluded.updated_at, source = excluded.source, closed = excluded.closed
WHERE excluded.updated_at >= latest_prices.updated_at
"""

_UPSERT_HISTORY = """
INSERT INTO price_history (symbol, currency, price, change_24h, updated_at, source, closed)
VALUES (?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (symbol, currency, updated_at) DO UPDATE SET
    price = excluded.price, change_24h = excluded.change_24h, source = excluded.source,
    closed = excluded.closed
"""

_HIT = """
INSERT INTO rate_windows (key_id, window_start, count, lim, expires_at) VALUES (?, ?, 1, ?, ?)
ON CONFLICT (key_id, window_start) DO UPDATE SET count = count + 1, lim = excluded.lim
RETURNING count
"""

_STORE_COUNT = """
INSERT INTO rate_windows (key_id, window_start, count, lim, expires_at) VALUES (?, ?, ?, ?, ?)
ON CONFLICT (key_id, window_start) DO UPDATE SET
    count = MAX(count, excluded.count), lim = excluded.lim, expires_at = excluded.expires_at
"""

_USAGE = """
SELECT key_id, SUM(count), SUM(MAX(0, count - lim)), MAX(window_start)
FROM rate_windows WHERE window_start >= ? AND window_start < ?
"""


class SQLiteStore:
    """The Store protocol over one SQLite file.

    Usage is derived from rate-limit windows, so a key's `last_used_at` is the start of its
    latest window with a request that day. Live windows are counted in a table shared in memory
    by every process on the machine (`sqlite_counters.py`) and written behind to
    `rate_windows`. Expired windows and history points older than the
    retention are pruned at most once per `prune_interval_seconds` per process, inside a write
    that is happening anyway. A call that waits longer than `busy_timeout_seconds` for another
    writer raises StoreUnavailable."""

    inline_calls = True

    def __init__(
        self,
        path: Path | str,
        history_retention_seconds: int = 30 * DAY,
        *,
        prune_interval_seconds: float = 300.0,
        busy_timeout_seconds: float = BUSY_TIMEOUT_SECONDS,
        counter_slots: int = 16_384,
    ) -> None:
        self._path = Path(path)
        self._busy_timeout = busy_timeout_seconds
        self._retention = history_retention_seconds
        self._prune_interval = prune_interval_seconds
        self._last_pruned: dict[str, float] = {}
        self._local = threading.local()
        self._opened: list[tuple[int, sqlite3.Connection]] = []
        self._opened_lock = threading.Lock()
        self._counters = SharedCounters(
            Path(f"{self._path}-counters"), self._stored_count, self._store_counts, self._count_directly,
            slots=counter_slots,
        )

    # --- connections and transactions ------------------------------------------------------
    def _conn(self) -> sqlite3.Connection:
        """This thread's connection, opened on first use (and again in a forked child)."""
        local = self._local
        conn: sqlite3.Connection | None = getattr(local, "conn", None)
        if conn is None or local.pid != os.getpid():
            conn = self._connect()
            local.conn, local.pid = conn, os.getpid()
        return conn

    def _connect(self) -> sqlite3.Connection:
        try:
            private_folder(self._path.parent)
            private_file(self._path)  # SQLite gives its -wal and -shm files the database's mode
        except OSError as exc:
            raise StoreUnavailable(f"cannot create the data folder {self._path.parent}") from exc
        for suffix in ("-wal", "-shm"):
            tighten(Path(f"{self._path}{suffix}"))
        conn = sqlite3.connect(
            self._path,
            timeout=self._busy_timeout,  # how long a writer waits for the lock
            isolation_level=None,  # autocommit; transactions are explicit
            check_same_thread=False,  # used by one thread only, but closed by close()
        )
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA foreign_keys = ON")
        except sqlite3.Error:
            conn.close()
            raise
        with self._opened_lock:
            self._opened.append((os.getpid(), conn))
        return conn

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction that takes the write lock up front, so the reads inside it
        see the state the writes apply to."""
        conn = self._conn()
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise

    @contextlib.contextmanager
    def _waiting_at_most(self, seconds: float) -> Iterator[sqlite3.Connection]:
        """This thread's connection, waiting at most `seconds` for another writer's lock
        within the block (the store's own busy timeout again after it)."""
        conn = self._conn()
        conn.execute(f"PRAGMA busy_timeout = {int(seconds * 1000)}")
        try:
            yield conn
        finally:
            conn.execute(f"PRAGMA busy_timeout = {int(self._busy_timeout * 1000)}")

    def _prune_due(self, what: str) -> bool:
        """True at most once per interval for each kind of pruning, so it stays off most calls."""
        clock = time.monotonic()
        last = self._last_pruned.get(what)
        if last is not None and clock - last < self._prune_interval:
            return False
        self._last_pruned[what] = clock
        return True

    def _page(
        self,
        codec: rows.Codec[Item],
        kind: str,
        filters: Mapping[str, object],
        limit: int,
        cursor: str | None,
        *,
        newest_first: bool = False,
    ) -> Page[Item]:
        """One page ordered by id (ids are time-ordered, of `kind`); the cursor encodes the last
        id returned."""
        clauses = [f'"{column}" = ?' for column, value in filters.items() if value is not None]
        params: list[Any] = [value for value in filters.values() if value is not None]
        after = decode_cursor(cursor, kind)
        if after is not None:
            clauses.append("id < ?" if newest_first else "id > ?")
            params.append(after)
        where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        order = "DESC" if newest_first else "ASC"
        found = self._conn().execute(
            f"{codec.select}{where} ORDER BY id {order} LIMIT ?", (*params, limit + 1)
        ).fetchall()
        items = [codec.item(row) for row in found[:limit]]
        more = len(found) > limit and bool(items)
        return Page(items, encode_cursor(items[-1].id) if more else None)

    def _one(self, codec: rows.Codec[R], where: str, *params: object) -> R | None:
        found = self._conn().execute(f"{codec.select} WHERE {where}", params).fetchone()
        return None if found is None else codec.item(found)

    # --- lifecycle ---------------------------------------------------------------------------
    @_guarded
    def init(self) -> None:
        with self._transaction() as conn:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            for statements in MIGRATIONS[version:]:
                for statement in statements:
                    conn.execute(statement)
            if version < SCHEMA_VERSION:
                conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    @_guarded
    def ping(self) -> None:
        """Read the schema version, then take the write lock for a moment: in WAL mode reads go
        on while another process holds that lock, yet every write fails, so a read alone would
        call such a store healthy. The probe waits at most 0.5 s (less with a shorter busy
        timeout), longer than any write of ours holds the lock."""
        version = self._conn().execute("PRAGMA user_version").fetchone()[0]
        if version < SCHEMA_VERSION:
            raise StoreUnavailable("the store's schema is not initialised; run `cryptowatch init`")
        with self._waiting_at_most(min(self._busy_timeout, 0.5)) as conn:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("ROLLBACK")

    def close(self) -> None:
        """Write the counts behind, then close every connection this process opened; a later
        call opens fresh ones."""
        with contextlib.suppress(Exception):  # an unreachable file keeps them in the shared table
            self._counters.flush()
        self._counters.close()
        with self._opened_lock:
            mine = [conn for pid, conn in self._opened if pid == os.getpid()]
            self._opened = [(pid, conn) for pid, conn in self._opened if pid != os.getpid()]
            self._local = threading.local()
        for conn in mine:
            conn.close()

    # --- prices ------------------------------------------------------------------------------
    @_guarded
    def put_prices(self, points: Sequence[PricePoint]) -> None:
        if not points:
            return
        values = [rows.LATEST.row(point) for point in points]
        with self._transaction() as conn:
            conn.executemany(_UPSERT_LATEST, values)
            conn.executemany(_UPSERT_HISTORY, values)
            if self._prune_due("history"):
                conn.execute(
                    "DELETE FROM price_history WHERE updated_at < ?",
                    (wall_clock() - self._retention,),
                )

    @_guarded
    def latest_prices(self) -> list[PricePoint]:
        found = self._conn().execute(f"{rows.LATEST.select} ORDER BY symbol, currency")
        return [rows.LATEST.item(row) for row in found]

    @_guarded
    def price_history(
        self, symbol: str, currency: str, start: int, end: int, limit: int | None = None
    ) -> list[PricePoint]:
        found = self._conn().execute(
            f"{rows.HISTORY.select} WHERE symbol = ? AND currency = ?"
            " AND updated_at BETWEEN ? AND ? ORDER BY updated_at DESC LIMIT ?",
            (symbol, currency, start, end, -1 if limit is None else limit),
        ).fetchall()
        return [rows.HISTORY.item(row) for row in reversed(found)]

    @_guarded
    def delete_history(self, symbol: str, currency: str, source: str) -> int:
        return self._conn().execute(
            "DELETE FROM price_history WHERE symbol = ? AND currency = ? AND source = ?",
            (symbol, currency, source),
        ).rowcount

    # --- updater status ----------------------------------------------------------------------
    @_guarded
    def record_update(self, status: UpdateStatus) -> UpdateStatus:
        with self._transaction() as conn:
            previous = conn.execute("SELECT last_success_at FROM update_status").fetchone()
            last_success: int | None
            if status.ok:
                given = status.last_success_at
                last_success = status.finished_at if given is None else given
            else:
                last_success = previous[0] if previous is not None else status.last_success_at
            stored = msgspec.structs.replace(status, last_success_at=last_success)
            conn.execute(rows.STATUS.replace, rows.STATUS.row(stored))
        return stored

    @_guarded
    def update_status(self) -> UpdateStatus | None:
        return self._one(rows.STATUS, "slot = 1")

    def price_snapshot(self) -> tuple[list[PricePoint], UpdateStatus | None]:
        return self.latest_prices(), self.update_status()

    @_guarded
    def record_stream(self, status: StreamStatus) -> None:
        self._conn().execute(rows.STREAM.replace, rows.STREAM.row(status))

    @_guarded
    def stream_status(self) -> StreamStatus | None:
        return self._one(rows.STREAM, "slot = 1")

    # --- users -------------------------------------------------------------------------------
    @_guarded
    def create_user(self, user: User) -> User:
        try:
            self._conn().execute(rows.USERS.insert, rows.USERS.row(user))
        except sqlite3.IntegrityError as exc:
            if "email_key" in str(exc):
                raise Conflict(
                    f"a user with the email {user.email} already exists", code="email_taken"
                ) from exc
            raise
        return user

    @_guarded
    def get_user(self, user_id: str) -> User | None:
        return self._one(rows.USERS, "id = ?", user_id)

    @_guarded
    def get_user_by_email(self, email: str) -> User | None:
        return self._one(rows.USERS, "email_key = ?", email.lower())

    @_guarded
    def list_users(self, limit: int, cursor: str | None = None) -> Page[User]:
        return self._page(rows.USERS, "usr", {}, limit, cursor)

    @_guarded
    def update_user(self, user: User) -> User | None:
        names = [name for name in rows.USERS.fields if name not in ("id", "email")]
        assignments = ", ".join(f'"{name}" = ?' for name in names)
        changed = self._conn().execute(
            f"UPDATE users SET {assignments} WHERE id = ? AND email = ?",
            (*(rows.USERS.row(user)[rows.USERS.fields.index(name)] for name in names), user.id, user.email),
        ).rowcount
        return user if changed else None

    @_guarded
    def delete_user(self, user_id: str, now: int) -> bool:
        with self._transaction() as conn:
            if conn.execute("DELETE FROM users WHERE id = ?", (user_id,)).rowcount == 0:
                return False
            conn.execute("DELETE FROM holdings WHERE user_id = ?", (user_id,))
            conn.execute(
                "UPDATE api_keys SET revoked_at = MIN(COALESCE(revoked_at, ?1), ?1)"
                " WHERE user_id = ?2",
                (now, user_id),
            )
            conn.execute(
                "UPDATE alerts SET status = ? WHERE user_id = ? AND status = ?",
                (AlertStatus.CANCELLED, user_id, AlertStatus.ACTIVE),
            )
        return True

    # --- API keys ----------------------------------------------------------------------------
    @_guarded
    def create_key(self, key: ApiKey) -> ApiKey:
        self._conn().execute(rows.KEYS.insert, rows.KEYS.row(key))
        return key

    @_guarded
    def get_key(self, key_id: str) -> ApiKey | None:
        return self._one(rows.KEYS, "id = ?", key_id)

    @_guarded
    def find_key_by_hash(self, key_hash: str) -> ApiKey | None:
        return self._one(rows.KEYS, "key_hash = ?", key_hash)

    @_guarded
    def list_keys(
        self, user_id: str | None = None, limit: int = 100, cursor: str | None = None
    ) -> Page[ApiKey]:
        return self._page(rows.KEYS, "key", {"user_id": user_id}, limit, cursor)

    @_guarded
    def revoke_key(self, key_id: str, at: int) -> ApiKey | None:
        found = self._conn().execute(
            "UPDATE api_keys SET revoked_at = MIN(COALESCE(revoked_at, ?1), ?1) WHERE id = ?2"
            + rows.KEYS.returning,
            (at, key_id),
        ).fetchall()
        return rows.KEYS.item(found[0]) if found else None

    @_guarded
    def roll_key(self, key_id: str, successor: ApiKey, stops_at: int) -> ApiKey | None:
        with self._transaction() as conn:
            found = conn.execute(
                "UPDATE api_keys SET revoked_at = ?1 WHERE id = ?2 AND revoked_at IS NULL" + rows.KEYS.returning,
                (stops_at, key_id),
            ).fetchall()
            if found:
                conn.execute(rows.KEYS.insert, rows.KEYS.row(successor))
        return rows.KEYS.item(found[0]) if found else None

    @_guarded
    def revoke_user_keys(self, user_id: str, at: int, scopes: Collection[Scope] | None = None) -> int:
        chosen = list(Scope if scopes is None else scopes)
        marks = ", ".join("?" * len(chosen))
        return self._conn().execute(
            "UPDATE api_keys SET revoked_at = MIN(COALESCE(revoked_at, ?), ?)"
            f" WHERE user_id = ? AND scope IN ({marks})",
            (at, at, user_id, *chosen),
        ).rowcount

    @_guarded
    def has_active_admin_key(self, now: int) -> bool:
        found = self._conn().execute(
            "SELECT EXISTS (SELECT 1 FROM api_keys WHERE scope = ?1"
            " AND (revoked_at IS NULL OR revoked_at > ?2)"
            " AND (expires_at IS NULL OR expires_at > ?2))",
            (Scope.ADMIN, now),
        ).fetchone()
        return bool(found[0])

    # --- rate limiting and usage ---------------------------------------------------------------
    @_guarded
    def hit(self, key_id: str, window_start: int, limit: int, ttl_seconds: int) -> int:
        try:
            return self._counters.hit(key_id, window_start, limit, window_start + ttl_seconds)
        except OSError as exc:  # the shared table's file cannot be opened or locked
            raise StoreUnavailable() from exc

    def _stored_count(self, key_id: str, window_start: int) -> int:
        found = self._conn().execute(
            "SELECT count FROM rate_windows WHERE key_id = ? AND window_start = ?", (key_id, window_start)
        ).fetchone()
        return 0 if found is None else int(found[0])

    def _count_directly(self, key_id: str, window_start: int, limit: int, expires_at: int) -> int:
        # fetchall() runs the statement to completion, which commits it and frees the lock.
        return int(self._conn().execute(_HIT, (key_id, window_start, limit, expires_at)).fetchall()[0][0])

    def _store_counts(self, counts: Sequence[WindowCount], patient: bool) -> None:
        """The shared table's write-behind; an impatient one gives up at once on a busy file
        (it runs inside a watch request) and is tried again a second later."""
        with self._waiting_at_most(self._busy_timeout if patient else 0), self._transaction() as conn:
            conn.executemany(
                _STORE_COUNT, [(c.key_id, c.window_start, c.count, c.limit, c.expires_at) for c in counts]
            )
            if self._prune_due("windows"):
                conn.execute("DELETE FROM rate_windows WHERE expires_at < ?", (wall_clock(),))

    def _written_behind(self) -> None:
        """Usage is read from `rate_windows`: bring it up to date with the shared table first."""
        try:
            self._counters.flush()
        except OSError as exc:
            raise StoreUnavailable() from exc

    @_guarded
    def key_usage(self, key_id: str, day: str) -> KeyUsage:
        self._written_behind()
        start = day_start(day)
        found = self._conn().execute(_USAGE + " AND key_id = ?", (start, start + DAY, key_id))
        _, requests, rejected, last_used = found.fetchone()
        return KeyUsage(key_id, day, requests or 0, rejected or 0, last_used)

    @_guarded
    def usage_for_day(self, day: str) -> list[KeyUsage]:
        self._written_behind()
        start = day_start(day)
        found = self._conn().execute(
            _USAGE + " GROUP BY key_id ORDER BY key_id", (start, start + DAY)
        )
        return [KeyUsage(key_id, day, requests, rejected, last) for key_id, requests, rejected, last
                in found]

    # --- alerts ------------------------------------------------------------------------------
    @_guarded
    def create_alert(self, alert: Alert, max_active: int | None = None) -> Alert:
        """Counted and inserted in one write transaction: concurrent creations take turns."""
        with self._transaction() as conn:
            if max_active is not None:
                (active,) = conn.execute(
                    "SELECT COUNT(*) FROM alerts WHERE user_id = ? AND status = ?",
                    (alert.user_id, AlertStatus.ACTIVE),
                ).fetchone()
                if active >= max_active:
                    raise alert_limit(max_active)
            conn.execute(rows.ALERTS.insert, rows.ALERTS.row(alert))
        return alert

    @_guarded
    def get_alert(self, alert_id: str) -> Alert | None:
        return self._one(rows.ALERTS, "id = ?", alert_id)

    @_guarded
    def list_alerts(
        self,
        user_id: str | None = None,
        status: AlertStatus | None = None,
        limit: int = 100,
        cursor: str | None = None,
    ) -> Page[Alert]:
        return self._page(rows.ALERTS, "alr", {"user_id": user_id, "status": status}, limit, cursor)

    @_guarded
    def cancel_alert(self, alert_id: str) -> Alert | None:
        found = self._conn().execute(
            "UPDATE alerts SET status = ? WHERE id = ?" + rows.ALERTS.returning,
            (AlertStatus.CANCELLED, alert_id),
        ).fetchall()
        return rows.ALERTS.item(found[0]) if found else None

    @_guarded
    def active_alerts(self) -> list[Alert]:
        found = self._conn().execute(
            f"{rows.ALERTS.select} WHERE status = ? ORDER BY id", (AlertStatus.ACTIVE,)
        )
        return [rows.ALERTS.item(row) for row in found]

    @_guarded
    def trigger_alert(self, alert: Alert, at: int, notification: Notification) -> bool:
        with self._transaction() as conn:
            changed = conn.execute(
                "UPDATE alerts SET status = CASE WHEN repeat THEN ? ELSE ? END,"
                " last_triggered_at = ?, trigger_count = trigger_count + 1"
                " WHERE id = ? AND status = ? AND last_triggered_at IS ?",
                (AlertStatus.ACTIVE, AlertStatus.TRIGGERED, at, alert.id, AlertStatus.ACTIVE,
                 alert.last_triggered_at),
            ).rowcount
            if changed != 1:
                return False
            conn.execute(rows.NOTIFICATIONS.insert, rows.NOTIFICATIONS.row(notification))
        return True

    # --- notification outbox -------------------------------------------------------------------
    @_guarded
    def enqueue_notification(self, notification: Notification) -> Notification:
        self._conn().execute(rows.NOTIFICATIONS.insert, rows.NOTIFICATIONS.row(notification))
        return notification

    @_guarded
    def due_notifications(self, now: int, limit: int = 100) -> list[Notification]:
        """Users in turn (the rank of each record among its user's), longest-due first."""
        found = self._conn().execute(
            f"SELECT {rows.NOTIFICATIONS.columns} FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY user_id"
            " ORDER BY next_attempt_at, id) AS turn FROM notifications"
            " WHERE status = ? AND next_attempt_at <= ?)"
            " ORDER BY turn, next_attempt_at, id LIMIT ?",
            (NotificationStatus.PENDING, now, limit),
        )
        return [rows.NOTIFICATIONS.item(row) for row in found]

    @_guarded
    def claim_notification(self, notification_id: str, now: int, lease_until: int) -> bool:
        changed = self._conn().execute(
            "UPDATE notifications SET next_attempt_at = ?"
            " WHERE id = ? AND status = ? AND next_attempt_at <= ?",
            (lease_until, notification_id, NotificationStatus.PENDING, now),
        ).rowcount
        return changed == 1

    @_guarded
    def complete_notification(self, notification_id: str, at: int) -> None:
        """Only a pending notification becomes sent; the attempt that delivered it counts."""
        self._conn().execute(
            "UPDATE notifications SET status = ?, sent_at = ?, attempts = attempts + 1"
            " WHERE id = ? AND status = ?",
            (NotificationStatus.SENT, at, notification_id, NotificationStatus.PENDING),
        )

    @_guarded
    def fail_notification(
        self, notification_id: str, error: str, next_attempt_at: int | None
    ) -> None:
        """Only a pending one changes: a late failure never undoes another deliverer's success."""
        status = NotificationStatus.PENDING
        if next_attempt_at is None:
            status = NotificationStatus.FAILED
        self._conn().execute(
            "UPDATE notifications SET status = ?, last_error = ?, attempts = attempts + 1,"
            " next_attempt_at = COALESCE(?, next_attempt_at) WHERE id = ? AND status = ?",
            (status, error, next_attempt_at, notification_id, NotificationStatus.PENDING),
        )

    @_guarded
    def retry_notification(self, notification_id: str, at: int) -> bool:
        changed = self._conn().execute(
            "UPDATE notifications SET status = ?, attempts = 0, next_attempt_at = ?"
            " WHERE id = ? AND status = ?",
            (NotificationStatus.PENDING, at, notification_id, NotificationStatus.FAILED),
        ).rowcount
        return changed == 1

    @_guarded
    def get_notification(self, notification_id: str) -> Notification | None:
        return self._one(rows.NOTIFICATIONS, "id = ?", notification_id)

    @_guarded
    def list_notifications(
        self,
        status: NotificationStatus | None = None,
        alert_id: str | None = None,
        limit: int = 100,
        cursor: str | None = None,
    ) -> Page[Notification]:
        return self._page(
            rows.NOTIFICATIONS, "ntf", {"status": status, "alert_id": alert_id}, limit, cursor
        )

    # --- exports metadata --------------------------------------------------------------------
    @_guarded
    def create_export(self, record: ExportRecord) -> ExportRecord:
        self._conn().execute(rows.EXPORTS.insert, rows.EXPORTS.row(record))
        return record

    @_guarded
    def get_export(self, export_id: str) -> ExportRecord | None:
        return self._one(rows.EXPORTS, "id = ?", export_id)

    @_guarded
    def list_exports(self, limit: int = 100, cursor: str | None = None) -> Page[ExportRecord]:
        return self._page(rows.EXPORTS, "exp", {}, limit, cursor, newest_first=True)

    # --- portfolio holdings (sqlite_holdings.py) ----------------------------------------------
    @_guarded
    def add_holding(self, holding: Holding, cap: int) -> Holding:
        return holdings.add(self._transaction, holding, cap)

    @_guarded
    def list_holdings(self, user_id: str) -> list[Holding]:
        return holdings.of_user(self._conn(), user_id)

    @_guarded
    def get_holding(self, user_id: str, holding_id: str) -> Holding | None:
        return holdings.one(self._conn(), user_id, holding_id)

    @_guarded
    def update_holding(self, holding: Holding) -> Holding | None:
        return holdings.update(self._conn(), holding)

    @_guarded
    def delete_holding(self, user_id: str, holding_id: str) -> bool:
        return holdings.delete(self._conn(), user_id, holding_id)

    @_guarded
    def held_symbols(self, kind: AssetKind) -> list[str]:
        return holdings.symbols(self._conn(), kind)

    # --- pairing (sqlite_pairings.py) ----------------------------------------------------------
    @_guarded
    def create_pairing(self, pairing: Pairing, now: int) -> Pairing:
        try:
            with self._transaction() as conn:
                return pairings.create(conn, pairing, now)
        except sqlite3.IntegrityError as exc:
            raise Conflict("a live pairing holds this code", code="pairing_exists") from exc

    @_guarded
    def get_pairing(self, device_code_hash: str, now: int) -> Pairing | None:
        return pairings.find(self._conn(), "device_code_hash", device_code_hash, now)

    @_guarded
    def find_pairing_by_user_code(self, user_code_hash: str, now: int) -> Pairing | None:
        return pairings.find(self._conn(), "user_code_hash", user_code_hash, now)

    @_guarded
    def record_poll(self, pairing: Pairing, at: int, interval: int) -> bool:
        return pairings.record_poll(self._conn(), pairing, at, interval)

    @_guarded
    def decide_pairing(
        self, device_code_hash: str, status: PairingStatus, at: int, *, user_id: str | None = None,
        label: str | None = None,
    ) -> Pairing | None:
        return pairings.decide(self._conn(), device_code_hash, status, at, user_id, label)

    @_guarded
    def redeem_pairing(self, pairing: Pairing, key: ApiKey, at: int) -> bool:
        with self._transaction() as conn:
            return pairings.redeem(conn, pairing, key, at)

    @_guarded
    def count_attempt(self, bucket: str, window_start: int, ttl_seconds: int) -> int:
        conn = self._conn()
        if self._prune_due("attempts"):
            pairings.prune_attempts(conn, wall_clock())
        return pairings.count_attempt(conn, bucket, window_start, ttl_seconds)
