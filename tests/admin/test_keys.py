"""Admin keys over real HTTP: issue, use, usage counts, per-key limit, expiry, revoke, roll."""

from __future__ import annotations

import threading
import time

import httpx
import pytest

from shared.ids import now
from tests.admin.conftest import AdminService
from tests.contract.builders import race

KEY_VIEW = {
    "id",
    "prefix",
    "scope",
    "user_id",
    "label",
    "rate_limit",
    "created_at",
    "expires_at",
    "revoked_at",
    "last_used_at",
    "requests_today",
    "rejected_today",
    "status",
}


def test_issue_use_and_list_a_key(service: AdminService) -> None:
    user = service.user()
    created = service.key(user["id"], label="ada's watch", rate_limit=50)
    assert set(created) == KEY_VIEW | {"key"}
    assert created["key"].startswith(created["prefix"])
    assert created["status"] == "active" and created["scope"] == "watch"
    with service.client(created["key"]) as watch:
        for _ in range(3):
            assert watch.get("/v1/prices").status_code == 200
    detail = service.admin.get(f"/admin/keys/{created['id']}").json()
    assert "key" not in detail  # the secret is shown once, at creation
    assert detail["requests_today"] == 3 and detail["rejected_today"] == 0
    assert detail["last_used_at"] is not None and detail["label"] == "ada's watch"

    listed = service.admin.get("/admin/keys", params={"user_id": user["id"]}).json()
    assert [k["id"] for k in listed["items"]] == [created["id"]]
    assert listed["items"][0]["requests_today"] == 3
    everyone = service.admin.get("/admin/keys").json()["items"]
    assert len(everyone) == 3  # the fixture's admin and watch keys, and this one


def test_an_admin_key_for_a_user_can_use_the_admin_api(service: AdminService) -> None:
    user = service.user()
    admin = service.key(user["id"], scope="admin")
    with service.client(admin["key"]) as client:
        assert client.get("/admin/stats").status_code == 200


def test_per_key_rate_limit(service: AdminService) -> None:
    key = service.key(service.user()["id"], rate_limit=2)
    with service.client(key["key"]) as watch:
        answers = [watch.get("/v1/prices").status_code for _ in range(3)]
    if answers != [200, 200, 429]:  # the burst straddled a minute: try once more
        with service.client(key["key"]) as watch:
            answers = [watch.get("/v1/prices").status_code for _ in range(3)]
    assert answers == [200, 200, 429]
    assert service.admin.get(f"/admin/keys/{key['id']}").json()["rejected_today"] >= 1


def test_an_expired_key_is_refused_with_expired_key(service: AdminService) -> None:
    key = service.key(service.user()["id"], expires_at=now() + 2)
    with service.client(key["key"]) as watch:
        assert watch.get("/v1/prices").status_code == 200
        time.sleep(max(0.0, key["expires_at"] - time.time()) + 0.05)
        refused = watch.get("/v1/prices")
    assert refused.status_code == 401
    assert refused.json()["error"] == "expired_key"
    assert service.admin.get(f"/admin/keys/{key['id']}").json()["status"] == "expired"


def test_revoking_refuses_the_key_at_once(service: AdminService) -> None:
    key = service.key(service.user()["id"])
    with service.client(key["key"]) as watch:
        assert watch.get("/v1/prices").status_code == 200  # cached as valid
        revoked = service.admin.post(f"/admin/keys/{key['id']}/revoke")
        assert revoked.status_code == 200
        assert revoked.json()["status"] == "revoked" and revoked.json()["revoked_at"] is not None
        refused = watch.get("/v1/prices")
    assert refused.status_code == 401
    assert refused.json()["error"] == "revoked_key"
    again = service.admin.post(f"/admin/keys/{key['id']}/revoke")
    assert again.json()["revoked_at"] == revoked.json()["revoked_at"]  # idempotent


def test_roll_with_overlap_keeps_the_old_key_working_until_then(service: AdminService) -> None:
    old = service.key(service.user()["id"], label="wrist", rate_limit=40)
    rolled = service.admin.post(f"/admin/keys/{old['id']}/roll", json={"overlap_seconds": 3600})
    assert rolled.status_code == 201
    body = rolled.json()
    assert body["id"] != old["id"] and body["key"] != old["key"]
    assert (body["label"], body["rate_limit"], body["user_id"]) == ("wrist", 40, old["user_id"])
    assert body["old_key"]["id"] == old["id"]
    assert body["old_key"]["status"] == "active"
    assert body["old_key"]["revoked_at"] - body["created_at"] == 3600
    for secret in (old["key"], body["key"]):
        with service.client(secret) as watch:
            assert watch.get("/v1/prices").status_code == 200


