"""The watch's own alerts at /v1/alerts: compact, and strictly the key owner's."""

from __future__ import annotations

from tests.admin.conftest import AdminService


def test_watch_manages_its_owners_alerts_only(service: AdminService) -> None:
    ada = service.user()
    bob = service.user("bob@example.com", "Bob")
    bobs = service.admin.post(
        "/admin/alerts",
        json={"user_id": bob["id"], "symbol": "ETH", "condition": "below", "target": 10},
    ).json()
    with service.client(service.key(ada["id"])["key"]) as watch:
        made = watch.post("/v1/alerts", json={"symbol": "BTC", "condition": "above", "target": 123456.5})
        assert made.status_code == 201
        item = made.json()
        assert item == {"id": item["id"], "s": "BTC", "k": "above", "v": 123456.5, "st": "active"}
        assert watch.get("/v1/alerts").json() == {"a": [item]}

        full = service.admin.get(f"/admin/alerts/{item['id']}").json()
        assert (full["user_id"], full["destination"]) == (ada["id"], ada["email"])

        assert watch.delete(f"/v1/alerts/{bobs['id']}").status_code == 404  # not hers
        assert service.admin.get(f"/admin/alerts/{bobs['id']}").json()["status"] == "active"
        assert watch.delete(f"/v1/alerts/{item['id']}").status_code == 204
        assert watch.get("/v1/alerts").json() == {"a": []}
        assert watch.delete("/v1/alerts/alr_nope").status_code == 404

        cooldown = watch.post(
            "/v1/alerts",
            json={"symbol": "BTC", "condition": "above", "target": 1, "cooldown_seconds": 60},
        )
        assert cooldown.status_code == 400 and cooldown.json()["error"] == "unknown_field"
        assert watch.post("/v1/alerts", json={"symbol": "BTC"}).status_code == 400


def test_watch_alerts_mail_the_owner_and_nobody_else(service: AdminService) -> None:
    """A watch key must not make the server send mail or POSTs anywhere it likes."""
    ada = service.user(webhook_secret="s" * 20)
    alert = {"symbol": "BTC", "condition": "above", "target": 1}
    with service.client(service.key(ada["id"])["key"]) as watch:
        for routing in (
            {"channel": "webhook", "destination": "https://hooks.example.com/in"},
            {"channel": "email"},
            {"destination": "eve@example.net"},
            {"destination": ada["email"]},
        ):
            refused = watch.post("/v1/alerts", json={**alert, **routing})
            assert refused.status_code == 400 and refused.json()["error"] == "unknown_field", routing
        assert watch.get("/v1/alerts").json() == {"a": []}
        made = watch.post("/v1/alerts", json=alert).json()
    full = service.admin.get(f"/admin/alerts/{made['id']}").json()
    assert (full["channel"], full["destination"]) == ("email", ada["email"])


def test_a_key_without_owner_gets_403(service: AdminService) -> None:
    with service.client(service.watch_key) as watch:
        listing = watch.get("/v1/alerts")
        assert listing.status_code == 403 and listing.json()["error"] == "no_owner"
        made = watch.post("/v1/alerts", json={"symbol": "BTC", "condition": "above", "target": 1})
        assert made.status_code == 403


def test_a_user_has_at_most_max_alerts_per_user_active(service: AdminService) -> None:
    """Each active alert can notify on every cycle: the cap bounds what one watch key (or a
    script holding it) can add to the outbox."""
    assert service.settings.max_alerts_per_user == 25
    ada = service.user()
    alert = {"symbol": "BTC", "condition": "above", "target": 1, "repeat": True}
    with service.client(service.key(ada["id"])["key"]) as watch:
        made = [watch.post("/v1/alerts", json=alert) for _ in range(25)]
        assert {m.status_code for m in made} == {201}
        refused = watch.post("/v1/alerts", json=alert)
        assert refused.status_code == 409
        assert refused.json()["error"] == "alert_limit"
        assert "25 active alerts" in refused.json()["message"]
        by_admin = service.admin.post("/admin/alerts", json={**alert, "user_id": ada["id"]})
        assert (by_admin.status_code, by_admin.json()["error"]) == (409, "alert_limit")
        assert watch.delete(f"/v1/alerts/{made[0].json()['id']}").status_code == 204
        assert watch.post("/v1/alerts", json=alert).status_code == 201
