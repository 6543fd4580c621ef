"""The entities every layer shares: plain frozen records, times as epoch seconds.

Stores persist them, the API encodes them, the updater produces them. Keeping them free of
any storage or HTTP detail is what lets one contract suite run against every backend.

They are msgspec Structs (change one with `msgspec.structs.replace`) rather than dataclasses:
the same frozen, slotted records, but a dataclass is made by compiling its methods at import,
about 1 ms each, which every cold start of the API function paid (docs/benchmarks.md).
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Generic, TypeVar

import msgspec

T = TypeVar("T")


class Scope(StrEnum):
    """What a key may do: read prices and own alerts, or manage the service. A wearer's login
    session is a `user` key with an expiry; `verify` and `reset` are one-time mailed tokens,
    stored like keys (only their hash) but never accepted as credentials."""

    WATCH = "watch"
    ADMIN = "admin"
    USER = "user"
    VERIFY = "verify"
    RESET = "reset"

    @property
    def bearer(self) -> bool:
        """Whether a request may present such a key as its credential."""
        return self in (Scope.WATCH, Scope.ADMIN, Scope.USER)


class IssuedScope(StrEnum):
    """The scopes an operator issues keys of; sessions and mailed tokens come from logins and mail."""

    WATCH = "watch"
    ADMIN = "admin"


class Condition(StrEnum):
    """When an alert fires: price at/above target, at/below target, or |24h change| >= target %."""

    ABOVE = "above"
    BELOW = "below"
    PCT_MOVE = "pct_move"


class AlertStatus(StrEnum):
    ACTIVE = "active"
    TRIGGERED = "triggered"
    CANCELLED = "cancelled"


class Channel(StrEnum):
    EMAIL = "email"
    WEBHOOK = "webhook"


class NotificationStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


class ExportFormat(StrEnum):
    JSON = "json"
    CSV = "csv"


class UpdateError(StrEnum):
    """What kind of problem stopped a refresh cycle, or made it pass a source over: short
    enough for /health to show anyone, while the detailed text (upstream bodies, exception
    messages) stays for admins."""

    UPSTREAM_TIMEOUT = "upstream_timeout"
    UPSTREAM_UNREACHABLE = "upstream_unreachable"  # connection refused, DNS, TLS
    UPSTREAM_RATE_LIMITED = "upstream_rate_limited"  # 429
    UPSTREAM_ERROR = "upstream_error"  # 5xx
    UPSTREAM_REFUSED = "upstream_refused"  # another 4xx: a bad API key, a region block (451)
    INVALID_DATA = "invalid_data"  # a malformed answer, or every price in it rejected
    UNSUPPORTED = "unsupported"  # the source cannot price the configured symbols or currencies
    STORE_ERROR = "store_error"  # the prices could not be written
    INTERNAL_ERROR = "internal_error"  # a source failed in a way nobody foresaw


#: The source name of the offline demo prices, which every view of them carries as a warning.
SIMULATED_SOURCE = "demo (simulated)"


class PricePoint(msgspec.Struct, frozen=True):
    """One observed price of `symbol` in quote currency `currency` (both lower/upper as stored:
    symbol upper-case, currency lower-case)."""

    symbol: str
    currency: str
    price: float
    change_24h: float | None
    updated_at: int
    source: str
    #: A stock outside its market's trading hours: `price` is the last close, `updated_at`
    #: when it was last confirmed as such.
    closed: bool = False


class UpdateStatus(msgspec.Struct, frozen=True):
    """The outcome of the latest refresh cycle, for /health and the companion."""

    ok: bool
    source: str
    started_at: int
    finished_at: int
    symbols_updated: int
    error: str | None = None
    last_success_at: int | None = None
    #: The kind of the problem `error` ends with: the one that failed the cycle, or the last
    #: source passed over on the way to the one that answered.
    error_code: UpdateError | None = None


class StreamState(StrEnum):
    """Where the live alert stream is: watching, waiting for alerts to watch, (re)connecting, or
    not watching (alerts then wait for the five-minute cycle)."""

    LIVE = "live"
    IDLE = "idle"  # no active alert, so no symbol to watch
    CONNECTING = "connecting"
    DOWN = "down"  # disconnected, waiting out the backoff before the next attempt
    STOPPED = "stopped"  # the process exited


#: The stream process rewrites its status at least this often; a record older than three of
#: these means the process is gone, whatever state it last wrote.
STREAM_HEARTBEAT_SECONDS = 15


class StreamStatus(msgspec.Struct, frozen=True):
    """The live alert stream's latest state and counters since its process started, for /health
    and /admin/stats."""

    state: StreamState
    updated_at: int
    streams: int = 0
    connected_at: int | None = None
    last_message_at: int | None = None
    reconnects: int = 0
    messages: int = 0
    rejected: int = 0
    triggered: int = 0
    error: str | None = None

    def current(self, at: int) -> StreamState:
        """The state as of `at`: DOWN when the process stopped writing heartbeats."""
        if self.state != StreamState.STOPPED and at - self.updated_at > 3 * STREAM_HEARTBEAT_SECONDS:
            return StreamState.DOWN
        return self.state


class User(msgspec.Struct, frozen=True):
    id: str
    email: str
    name: str
    created_at: int
    webhook_secret: str | None = None
    #: argon2id (`shared.passwords`); None for a user the operator made, until a reset sets one.
    password_hash: str | None = None
    verified: bool = False
    disabled: bool = False
    last_login_at: int | None = None


class ApiKey(msgspec.Struct, frozen=True):
    """A key's stored record. The secret itself is never kept: only `key_hash` and `prefix`."""

    id: str
    prefix: str
    key_hash: str
    scope: Scope
    created_at: int
    user_id: str | None = None
    label: str | None = None
    rate_limit: int | None = None
    expires_at: int | None = None
    revoked_at: int | None = None

    def refusal(self, now: int) -> str | None:
        """Why this key may not be used at `now` ('revoked', 'expired'), or None if usable."""
        if self.revoked_at is not None and self.revoked_at <= now:
            return "revoked"
        if self.expires_at is not None and self.expires_at <= now:
            return "expired"
        return None


