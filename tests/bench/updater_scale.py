"""Updater cycle time at scale: 250 coins, 100 stocks, 10,000 users each holding 10 assets
(7 coins, 3 stocks), 10,000 active price alerts and 1,000 portfolio alerts, on SQLite.

    python -m tests.bench.updater_scale [--cycles 5] [--history-days 2]

Upstream latency is left out: the coin and stock sources live in the process and answer at
once, so what is timed is the cycle's own work (validate, write latest and history, record the
status, find and price the held stocks, evaluate every price alert, value the portfolio of every
owner of a portfolio alert, run the outbox) on a store that already holds `--history-days` of
five-minute history for every coin. Steady cycles fire no alert (the usual case); the busy
cycle moves 100 coins so 100 alerts fire and their emails go through the outbox, to a sender
that accepts at once (delivery latency is SMTP's, not ours). Target: every cycle under 2 s.
Each cycle's CPU time is printed beside its wall time: on a machine shared with other work the
wall time measures the queue for the cores as well, and the load average printed at the end
says how long that queue was.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
import time
from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

from shared.alerts import PORTFOLIO, AlertSpec, new_alert
from shared.config import Settings
from shared.ids import new_id, now
from shared.models import (
    AssetKind,
    Channel,
    Condition,
    Holding,
    Notification,
    PricePoint,
    UpdateStatus,
    User,
)
from shared.portfolio import MAX_ASSETS_PER_USER
from shared.store.sqlite import SQLiteStore
from shared.users import create_user
from tests.conftest import settings_for
from updater.alerts import evaluate_alerts
from updater.cycle import Step, refresh
from updater.notify.outbox import OutboxDelivery
from updater.stocks import StockPricing

SYMBOLS = tuple(f"C{i:03d}" for i in range(250))
STOCKS = tuple(f"S{i:03d}" for i in range(100))
USERS = 10_000
COINS_HELD, STOCKS_HELD = 7, 3
PORTFOLIO_ALERT_EVERY = 10  # every 10th user watches their total
NEAR = 100  # alerts 1% above their symbol's price: the busy cycle fires exactly these
BASE = {symbol: 10.0 + 7.5 * i for i, symbol in enumerate(SYMBOLS)}
STOCK_BASE = {symbol: 20.0 + 3.0 * i for i, symbol in enumerate(STOCKS)}
TARGET_SECONDS = 2.0


class InstantSource:
    """Quotes every symbol at once from `prices` (a name the cycle records as the source)."""

    name = "bench"

    def __init__(self, prices: dict[str, float]) -> None:
        self.prices = dict(prices)

    async def fetch(self, symbols: Sequence[str], currencies: Sequence[str]) -> list[PricePoint]:
        at = now()
        return [PricePoint(s, c, self.prices[s], 1.5, at, self.name) for s in symbols for c in currencies]


class AcceptingSender:
    """Takes every email at once, so the outbox's own store work is what is timed."""

    def __init__(self) -> None:
        self.sent = 0

    async def send(self, notification: Notification, user: User) -> None:
        self.sent += 1


class Timed:
    """A cycle step whose last run time is kept."""

    def __init__(self, step: Step) -> None:
        self.step = step
        self.seconds = 0.0

    async def __call__(self, store: SQLiteStore, settings: Settings, prices: list[PricePoint], at: int) -> None:
        started = time.perf_counter()
        await self.step(store, settings, prices, at)  # type: ignore[arg-type]
        self.seconds = time.perf_counter() - started


def populate(store: SQLiteStore, settings: Settings, history_days: int) -> None:
    at = now()
    ticks = history_days * 288
    for tick in range(ticks, 0, -1):
        when = at - tick * 300
        store.put_prices([PricePoint(s, "usd", p, 1.0, when, "bench") for s, p in BASE.items()])
    store.record_update(UpdateStatus(True, "bench", at - 300, at - 300, len(SYMBOLS), last_success_at=at - 300))
    for u in range(USERS):
        user = create_user(store, email=f"user{u}@example.com", name=f"User {u}")
        store.create_alert(new_alert(price_alert(u), user, settings, at))
        held = [(SYMBOLS[(u * COINS_HELD + i) % len(SYMBOLS)], AssetKind.CRYPTO) for i in range(COINS_HELD)]
        held += [(STOCKS[(u * STOCKS_HELD + i) % len(STOCKS)], AssetKind.STOCK) for i in range(STOCKS_HELD)]
        for symbol, kind in held:
            holding = Holding(new_id("ast"), user.id, symbol, kind, Decimal("1.5"), "usd", at, at, Decimal(100))
            store.add_holding(holding, MAX_ASSETS_PER_USER)
        if u % PORTFOLIO_ALERT_EVERY == 0:  # far above any total: judged every cycle, never fired
            store.create_alert(new_alert(AlertSpec(PORTFOLIO, Condition.ABOVE, 1e9), user, settings, at))


