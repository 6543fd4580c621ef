"""Pairing over real HTTP, on every store backend: the watch's two routes as RFC 8628 has
clients call them (form-encoded) and as JSON, and the operator's approve and deny."""

from __future__ import annotations

import re
from urllib.parse import quote

import httpx
import pytest

from shared.pairing.codes import USER_CODE_ALPHABET
from shared.pairing.limits import PAIR_REQUESTS_PER_ADDRESS
from tests.pairing.conftest import GRANT_TYPE, PairingService


def refused(response: httpx.Response, status: int, code: str) -> dict[str, object]:
    assert response.status_code == status, response.text
    body = dict(response.json())
    assert body["error"] == code and body["message"]
    return body


def test_a_watch_gets_codes_without_a_key(pairing_service: PairingService) -> None:
    response = pairing_service.anyone.post("/v1/pair")

    started = response.json()
    assert response.status_code == 200 and response.headers["cache-control"] == "no-store"
    assert re.fullmatch(f"[{USER_CODE_ALPHABET}]{{4}}-[{USER_CODE_ALPHABET}]{{4}}", started["user_code"])
    assert started["verification_uri"] == pairing_service.url + "/activate"
    assert started["verification_uri_complete"] == f"{pairing_service.url}/activate?user_code={started['user_code']}"
    assert (started["expires_in"], started["interval"]) == (600, 5)
    assert len(started["device_code"]) >= 43


def test_pair_approve_poll_gives_a_working_watch_key_once(pairing_service: PairingService) -> None:
    started = pairing_service.start()
    pending = pairing_service.poll(started["device_code"])

    approved = pairing_service.approve(started["user_code"].lower(), label="Ada's watch")
    token = pairing_service.poll(started["device_code"])

    assert refused(pending, 400, "authorization_pending")["interval"] == 5
    assert approved.status_code == 200, approved.text
    assert approved.json() == {
        "status": "approved", "user_code": started["user_code"], "user_id": pairing_service.user_id,
        "label": "Ada's watch", "expires_at": approved.json()["expires_at"],
    }
    assert token.status_code == 200 and token.headers["cache-control"] == "no-store"
    key = token.json()["access_token"]
    assert token.json() == {"access_token": key, "token_type": "Bearer", "scope": "watch"}
    with httpx.Client(base_url=pairing_service.url, timeout=10) as watch:
        assert watch.get("/v1/prices?symbols=BTC", headers={"X-API-Key": key}).status_code == 200
        assert watch.get("/v1/prices/BTC", headers={"Authorization": f"Bearer {key}"}).status_code == 200
    keys = pairing_service.admin.get("/admin/keys", params={"user_id": pairing_service.user_id}).json()["items"]
    assert [(k["scope"], k["label"]) for k in keys] == [("watch", "Ada's watch")]
    refused(pairing_service.poll(started["device_code"]), 400, "invalid_grant")


def test_json_polls_work_like_form_polls_and_hurrying_is_slowed(pairing_service: PairingService) -> None:
    started = pairing_service.start()
    fields = {"grant_type": GRANT_TYPE, "device_code": started["device_code"]}

    first = pairing_service.anyone.post("/v1/pair/token", json=fields)
    hurried = pairing_service.anyone.post("/v1/pair/token", json=fields)

    refused(first, 400, "authorization_pending")
    assert refused(hurried, 400, "slow_down")["interval"] == 10


def test_a_denied_watch_is_told_so(pairing_service: PairingService) -> None:
    started = pairing_service.start()

    denied = pairing_service.admin.post("/admin/pairings/deny", json={"user_code": started["user_code"]})

    assert denied.status_code == 200 and denied.json()["status"] == "denied"
    refused(pairing_service.poll(started["device_code"]), 400, "access_denied")
    refused(pairing_service.approve(started["user_code"]), 409, "pairing_decided")


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"grant_type": "authorization_code", "device_code": "x"}, "unsupported_grant_type"),
        ({"device_code": "x"}, "missing_field"),
        ({"grant_type": GRANT_TYPE}, "missing_field"),
        ({"grant_type": GRANT_TYPE, "device_code": "x" * 129}, "invalid_field"),
        ({"grant_type": GRANT_TYPE, "device_code": "x", "colour": "red"}, "unknown_field"),
        ({"grant_type": GRANT_TYPE, "device_code": "not-one-of-ours"}, "invalid_grant"),
    ],
)
def test_bad_token_requests_say_what_is_wrong(pairing_service: PairingService, fields: dict[str, str],
                                               code: str) -> None:
    refused(pairing_service.anyone.post("/v1/pair/token", data=fields), 400, code)


def test_bodies_that_are_neither_form_nor_json_are_refused(pairing_service: PairingService) -> None:
    anyone = pairing_service.anyone
    refused(anyone.post("/v1/pair/token", content=b"<x/>", headers={"Content-Type": "text/xml"}),
            415, "unsupported_media_type")
    refused(anyone.post("/v1/pair/token", content=b"[1]", headers={"Content-Type": "application/json"}),
            400, "invalid_json")
    refused(anyone.post("/v1/pair/token", content=b"\xff=\xfe",
                        headers={"Content-Type": "application/x-www-form-urlencoded"}), 400, "invalid_form")
    twice = f"grant_type={GRANT_TYPE}&device_code=a&device_code=b".encode()
    refused(anyone.post("/v1/pair/token", content=twice, headers={"Content-Type": "application/x-www-form-urlencoded"}),
            400, "duplicate_field")


def test_the_operator_is_told_what_is_wrong_with_a_code(pairing_service: PairingService) -> None:
    started = pairing_service.start()
    admin = pairing_service.admin

    refused(pairing_service.approve("AEIO-U000"), 400, "invalid_user_code")
    refused(pairing_service.approve("BBBB-BBBB"), 404, "unknown_user_code")
    refused(admin.post("/admin/pairings/approve", json={"user_code": started["user_code"], "user_id": "usr_nobody"}),
            404, "user_not_found")
    refused(admin.post("/admin/pairings/approve", json={"user_code": started["user_code"]}), 400, "missing_field")
    refused(admin.post("/admin/pairings/deny", json={"user_code": started["user_code"], "x": 1}), 400, "unknown_field")
    with httpx.Client(base_url=pairing_service.url, timeout=10) as nobody:
        refused(nobody.post("/admin/pairings/approve", json={}), 401, "missing_key")


def test_pairing_requests_are_limited_per_address(pairing_service: PairingService) -> None:
    answers = [pairing_service.anyone.post("/v1/pair") for _ in range(PAIR_REQUESTS_PER_ADDRESS + 1)]

    assert [a.status_code for a in answers[:-1]] == [200] * PAIR_REQUESTS_PER_ADDRESS
    body = refused(answers[-1], 429, "rate_limited")
    assert body["retry_after"] == int(answers[-1].headers["retry-after"]) > 0


def test_the_verification_uri_sends_a_logged_out_wearer_to_log_in_and_keeps_the_code(
    pairing_service: PairingService,
) -> None:
    started = pairing_service.start()

    page = pairing_service.anyone.get(started["verification_uri_complete"].lower().replace("-", "%20"))
    bare = pairing_service.anyone.get("/activate?user_code=<script>alert(1)</script>")

    back = quote(f"/activate?user_code={started['user_code']}", safe="")
    assert page.status_code == 303 and page.headers["location"] == f"/login?next={back}"
    assert bare.status_code == 303 and bare.headers["location"] == "/login?next=%2Factivate"