class KeyUsage(msgspec.Struct, frozen=True):
    """Requests a key made on one UTC day, derived from its rate-limit windows."""

    key_id: str
    day: str
    requests: int
    rejected: int
    last_used_at: int | None


class Alert(msgspec.Struct, frozen=True):
    id: str
    user_id: str
    symbol: str
    currency: str
    condition: Condition
    target: float
    channel: Channel
    destination: str
    created_at: int
    status: AlertStatus = AlertStatus.ACTIVE
    repeat: bool = False
    cooldown_seconds: int = 3600
    last_triggered_at: int | None = None
    trigger_count: int = 0


class Notification(msgspec.Struct, frozen=True):
    """An outbox record: written in the same atomic step as the alert's trigger, delivered later."""

    id: str
    alert_id: str
    user_id: str
    channel: Channel
    destination: str
    subject: str
    body: str
    created_at: int
    status: NotificationStatus = NotificationStatus.PENDING
    attempts: int = 0
    next_attempt_at: int = 0
    last_error: str | None = None
    sent_at: int | None = None


class ExportRecord(msgspec.Struct, frozen=True):
    id: str
    file_key: str
    format: str
    symbols: tuple[str, ...]
    start: int
    end: int
    records: int
    size_bytes: int
    created_at: int


class AssetKind(StrEnum):
    """What a holding is: a coin priced by the crypto sources, or a stock priced by the stock one."""

    CRYPTO = "crypto"
    STOCK = "stock"


class Holding(msgspec.Struct, frozen=True):
    """One asset in a user's portfolio. Quantities and the cost basis (the total paid, in
    `currency`) are exact decimals, stored as written: a float would drift on every edit."""

    id: str
    user_id: str
    symbol: str
    kind: AssetKind
    quantity: Decimal
    currency: str
    created_at: int
    updated_at: int
    cost_basis: Decimal | None = None


class Page(msgspec.Struct, Generic[T], frozen=True):
    """One page of a listing; pass `next_cursor` back to get the next one (None: no more)."""

    items: list[T] = msgspec.field(default_factory=list)
    next_cursor: str | None = None
