"""Admin alerts and the outbox view over real HTTP."""

from __future__ import annotations

from typing import Any

import pytest

from shared.ids import now
from tests.admin.conftest import AdminService


def create(service: AdminService, **fields: Any) -> Any:
    return service.admin.post("/admin/alerts", json=fields)


def test_alert_lifecycle(service: AdminService) -> None:
    user = service.user()
    made = create(service, user_id=user["id"], symbol="btc", condition="above", target=100_000)
    assert made.status_code == 201
    alert = made.json()
    assert alert["symbol"] == "BTC" and alert["currency"] == "usd" and alert["status"] == "active"
    assert (alert["channel"], alert["destination"]) == ("email", user["email"])
    assert (alert["repeat"], alert["cooldown_seconds"], alert["trigger_count"]) == (False, 3600, 0)
    assert service.admin.get(f"/admin/alerts/{alert['id']}").json() == alert

    assert service.admin.delete(f"/admin/alerts/{alert['id']}").status_code == 204
    assert service.admin.get(f"/admin/alerts/{alert['id']}").json()["status"] == "cancelled"
    assert service.admin.delete(f"/admin/alerts/{alert['id']}").status_code == 204  # idempotent
    assert service.admin.delete("/admin/alerts/alr_nope").status_code == 404
    assert service.admin.get("/admin/alerts/alr_nope").json()["error"] == "alert_not_found"


def test_listing_filters_by_status_and_owner_and_pages(service: AdminService) -> None:
    ada, bob = service.user()["id"], service.user("bob@example.com", "Bob")["id"]
    ids = [
        create(service, user_id=owner, symbol="ETH", condition="below", target=1000 + i).json()["id"]
        for i, owner in enumerate([ada, ada, bob, ada])
    ]
    service.admin.delete(f"/admin/alerts/{ids[1]}")

    def listed(**params: Any) -> list[str]:
        return [a["id"] for a in service.admin.get("/admin/alerts", params=params).json()["items"]]

    assert listed() == ids
    assert listed(status="active") == [ids[0], ids[2], ids[3]]
    assert listed(status="cancelled") == [ids[1]]
    assert listed(status="active", user_id=ada) == [ids[0], ids[3]]
    first = service.admin.get("/admin/alerts", params={"limit": 3}).json()
    rest = service.admin.get("/admin/alerts", params={"limit": 3, "cursor": first["next_cursor"]}).json()
    assert [a["id"] for a in first["items"] + rest["items"]] == ids and rest["next_cursor"] is None
    bad = service.admin.get("/admin/alerts", params={"status": "sleeping"})
    assert bad.status_code == 400 and bad.json()["error"] == "invalid_status"


def test_webhook_alerts_need_a_url_and_a_secret(service: AdminService) -> None:
    plain = service.user()["id"]
    signed = service.user("bob@example.com", "Bob", webhook_secret="b" * 24)["id"]
    hook = {"symbol": "BTC", "condition": "pct_move", "target": 5, "channel": "webhook"}
    no_url = create(service, user_id=signed, **hook)
    assert no_url.status_code == 400 and no_url.json()["error"] == "missing_field"
    ftp = create(service, user_id=signed, destination="ftp://example.com/x", **hook)
    assert ftp.json()["error"] == "invalid_destination"
    unsigned = create(service, user_id=plain, destination="https://example.com/hook", **hook)
    assert unsigned.status_code == 409 and unsigned.json()["error"] == "webhook_secret_missing"
    ok = create(
        service,
        user_id=signed,
        destination="https://example.com/hook",
        repeat=True,
        cooldown_seconds=600,
        **hook,
    )
    assert ok.status_code == 201
    assert (ok.json()["channel"], ok.json()["repeat"], ok.json()["cooldown_seconds"]) == (
        "webhook",
        True,
        600,
    )


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/hook",
        "http://127.8.9.10/",
        "http://2130706433/",  # 127.0.0.1 as one number
        "http://0x7f.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.1.2.3/hook",
        "http://192.168.0.10/",
        "http://172.16.0.1/",
        "http://100.64.0.1/",
        "http://0.0.0.0:9000/",
        "https://localhost/hook",
        "https://api.localhost./hook",
    ],
)
def test_webhooks_to_this_machine_or_a_private_network_are_refused(service: AdminService, url: str) -> None:
    user = service.user(webhook_secret="s" * 20)["id"]
    refused = create(
        service, user_id=user, symbol="BTC", condition="above", target=1, channel="webhook", destination=url
    )
    assert refused.status_code == 400 and refused.json()["error"] == "invalid_destination"
    assert "WEBHOOK_ALLOW_PRIVATE" in refused.json()["message"]
    assert service.admin.get("/admin/alerts").json()["items"] == []


def test_webhooks_to_a_public_address_are_accepted(service: AdminService) -> None:
    user = service.user(webhook_secret="s" * 20)["id"]
    for url in ("https://hooks.example.com/in", "http://93.184.215.14:8080/hook"):
        made = create(
            service, user_id=user, symbol="BTC", condition="above", target=1, channel="webhook", destination=url
        )
        assert made.status_code == 201, made.text


@pytest.mark.parametrize(
    ("fields", "status", "code"),
    [
        ({"symbol": "NOPE"}, 400, "invalid_symbol"),
        ({"symbol": None}, 400, "missing_field"),
        ({"condition": "sideways"}, 400, "invalid_field"),
        ({"target": -5}, 400, "invalid_target"),
        ({"target": "high"}, 400, "invalid_type"),
        ({"target": None}, 400, "missing_field"),
        ({"condition": "pct_move", "target": 5000}, 400, "invalid_target"),
        ({"currency": "eur"}, 400, "unsupported_currency"),
        ({"destination": "not an email"}, 400, "invalid_email"),
        ({"repeat": "yes"}, 400, "invalid_type"),
        ({"cooldown_seconds": 5}, 400, "invalid_field"),
        ({"user_id": "usr_nobody"}, 404, "user_not_found"),
    ],
)
def test_invalid_alerts(service: AdminService, fields: dict[str, Any], status: int, code: str) -> None:
    base = {"user_id": service.user()["id"], "symbol": "BTC", "condition": "above", "target": 1}
    response = create(service, **{**base, **fields})
    assert response.status_code == status
    assert response.json()["error"] == code


def test_outbox_is_visible_with_filters(service: AdminService) -> None:
    user = service.user()["id"]
    fires = create(service, user_id=user, symbol="BTC", condition="above", target=90_000).json()
    create(service, user_id=user, symbol="BTC", condition="below", target=10)
    at = now()
    assert service.fire(95_000.5, 1.0, at=at) == 1

    pending = service.admin.get("/admin/notifications", params={"status": "pending"}).json()["items"]
    assert len(pending) == 1
    record = pending[0]
    assert record["alert_id"] == fires["id"] and record["destination"] == "ada@example.com"
    assert "BTC" in record["subject"] and "95000.5" in record["subject"]
    assert (record["attempts"], record["sent_at"], record["last_error"]) == (0, None, None)
    assert service.admin.get(f"/admin/notifications/{record['id']}").json() == record
    by_alert = service.admin.get("/admin/notifications", params={"alert_id": fires["id"]}).json()
    assert by_alert["items"] == [record]
    assert service.admin.get("/admin/notifications", params={"status": "sent"}).json()["items"] == []
    assert service.admin.get("/admin/notifications", params={"status": "lost"}).status_code == 400
    assert service.admin.get(f"/admin/alerts/{fires['id']}").json()["status"] == "triggered"
