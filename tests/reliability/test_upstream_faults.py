"""Upstream faults seen from a watch: whatever CoinGecko and Binance do, clients keep getting
the last good prices (never a NaN, a negative or a 1000x price, never a 500), /health says what
happened, and no alert fires on a price that was refused.

tests/updater covers each fault at the store (retries, fallback, rejection); this suite checks
the same faults end to end: fake upstream -> real updater cycle -> store -> live API."""

from __future__ import annotations

import asyncio
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from shared.config import Settings
from shared.models import NotificationStatus
from shared.store.sqlite import SQLiteStore
from tests.reliability.conftest import Live, live_api
from tests.support.fake_upstream import FakeUpstream, Fault, running_fake_upstream
from tests.support.watch_body import without_n
from updater.alerts import evaluate_alerts
from updater.cycle import run_cycle
from updater.sources.http import RetryPolicy

GOOD = {"BTC": 67_187.33, "ETH": 3_400.25, "SOL": 172.5}


async def no_wait(seconds: float) -> None:
    await asyncio.sleep(0)


FAST_RETRY = RetryPolicy(attempts=2, base_delay=0.01, max_delay=0.05, max_retry_after=2.0, sleep=no_wait)


@dataclass(frozen=True)
class UpstreamFault:
    name: str
    inject: Callable[[FakeUpstream], None]
    code: str  # what /health shows anyone in last_update.error


def everywhere(fault: Fault) -> Callable[[FakeUpstream], None]:
    """Both sources answer with `fault`, so the fallback cannot save the cycle."""

    def inject(fake: FakeUpstream) -> None:
        fake.fail("coingecko", fault)
        fake.fail("binance", fault)

    return inject


def quoted(scale: Callable[[float], float]) -> Callable[[FakeUpstream], None]:
    """Both sources quote every symbol at `scale(good price)`."""

    def inject(fake: FakeUpstream) -> None:
        for symbol, price in GOOD.items():
            fake.set_price(symbol, usd=scale(price), change=1.0)

    return inject


FAULTS = [
    UpstreamFault("timeout", everywhere(Fault.timeout()), "upstream_timeout"),
    UpstreamFault("429 with Retry-After", everywhere(Fault.error(429, retry_after="1")), "upstream_rate_limited"),
    UpstreamFault("500", everywhere(Fault.error(500)), "upstream_error"),
    UpstreamFault("403 with a body", everywhere(Fault.error(403)), "upstream_refused"),
    UpstreamFault("malformed body", everywhere(Fault.malformed()), "invalid_data"),
    UpstreamFault("NaN prices", quoted(lambda price: math.nan), "invalid_data"),
    UpstreamFault("infinite prices", quoted(lambda price: math.inf), "invalid_data"),
    UpstreamFault("negative prices", quoted(lambda price: -price), "invalid_data"),
    UpstreamFault("zero prices", quoted(lambda price: 0.0), "invalid_data"),
    UpstreamFault("1000x jump", quoted(lambda price: price * 1000), "invalid_data"),
    UpstreamFault("1000x crash", quoted(lambda price: price / 1000), "invalid_data"),
]


@dataclass
class Rig:
    fake: FakeUpstream
    live: Live
    settings: Settings
    store: SQLiteStore

    def cycle(self) -> bool:
        cycle = run_cycle(self.settings, self.store, "coingecko", steps=[evaluate_alerts], retry=FAST_RETRY)
        return asyncio.run(cycle).ok

    def restore(self) -> None:
        self.fake.clear_faults()
        quoted(lambda price: price)(self.fake)


@pytest.fixture
def rig(tmp_path: Path) -> Iterator[Rig]:
    """A good cycle done, and BTC alerts that an absurd price would fire (an infinite or 1000x
    one the first, a negative, zero or 1000x-lower one the second)."""
    with running_fake_upstream() as fake:
        settings = replace(fake.settings(tmp_path), supported_symbols=tuple(GOOD), cache_ttl_seconds=0)
        store = SQLiteStore(settings.sqlite_path)
        store.init()
        with live_api(settings, store) as live:
            rig = Rig(fake, live, settings, store)
            rig.restore()
            assert rig.cycle()
            owner = live.admin.get("/admin/users").json()["items"][0]["id"]
            for condition, target in (("above", 1_000_000.0), ("below", 100.0)):
                alert = {"user_id": owner, "symbol": "BTC", "condition": condition, "target": target}
                assert live.admin.post("/admin/alerts", json=alert).status_code == 201
            yield rig


@pytest.mark.parametrize("fault", FAULTS, ids=[fault.name for fault in FAULTS])
def test_clients_keep_the_last_good_prices_and_health_tells_what_happened(rig: Rig, fault: UpstreamFault) -> None:
    live = rig.live
    good = live.watch.get("/v1/prices")
    assert good.json()["p"]["BTC"][0] == 67_187.3

    fault.inject(rig.fake)
    assert not rig.cycle()

    served = live.watch.get("/v1/prices")
    assert (served.status_code, served.headers["etag"]) == (200, good.headers["etag"])
    assert without_n(served.content) == without_n(good.content)
    history = live.watch.get("/v1/history/BTC?hours=1&points=12").json()["p"]
    assert {point for point in history if point is not None} <= {67_187.3}
    health = live.watch.get("/health")
    assert health.status_code == 200 and health.json()["status"] == "ok"  # still fresh: the last good ones
    assert health.json()["last_update"]["ok"] is False and health.json()["last_update"]["error"] == fault.code
    detail = live.admin.get("/admin/stats").json()["last_update"]
    assert detail["error"] == fault.code and detail["message"].startswith("coingecko: ")
    shown = {"ok", "source", "finished_at", "symbols_updated", "error", "last_success_at"}
    assert set(health.json()["last_update"]) == shown  # the message is for admins only
    assert live.admin.get("/admin/notifications").json()["items"] == []
    assert {a["status"] for a in live.admin.get("/admin/alerts").json()["items"]} == {"active"}

    rig.restore()
    assert rig.cycle()
    assert live.watch.get("/health").json()["last_update"]["ok"] is True


def test_one_absurd_symbol_is_held_back_and_the_others_move_on(rig: Rig) -> None:
    rig.fake.set_price("BTC", usd=GOOD["BTC"] * 1000, change=1.0)
    rig.fake.set_price("ETH", usd=3_500.0, change=2.0)

    assert rig.cycle()

    served = rig.live.watch.get("/v1/prices").json()["p"]
    assert served["BTC"][0] == 67_187.3 and served["ETH"] == [3_500.0, 2.0]
    assert rig.store.list_notifications(status=NotificationStatus.PENDING).items == []
