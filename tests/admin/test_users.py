"""Admin users over real HTTP: create, find, list, delete, and every way a body can be wrong."""

from __future__ import annotations

import pytest

from shared.ids import now
from tests.admin.conftest import AdminService


def test_user_lifecycle(service: AdminService) -> None:
    created = service.user("Grace.Hopper@Example.com", "Grace", webhook_secret="s" * 32)
    assert set(created) == {"id", "email", "name", "created_at", "verified", "disabled", "last_login_at"}  # no secret
    assert created["email"] == "Grace.Hopper@Example.com"

    assert service.admin.get(f"/admin/users/{created['id']}").json() == created
    found = service.admin.get("/admin/users", params={"email": "grace.hopper@example.COM"}).json()
    assert found == {"items": [created], "next_cursor": None}
    missing = service.admin.get("/admin/users", params={"email": "nobody@example.com"}).json()
    assert missing == {"items": [], "next_cursor": None}

    duplicate = service.admin.post("/admin/users", json={"email": "GRACE.hopper@example.com", "name": "G"})
    assert duplicate.status_code == 409
    assert duplicate.json()["error"] == "email_taken"

    assert service.admin.delete(f"/admin/users/{created['id']}").status_code == 204
    gone = service.admin.get(f"/admin/users/{created['id']}")
    assert gone.status_code == 404
    assert gone.json()["error"] == "user_not_found"
    assert service.admin.delete(f"/admin/users/{created['id']}").status_code == 404


def test_listing_pages_through_every_user_once(service: AdminService) -> None:
    made = [service.user(f"user{i}@example.com", f"User {i}")["id"] for i in range(5)]
    seen: list[str] = []
    cursor = None
    for _ in range(10):
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = service.admin.get("/admin/users", params=params).json()
        assert len(page["items"]) <= 2
        seen.extend(user["id"] for user in page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == made
    for bad in ("0", "201", "ten"):
        response = service.admin.get("/admin/users", params={"limit": bad})
        assert response.status_code == 400, bad


def test_deleting_a_user_revokes_their_keys_at_once_and_cancels_active_alerts(
    service: AdminService,
) -> None:
    user = service.user()
    key = service.key(user["id"])
    alert, fired = service.alert(user["id"], 1e9), service.alert(user["id"], 1.0)
    at = now()
    assert service.fire(2.0, at=at) == 1
    with service.client(key["key"]) as watch:
        assert watch.get("/v1/prices").status_code == 200  # now cached by the key cache
        assert service.admin.delete(f"/admin/users/{user['id']}").status_code == 204
        refused = watch.get("/v1/prices")
    assert refused.status_code == 401
    assert refused.json()["error"] == "revoked_key"
    assert service.admin.get(f"/admin/alerts/{alert['id']}").json()["status"] == "cancelled"
    kept = service.admin.get(f"/admin/alerts/{fired['id']}").json()
    assert (kept["status"], kept["trigger_count"], kept["last_triggered_at"]) == ("triggered", 1, at)


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"email": "not-an-email", "name": "Ada"}, "invalid_email"),
        ({"email": "ada@example", "name": "Ada"}, "invalid_email"),
        ({"email": 42, "name": "Ada"}, "invalid_email"),
        ({"email": "ada@example.com", "name": "   "}, "invalid_name"),
        ({"email": "ada@example.com", "name": ["Ada"]}, "invalid_name"),
        ({"email": "ada@example.com", "name": "Ada\u0000"}, "invalid_name"),
        ({"email": "ada@example.com", "name": "Ada\nBcc: eve"}, "invalid_name"),
        ({"email": "ada@example.com", "name": "Ada\u001b[31m"}, "invalid_name"),
        ({"email": "ada@example.com", "name": "Ada\tLovelace"}, "invalid_name"),
        ({"email": "ada@example.com", "name": "Ada\u007f"}, "invalid_name"),
        ({"email": "ada@example.com", "name": "Ada\u0085"}, "invalid_name"),
        ({"email": "ada@example.com", "name": "Ada\u2028Lovelace"}, "invalid_name"),
        ({"email": "ada@example.com"}, "missing_field"),
        ({"name": "Ada"}, "missing_field"),
        ({"email": "ada@example.com", "name": "Ada", "admin": True}, "unknown_field"),
        ({"email": "ada@example.com", "name": "Ada", "webhook_secret": "short"}, "invalid_field"),
        ({"email": "ada@example.com", "name": "Ada", "webhook_secret": 12345}, "invalid_type"),
    ],
)
def test_invalid_user_bodies_are_400_with_a_code(service: AdminService, body: dict[str, object], code: str) -> None:
    response = service.admin.post("/admin/users", json=body)
    assert response.status_code == 400
    assert response.json()["error"] == code
    assert response.json()["message"]


