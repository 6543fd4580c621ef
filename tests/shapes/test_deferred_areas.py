"""Only the price and history routes are imported at start-up: /admin, the rest of /v1 and the web
pages are imported on their first request (api/routes/deferred.py), so a watch's first request on
a cold instance never pays for them; routing, auth, 405s and the document are as if they had been
there from the start, and which paths need no key is right without loading them."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from starlette.routing import BaseRoute, Mount

from api.app import create_app
from api.operations import public_paths
from api.routes.deferred import DeferredMount
from shared.config import Settings
from shared.ids import now
from shared.keyring import issue_key
from shared.models import Scope
from shared.store.sqlite import SQLiteStore
from tests.conftest import settings_for
from tests.support.inprocess import served

ROOT = Path(__file__).resolve().parents[2]

#: Modules of each area loaded on first use.
DEFERRED = {"admin": "api.routes.admin_stats", "v1": "api.routes.me", "web": "api.web.pages", "document": "api.openapi"}

#: In a fresh interpreter: which deferred modules are loaded after a watch request, then after a
#: request to each area in turn (a keyless one where the area has public routes).
COLD_PROCESS = f"""
import sys, tempfile
from pathlib import Path
from api.app import create_app
from shared.ids import now
from shared.keyring import issue_key
from shared.models import Scope
from shared.store.sqlite import SQLiteStore
from tests.conftest import settings_for
from tests.support.inprocess import served
from tests.support.seed import seed_prices

settings = settings_for(Path(tempfile.mkdtemp()))
store = SQLiteStore(settings.sqlite_path)
store.init()
seed_prices(store, now())
watch = {{"X-API-Key": issue_key(store, Scope.WATCH, now()).secret}}
admin = {{"X-API-Key": issue_key(store, Scope.ADMIN, now()).secret}}
loaded = lambda: " ".join(area for area, module in {DEFERRED!r}.items() if module in sys.modules) or "-"
with served(create_app(settings, store)) as http:
    for method, path, headers, body, status in [
        ("GET", "/v1/prices?symbols=BTC", watch, None, 200), ("GET", "/v1/history/BTC", watch, None, 200),
        ("GET", "/health", {{}}, None, 200), ("POST", "/v1/auth/login", {{}}, {{}}, 400),
        ("GET", "/login", {{}}, None, 200), ("GET", "/admin/stats", admin, None, 200),
        ("GET", "/openapi.json", {{}}, None, 200),
    ]:
        assert http.request(method, path, headers=headers, json=body).status_code == status, path
        print(path, loaded())
"""


def test_a_watch_request_loads_no_deferred_route_and_each_area_loads_on_its_first_request() -> None:
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(COLD_PROCESS)], cwd=ROOT, capture_output=True, text=True, timeout=120
    )

    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.splitlines() == [
        "/v1/prices?symbols=BTC -",
        "/v1/history/BTC -",
        "/health -",
        "/v1/auth/login v1",
        "/login v1 web",
        "/admin/stats admin v1 web",
        "/openapi.json admin v1 web document",
    ]


def test_each_deferred_area_states_exactly_its_public_paths(tmp_path: Path) -> None:
    """Auth learns the public paths from these statements, without loading the areas."""
    app = create_app(settings_for(tmp_path))
    deferred = deferred_areas(app.routes)

    assert len(deferred) == 3
    for area in deferred:
        assert area.routes
        assert public_paths(area.routes) == area.public_paths, area


def deferred_areas(routes: list[BaseRoute]) -> list[DeferredMount]:
    found = [route for route in routes if isinstance(route, DeferredMount)]
    for route in routes:
        if isinstance(route, Mount) and route not in found:
            found += deferred_areas(route.routes)
    return found


def test_a_keyed_deferred_route_still_needs_a_key_and_a_public_one_does_not(
    settings: Settings, sqlite_store: SQLiteStore
) -> None:
    with served(create_app(settings, sqlite_store)) as http:
        keyed = http.get("/v1/me")
        public = http.get("/login")

    assert (keyed.status_code, keyed.json()["error"]) == (401, "missing_key")
    assert public.status_code == 200


@pytest.mark.parametrize(
    ("path", "scope", "allowed"),
    [
        ("/admin/keys", Scope.ADMIN, {"GET", "HEAD", "POST"}),
        ("/v1/me/keys", Scope.USER, {"GET", "HEAD", "POST"}),
        ("/v1/portfolio/assets/ast_1", Scope.WATCH, {"PUT", "DELETE"}),
        ("/activate", None, {"GET", "HEAD", "POST"}),
    ],
)
def test_a_wrong_method_in_a_deferred_area_is_a_405_naming_the_allowed_ones(
    settings: Settings, sqlite_store: SQLiteStore, path: str, scope: Scope | None, allowed: set[str]
) -> None:
    headers = {"X-API-Key": issue_key(sqlite_store, scope, now()).secret} if scope else {}
    with served(create_app(settings, sqlite_store), headers) as http:
        response = http.patch(path)

    assert response.status_code == 405
    assert response.json()["error"] == "method_not_allowed"
    assert set(response.headers["allow"].split(", ")) == allowed


def test_a_wrong_method_on_an_eager_route_is_still_its_405(settings: Settings, sqlite_store: SQLiteStore) -> None:
    """The router goes on to the deferred routes after a partial match; theirs must not win."""
    watch = issue_key(sqlite_store, Scope.WATCH, now()).secret
    with served(create_app(settings, sqlite_store), {"X-API-Key": watch}) as http:
        response = http.put("/v1/prices")

    assert response.status_code == 405
    assert set(response.headers["allow"].split(", ")) == {"GET", "HEAD"}
