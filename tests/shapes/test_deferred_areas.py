"""/admin's route modules are imported on its first request (api/routes/deferred.py), so a watch's
first request on a cold instance never pays for them; routing, 405s and the document are as if
they had been there from the start, and which paths need no key is right without loading them."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from api.app import create_app
from api.operations import declared_operations
from api.routes.deferred import DeferredMount
from shared.config import Settings
from shared.ids import now
from shared.keyring import issue_key
from shared.models import Scope
from shared.store.sqlite import SQLiteStore
from tests.conftest import settings_for
from tests.support.inprocess import served

ROOT = Path(__file__).resolve().parents[2]

#: In a fresh interpreter: what a watch request loads, then what an admin request loads.
COLD_PROCESS = """
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
watch = issue_key(store, Scope.WATCH, now()).secret
admin = issue_key(store, Scope.ADMIN, now()).secret
with served(create_app(settings, store)) as http:
    assert http.get("/v1/prices?symbols=BTC", headers={"X-API-Key": watch}).status_code == 200
    print("after watch:", "api.routes.admin_stats" in sys.modules, "api.openapi" in sys.modules)
    assert http.get("/admin/stats", headers={"X-API-Key": admin}).status_code == 200
    print("after admin:", "api.routes.admin_stats" in sys.modules)
"""


def test_a_watch_request_loads_no_admin_route_and_an_admin_request_loads_them() -> None:
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(COLD_PROCESS)], cwd=ROOT, capture_output=True, text=True, timeout=120
    )

    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.splitlines() == ["after watch: False False", "after admin: True"]


def test_a_deferred_area_declares_no_public_operation(tmp_path: Path) -> None:
    """Public paths are found without loading deferred areas, so they must have none."""
    app = create_app(settings_for(tmp_path))
    deferred = [route for route in app.routes if isinstance(route, DeferredMount)]

    assert deferred
    for area in deferred:
        operations = list(declared_operations(area.routes, area.path))
        assert operations
        assert [path for path, op in operations if op.public] == []


def test_a_wrong_method_in_a_deferred_area_is_a_405_naming_the_allowed_ones(
    settings: Settings, sqlite_store: SQLiteStore
) -> None:
    admin = issue_key(sqlite_store, Scope.ADMIN, now()).secret
    with served(create_app(settings, sqlite_store), {"X-API-Key": admin}) as http:
        response = http.put("/admin/keys")

    assert response.status_code == 405
    assert response.json()["error"] == "method_not_allowed"
    assert set(response.headers["allow"].split(", ")) == {"GET", "HEAD", "POST"}