@pytest.mark.parametrize(
    "email",
    [
        "ada,eve@example.com",  # a comma would make two recipients
        "ada@example.com, eve@example.net",
        "ada<eve@example.net>@example.com",
        '"ada eve"@example.com',
        "ada(comment)@example.com",
        ".ada@example.com",
        "ada.@example.com",
        "ada..lovelace@example.com",
        "adä@example.com",
        "ada@exämple.com",
        "ada@-example.com",
        "ada@example-.com",
        "ada@example.c0m",
        "ada@example.com\nBcc: eve@example.net",
        "=?utf-8?q?eve=40example.net?=@example.com",  # an encoded word a header parser decodes
        "a" * 65 + "@example.com",
    ],
)
def test_addresses_that_are_not_one_plain_mailbox_are_refused(service: AdminService, email: str) -> None:
    response = service.admin.post("/admin/users", json={"email": email, "name": "Ada"})
    assert response.status_code == 400 and response.json()["error"] == "invalid_email"


def test_plain_addresses_with_any_dot_atom_characters_are_accepted(service: AdminService) -> None:
    for email in ("o'brien+alerts@mail.example.co.uk", "x_y-z!#$%&*/?=^`{|}~@xn--bcher-kva.example", "a@b.xn--p1ai"):
        assert service.admin.post("/admin/users", json={"email": email, "name": "Ada"}).status_code == 201, email


def test_bodies_that_are_not_json_objects(service: AdminService) -> None:
    post = service.admin.post
    json_type = {"Content-Type": "application/json"}
    assert post("/admin/users", content=b"{not json", headers=json_type).json()["error"] == "invalid_json"
    assert post("/admin/users", content=b'["a", "b"]', headers=json_type).json()["error"] == "invalid_json"
    assert post("/admin/users", content=b"", headers=json_type).status_code == 400
    as_form = post("/admin/users", data={"email": "ada@example.com", "name": "Ada"})
    assert as_form.status_code == 415
    assert as_form.json()["error"] == "unsupported_media_type"


def test_oversize_bodies_are_413_declared_or_streamed(service: AdminService) -> None:
    limit = service.settings.max_body_bytes
    big = {"email": "ada@example.com", "name": "Ada", "pad": "x" * limit}
    declared = service.admin.post("/admin/users", json=big)
    assert declared.status_code == 413
    assert declared.json()["error"] == "payload_too_large"

    def chunks() -> object:
        yield b'{"email": "ada@example.com", "name": "'
        for _ in range(limit // 1000 + 2):
            yield b"x" * 1000
        yield b'"}'

    streamed = service.admin.post("/admin/users", content=chunks(), headers={"Content-Type": "application/json"})
    assert streamed.status_code == 413


def test_admin_routes_need_an_admin_key(service: AdminService) -> None:
    with service.client(service.watch_key) as watch:
        forbidden = watch.get("/admin/users")
        assert forbidden.status_code == 403
        assert forbidden.json()["error"] == "insufficient_scope"
        assert watch.post("/admin/users", json={"email": "a@example.com", "name": "A"}).status_code == 403
    with service.client(None) as anonymous:
        assert anonymous.get("/admin/users").json()["error"] == "missing_key"
    assert service.admin.get("/admin/users", params={"email": "x@example.com"}).status_code == 200
