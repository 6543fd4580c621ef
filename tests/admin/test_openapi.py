"""What the admin API answers matches what /openapi.json documents (tests/shapes checks that
every route is in it)."""

from __future__ import annotations

from typing import Any

import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from shared.ids import now
from shared.models import PricePoint
from tests.admin.conftest import AdminService
from updater.alerts import fire_due_alerts


@pytest.fixture
def document(service: AdminService) -> dict[str, Any]:
    doc = service.admin.get("/openapi.json").json()
    validate(doc)
    return dict(doc)


def conforms(document: dict[str, Any], schema_name: str, body: Any) -> None:
    registry = Registry().with_resource("urn:doc", Resource.from_contents(document, DRAFT202012))
    validator = Draft202012Validator({"$ref": f"urn:doc#/components/schemas/{schema_name}"}, registry=registry)
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(body)]
    assert not errors, f"{schema_name}: {errors}"


def test_answers_match_the_documented_schemas(service: AdminService, document: dict[str, Any]) -> None:
    admin = service.admin
    user = admin.post("/admin/users", json={"email": "ada@example.com", "name": "Ada"}).json()
    conforms(document, "User", user)
    conforms(document, "UserPage", admin.get("/admin/users").json())
    key = admin.post("/admin/keys", json={"user_id": user["id"], "scope": "watch", "label": "w"}).json()
    conforms(document, "KeyCreated", key)
    conforms(document, "KeyViewPage", admin.get("/admin/keys").json())
    conforms(document, "KeyRolled", admin.post(f"/admin/keys/{key['id']}/roll").json())
    conforms(document, "KeyView", admin.post(f"/admin/keys/{key['id']}/revoke").json())
    alert = admin.post(
        "/admin/alerts",
        json={"user_id": user["id"], "symbol": "BTC", "condition": "above", "target": 1},
    ).json()
    conforms(document, "Alert", alert)
    conforms(document, "AlertPage", admin.get("/admin/alerts", params={"status": "active"}).json())
    at = now()
    fire_due_alerts(service.store, [PricePoint("BTC", "usd", 2.0, None, at, "demo")], at)
    conforms(document, "NotificationPage", admin.get("/admin/notifications").json())
    export = admin.post("/admin/exports", json={"format": "csv"}).json()
    conforms(document, "ExportCreated", export)
    conforms(document, "ExportPage", admin.get("/admin/exports").json())
    conforms(document, "Stats", admin.get("/admin/stats").json())
    watch_key = admin.post("/admin/keys", json={"user_id": user["id"], "scope": "watch"}).json()["key"]
    with service.client(watch_key) as watch:
        made = watch.post("/v1/alerts", json={"symbol": "ETH", "condition": "pct_move", "target": 5})
        conforms(document, "WatchAlert", made.json())
        conforms(document, "WatchAlerts", watch.get("/v1/alerts").json())
    conforms(document, "Error", admin.get("/admin/users/usr_nope").json())
