"""Valid records with unique ids and sensible defaults, so each test states only what it is about.

Times are near the present: a backend may expire old rate-limit windows and history points, and
the contract is about what callers see in normal use.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from decimal import Decimal
from typing import TypeVar

from shared.ids import new_id, now
from shared.models import (
    Alert,
    ApiKey,
    AssetKind,
    Channel,
    Condition,
    ExportRecord,
    Holding,
    Notification,
    Page,
    Scope,
    User,
)
from shared.store.base import Store

T = TypeVar("T")

#: A fixed "now" for a test module: the start of a recent UTC minute.
NOW = now() // 60 * 60


def user(email: str | None = None, *, name: str = "Ada") -> User:
    return User(
        id=new_id("usr"),
        email=email or f"{new_id('mail')}@example.com",
        name=name,
        created_at=NOW,
    )


def key(
    *,
    user_id: str | None = None,
    scope: Scope = Scope.WATCH,
    expires_at: int | None = None,
    revoked_at: int | None = None,
) -> ApiKey:
    key_id = new_id("key")
    return ApiKey(
        id=key_id,
        prefix=f"cw_{key_id[-6:]}",
        key_hash=f"hash-{key_id}",
        scope=scope,
        created_at=NOW,
        user_id=user_id,
        label="phone",
        rate_limit=120,
        expires_at=expires_at,
        revoked_at=revoked_at,
    )


def alert(user_id: str = "usr_someone", *, repeat: bool = False, symbol: str = "BTC") -> Alert:
    return Alert(
        id=new_id("alr"),
        user_id=user_id,
        symbol=symbol,
        currency="usd",
        condition=Condition.ABOVE,
        target=100_000.5,
        channel=Channel.WEBHOOK,
        destination="https://example.com/hook",
        created_at=NOW,
        repeat=repeat,
        cooldown_seconds=600,
    )


def notification(fired: Alert, *, next_attempt_at: int = NOW) -> Notification:
    return Notification(
        id=new_id("ntf"),
        alert_id=fired.id,
        user_id=fired.user_id,
        channel=fired.channel,
        destination=fired.destination,
        subject=f"{fired.symbol} crossed {fired.target}",
        body='{"symbol": "BTC"}',
        created_at=NOW,
        next_attempt_at=next_attempt_at,
    )


def pending_notification(
    store: Store, *, next_attempt_at: int = NOW, user_id: str = "usr_someone"
) -> Notification:
    """A notification in the outbox, put there by triggering an alert."""
    fired = store.create_alert(alert(user_id))
    outgoing = notification(fired, next_attempt_at=next_attempt_at)
    assert store.trigger_alert(fired, NOW, outgoing)
    return outgoing


def export(*, symbols: tuple[str, ...] = ("BTC", "ETH")) -> ExportRecord:
    export_id = new_id("exp")
    return ExportRecord(
        id=export_id,
        file_key=f"exports/crypto_{export_id}.json",
        format="json",
        symbols=symbols,
        start=NOW - 86_400,
        end=NOW,
        records=288,
        size_bytes=20_480,
        created_at=NOW,
    )


def holding(
    user_id: str = "usr_someone",
    symbol: str = "BTC",
    *,
    kind: AssetKind = AssetKind.CRYPTO,
    quantity: str = "0.5",
    cost_basis: str | None = None,
) -> Holding:
    return Holding(
        id=new_id("ast"),
        user_id=user_id,
        symbol=symbol,
        kind=kind,
        quantity=Decimal(quantity),
        currency="usd",
        created_at=NOW,
        updated_at=NOW,
        cost_basis=None if cost_basis is None else Decimal(cost_basis),
    )


def collect(fetch: Callable[[str | None], Page[T]], max_pages: int = 1000) -> list[T]:
    """Every item of a listing, following next_cursor until it is None."""
    items: list[T] = []
    cursor: str | None = None
    for _ in range(max_pages):
        page = fetch(cursor)
        items.extend(page.items)
        cursor = page.next_cursor
        if cursor is None:
            return items
    raise AssertionError(f"listing did not end within {max_pages} pages")


def race(action: Callable[[], T], runners: int = 2) -> list[T]:
    """Run `action` in `runners` threads released at the same instant; their results."""
    barrier = threading.Barrier(runners)
    results: list[T] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def run() -> None:
        try:
            barrier.wait(timeout=10)
            result = action()
        except BaseException as exc:  # reported to the test below
            with lock:
                errors.append(exc)
            return
        with lock:
            results.append(result)

    threads = [threading.Thread(target=run) for _ in range(runners)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    if errors:
        raise errors[0]
    assert len(results) == runners, "a racing thread did not finish"
    return results