def test_roll_defaults_and_without_overlap(service: AdminService) -> None:
    old = service.key(service.user()["id"])
    default = service.admin.post(f"/admin/keys/{old['id']}/roll")  # no body at all
    assert default.status_code == 201
    assert default.json()["old_key"]["revoked_at"] - default.json()["created_at"] == 86_400

    newer = default.json()
    with service.client(newer["key"]) as watch:
        assert watch.get("/v1/prices").status_code == 200
        immediate = service.admin.post(f"/admin/keys/{newer['id']}/roll", json={"overlap_seconds": 0})
        assert immediate.status_code == 201
        assert watch.get("/v1/prices").json()["error"] == "revoked_key"
    stale = service.admin.post(f"/admin/keys/{newer['id']}/roll", json={})
    assert stale.status_code == 409
    assert stale.json()["error"] == "key_inactive"


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"user_id": None}, 400, "missing_field"),
        ({"scope": None}, 400, "missing_field"),
        ({"user_id": "usr_nobody", "scope": "watch"}, 404, "user_not_found"),
        # not blank to the document (JSON Schema's \S), though Python's strip() removes it
        ({"user_id": "\u001f", "scope": "watch"}, 404, "user_not_found"),
        ({"user_id": " \u00a0", "scope": "watch"}, 400, "invalid_field"),
        ({"scope": "root"}, 400, "invalid_field"),
        ({"rate_limit": 0}, 400, "invalid_field"),
        ({"rate_limit": "10"}, 400, "invalid_type"),
        ({"rate_limit": 2.5}, 400, "invalid_type"),
        ({"expires_at": 1000}, 400, "invalid_field"),
        ({"label": True}, 400, "invalid_type"),
        ({"secret": "cw_mine"}, 400, "unknown_field"),
    ],
)
def test_invalid_key_requests(service: AdminService, body: dict[str, object], status: int, code: str) -> None:
    user = service.user()
    response = service.admin.post("/admin/keys", json={"user_id": user["id"], "scope": "watch", **body})
    assert response.status_code == status
    assert response.json()["error"] == code


def test_a_rolled_key_cannot_be_rolled_again(service: AdminService) -> None:
    """A second roll would leave two live successors of one key."""
    old = service.key(service.user()["id"])
    first = service.admin.post(f"/admin/keys/{old['id']}/roll", json={"overlap_seconds": 3600})
    assert first.status_code == 201
    again = service.admin.post(f"/admin/keys/{old['id']}/roll", json={"overlap_seconds": 3600})
    assert again.status_code == 409 and again.json()["error"] == "key_already_rolled"
    successor = service.admin.post(f"/admin/keys/{first.json()['id']}/roll")
    assert successor.status_code == 201


def test_two_rolls_at_once_make_one_successor_and_one_409(
    service: AdminService, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = service.key(service.user()["id"])
    read = service.store.get_key

    def slow_read(key_id: str) -> object:
        """Both rolls read the key before either writes: the race, every time."""
        found = read(key_id)
        time.sleep(0.3)
        return found

    monkeypatch.setattr(service.store, "get_key", slow_read)
    # store calls in worker threads, as on DynamoDB (or as two uvicorn workers on one SQLite file)
    monkeypatch.setattr(service.store, "inline_calls", False)
    clients = iter([service.client(service.admin_key), service.client(service.admin_key)])
    lock = threading.Lock()

    def roll() -> httpx.Response:
        with lock:
            own = next(clients)
        with own:
            return own.post(f"/admin/keys/{old['id']}/roll", json={"overlap_seconds": 3600})

    answers = sorted(race(roll), key=lambda response: response.status_code)

    assert [answer.status_code for answer in answers] == [201, 409]
    assert answers[1].json()["error"] == "key_already_rolled"
    keys = service.admin.get("/admin/keys", params={"user_id": old["user_id"]}).json()["items"]
    assert sorted(key["id"] for key in keys) == sorted([old["id"], answers[0].json()["id"]])


def test_unknown_keys_and_bad_roll_bodies(service: AdminService) -> None:
    assert service.admin.get("/admin/keys/key_nope").status_code == 404
    assert service.admin.post("/admin/keys/key_nope/revoke").status_code == 404
    assert service.admin.post("/admin/keys/key_nope/roll").status_code == 404
    key = service.key(service.user()["id"])
    too_long = service.admin.post(f"/admin/keys/{key['id']}/roll", json={"overlap_seconds": 31 * 86_400})
    assert too_long.status_code == 400
    assert service.admin.post(f"/admin/keys/{key['id']}/roll", json={"overlap": 5}).status_code == 400
