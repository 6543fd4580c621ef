"""The outbox over HTTP: a notification that gave up is sent again on request."""

from __future__ import annotations

import asyncio
from dataclasses import replace

from shared.ids import now
from tests.admin.conftest import AdminService
from tests.support.server import free_port
from tests.support.smtp import smtp_server
from updater.notify.outbox import OutboxDelivery


def test_a_failed_notification_is_retried_and_then_delivered(service: AdminService) -> None:
    port = free_port()
    settings = replace(
        service.settings, smtp_host="127.0.0.1", smtp_port=port, smtp_starttls=False, notification_max_attempts=1
    )
    user = service.user()
    service.alert(user["id"], 1)
    at = now()
    assert service.fire(2.0, at=at) == 1
    asyncio.run(OutboxDelivery().deliver(service.store, settings, at))  # nothing listens: it gives up
    [failed] = service.admin.get("/admin/notifications", params={"status": "failed"}).json()["items"]
    assert failed["attempts"] == 1 and "SMTP" in failed["last_error"]

    retried = service.admin.post(f"/admin/notifications/{failed['id']}/retry")

    assert retried.status_code == 200
    again = retried.json()
    assert (again["status"], again["attempts"], again["last_error"]) == ("pending", 0, failed["last_error"])
    assert at <= again["next_attempt_at"] <= now()
    twice = service.admin.post(f"/admin/notifications/{failed['id']}/retry")
    assert twice.status_code == 409 and twice.json()["error"] == "notification_not_failed"
    with smtp_server(port) as mailbox:
        assert asyncio.run(OutboxDelivery().deliver(service.store, settings, now())) == 1
    assert mailbox.recipients == [[user["email"]]]
    sent = service.admin.get(f"/admin/notifications/{failed['id']}").json()
    assert (sent["status"], sent["attempts"]) == ("sent", 1)
    assert service.admin.post(f"/admin/notifications/{failed['id']}/retry").status_code == 409
    missing = service.admin.post("/admin/notifications/ntf_nothing/retry")
    assert missing.status_code == 404 and missing.json()["error"] == "notification_not_found"


def test_a_deleted_users_notification_is_not_retried(service: AdminService) -> None:
    user = service.user()
    service.alert(user["id"], 1)
    at = now()
    assert service.fire(2.0, at=at) == 1
    assert service.admin.delete(f"/admin/users/{user['id']}").status_code == 204
    asyncio.run(OutboxDelivery().deliver(service.store, service.settings, at))
    [failed] = service.admin.get("/admin/notifications", params={"status": "failed"}).json()["items"]
    assert failed["last_error"] == "not sent: the user was deleted"

    refused = service.admin.post(f"/admin/notifications/{failed['id']}/retry")

    assert refused.status_code == 409 and refused.json()["error"] == "user_deleted"
    assert service.admin.get(f"/admin/notifications/{failed['id']}").json() == failed
