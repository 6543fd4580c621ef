"""GET /admin/stats: a day's usage per key, 429s, the last update, alert and outbox counts."""

from __future__ import annotations

import pytest

from shared.ids import now, utc_day
from shared.models import UpdateStatus
from shared.ratelimit import USAGE_RETENTION_SECONDS
from tests.admin.conftest import AdminService


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
        service.alert(user, target)
    service.fire(50.0, None, at=at)

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
        "message": None,
    }
    assert stats["alerts"] == {"active": 1}
    assert stats["outbox"] == {"pending": 2, "failed": 0}


def test_stats_of_an_earlier_day_within_the_usage_retention(service: AdminService) -> None:
    key = service.key(service.user()["id"])
    at = now()
    earlier = at - 3 * 86_400
    for _ in range(4):
        service.store.hit(key["id"], earlier - earlier % 60, 100, USAGE_RETENTION_SECONDS)

    then = service.admin.get("/admin/stats", params={"day": utc_day(earlier)})

    assert then.status_code == 200
    body = then.json()
    assert body["day"] == utc_day(earlier)
    assert [(k["key_id"], k["requests"]) for k in body["keys"]] == [(key["id"], 4)]
    assert body["totals"] == {"requests": 4, "rejected": 0}
    today = service.admin.get("/admin/stats").json()
    assert today["day"] == utc_day(at) and key["id"] not in [k["key_id"] for k in today["keys"]]
    oldest = service.admin.get("/admin/stats", params={"day": utc_day(at - 7 * 86_400)})
    assert oldest.status_code == 200


@pytest.mark.parametrize(
    "day",
    [
        "yesterday",
        "2025-1-05",
        "20250105",
        "2025-02-30",
        "2025-01-05\n",
        utc_day(now() - 9 * 86_400),  # windows older than the retention are gone
        utc_day(now() + 86_400),
    ],
)
def test_a_day_that_is_no_date_or_outside_the_retention_is_400(service: AdminService, day: str) -> None:
    response = service.admin.get("/admin/stats", params={"day": day})
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_day" and "usage is kept 8 days" in response.json()["message"]
