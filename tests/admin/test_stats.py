"""GET /admin/stats: today's usage per key, 429s, the last update, alert and outbox counts."""

from __future__ import annotations

from shared.ids import now, utc_day
from shared.models import PricePoint, UpdateStatus
from tests.admin.conftest import AdminService
from updater.alerts import fire_due_alerts


def test_stats_report_usage_updates_alerts_and_outbox(service: AdminService) -> None:
    empty = service.admin.get("/admin/stats").json()
    assert empty["last_update"] is None and empty["outbox"] == {"pending": 0, "failed": 0}

    user = service.user()["id"]
    key = service.key(user, rate_limit=1)
    with service.client(key["key"]) as watch:
        codes = [watch.get("/v1/prices").status_code for _ in range(3)]
    at = now()
    service.store.record_update(
        UpdateStatus(
            ok=True,
            source="coingecko",
            started_at=at,
            finished_at=at,
            symbols_updated=2,
            last_success_at=at,
        )
    )
    for target in (1.0, 2.0, 1e9):
        service.admin.post(
            "/admin/alerts",
            json={"user_id": user, "symbol": "BTC", "condition": "above", "target": target},
        )
    fire_due_alerts(service.store, [PricePoint("BTC", "usd", 50.0, None, at, "coingecko")], at)

    stats = service.admin.get("/admin/stats").json()
    assert stats["day"] == utc_day(at)
    row = next(k for k in stats["keys"] if k["key_id"] == key["id"])
    assert row["prefix"] == key["prefix"]
    assert row["requests"] == 3 and row["rejected"] == codes.count(429) >= 1
    assert stats["totals"]["requests"] == sum(k["requests"] for k in stats["keys"])
    assert stats["totals"]["rejected"] == sum(k["rejected"] for k in stats["keys"])
    assert stats["last_update"] == {
        "ok": True,
        "source": "coingecko",
        "finished_at": at,
        "symbols_updated": 2,
        "error": None,
        "last_success_at": at,
    }
    assert stats["alerts"] == {"active": 1}
    assert stats["outbox"] == {"pending": 2, "failed": 0}