def price_alert(n: int) -> AlertSpec:
    symbol = SYMBOLS[n % len(SYMBOLS)]
    if n < NEAR:
        return AlertSpec(symbol, Condition.ABOVE, BASE[symbol] * 1.01)
    if n % 3 == 0:
        return AlertSpec(symbol, Condition.BELOW, BASE[symbol] * 0.5)
    if n % 3 == 1:
        return AlertSpec(symbol, Condition.ABOVE, BASE[symbol] * 2)
    return AlertSpec(symbol, Condition.PCT_MOVE, 25.0, channel=Channel.EMAIL)


Row = tuple[str, float, float, float, float, float, int]


def run(cycles: int, history_days: int) -> list[Row]:
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        settings = replace(settings_for(Path(folder)), supported_symbols=SYMBOLS)
        store = SQLiteStore(settings.sqlite_path)
        store.init()
        started = time.perf_counter()
        populate(store, settings, history_days)
        print(f"setup: {len(SYMBOLS)} coins, {len(STOCKS)} stocks, {USERS} users holding "
              f"{COINS_HELD + STOCKS_HELD} assets each, {len(store.active_alerts())} active alerts, "
              f"{history_days} days of history, in {time.perf_counter() - started:.1f} s")
        source, stock_source, sender = InstantSource(BASE), InstantSource(STOCK_BASE), AcceptingSender()
        stocks = Timed(StockPricing(source=lambda *_: stock_source))
        evaluate = Timed(evaluate_alerts)
        deliver = Timed(OutboxDelivery(senders={Channel.EMAIL: sender, Channel.WEBHOOK: sender}))
        for number in range(cycles + 1):
            busy = number == cycles
            if busy:
                source.prices.update({s: BASE[s] * 1.02 for s in SYMBOLS[:NEAR]})
            sent_before = sender.sent
            started, cpu = time.perf_counter(), time.process_time()
            steps = [stocks, evaluate, deliver]
            status = asyncio.run(refresh(store, settings, [source], steps=steps))
            total, cpu = time.perf_counter() - started, time.process_time() - cpu
            assert status.ok and status.symbols_updated == len(SYMBOLS), status
            assert sum(p.symbol in STOCK_BASE for p in store.latest_prices()) == len(STOCKS)
            label = "busy (100 fire)" if busy else ("first" if number == 0 else f"steady {number}")
            sent = sender.sent - sent_before
            rows.append((label, total, cpu, stocks.seconds, evaluate.seconds, deliver.seconds, sent))
        store.close()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cycles", type=int, default=5, help="steady cycles before the busy one")
    parser.add_argument("--history-days", type=int, default=2, help="history already in the store")
    args = parser.parse_args()
    rows = run(args.cycles, args.history_days)
    print(f"{'cycle':<16} {'total s':>8} {'cpu s':>7} {'prices s':>9} {'stocks s':>9} {'alerts s':>9} {'outbox s':>9}"
          f" {'emails':>7}")
    for label, total, cpu, stocks, evaluate, deliver, sent in rows:
        prices = total - stocks - evaluate - deliver
        print(f"{label:<16} {total:>8.3f} {cpu:>7.3f} {prices:>9.3f} {stocks:>9.3f} {evaluate:>9.3f} {deliver:>9.3f}"
              f" {sent:>7}")
    worst, worst_cpu = max(row[1] for row in rows), max(row[2] for row in rows)
    verdict = "met" if worst < TARGET_SECONDS else "MISSED"
    print(f"slowest cycle {worst:.3f} s ({worst_cpu:.3f} s of CPU); target under {TARGET_SECONDS:.0f} s: {verdict}")
    print("load average (1, 5, 15 min) at the end: " + ", ".join(f"{load:.1f}" for load in os.getloadavg()))


if __name__ == "__main__":
    main()
