"""Exports over real HTTP (create, list, download), and unique file names within a second."""

from __future__ import annotations

import csv
import io
import re
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import httpx

from shared.exports.builder import ExportFormat, export_spec, file_key, run_export
from shared.exports.local import LocalSink
from shared.exports.sink import ExportSink
from tests.admin.conftest import AdminService
from tests.support.seed import HISTORY

FILE_KEY = re.compile(r"^exports/crypto_\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d(_[0-9a-z]{6})?\.(json|csv)$")


def test_json_export_of_everything_downloads(service: AdminService) -> None:
    created = service.admin.post("/admin/exports", json={})
    assert created.status_code == 201
    body = created.json()
    assert body["message"] == "Export successful"
    assert FILE_KEY.match(body["file_key"]) and body["file_key"].endswith(".json")
    assert body["records"] == 6 and body["url"] == f"/admin/exports/{body['id']}/download"

    download = service.admin.get(body["url"])
    assert download.status_code == 200
    assert download.headers["content-type"] == "application/json"
    filename = body["file_key"].rsplit("/", 1)[1]
    assert download.headers["content-disposition"] == f'attachment; filename="{filename}"'
    records = download.json()
    assert all(set(r) == {"id", "timestamp", "name", "symbol", "price"} for r in records)
    assert sorted((r["symbol"], r["price"]) for r in records) == sorted(
        (symbol, price) for symbol, prices in HISTORY.items() for price in prices
    )
    assert {r["name"] for r in records} == {"Bitcoin", "Ethereum"}
    assert [r["timestamp"] for r in records] == sorted(r["timestamp"] for r in records)

    with service.client(service.watch_key) as watch:
        assert watch.get(body["url"]).status_code == 403
    with service.client(None) as anonymous:
        assert anonymous.get(body["url"]).status_code == 401


def test_csv_export_filtered_by_symbol_and_time(service: AdminService) -> None:
    end = service.history_end
    start = end - 600  # the last two points
    created = service.admin.post(
        "/admin/exports",
        json={"format": "csv", "symbols": ["btc"], "start": start, "end": end},
    ).json()
    assert created["file_key"].endswith(".csv") and created["records"] == 2
    download = service.admin.get(created["url"])
    assert download.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(download.text)))
    assert [(r["symbol"], float(r["price"]), int(r["timestamp"])) for r in rows] == [
        ("BTC", 97500.5, end - 600),
        ("BTC", 98000.25, end),
    ]
    assert list(rows[0]) == ["id", "timestamp", "name", "symbol", "price"]


def test_exports_are_listed_newest_first(service: AdminService) -> None:
    first = service.admin.post("/admin/exports", json={"symbols": ["ETH"]}).json()
    second = service.admin.post("/admin/exports", json={"format": "csv"}).json()
    assert first["file_key"] != second["file_key"]
    page = service.admin.get("/admin/exports").json()
    assert [e["id"] for e in page["items"]] == [second["id"], first["id"]]
    newest = page["items"][0]
    assert newest["format"] == "csv" and newest["records"] == 6 and newest["size_bytes"] > 0
    assert newest["symbols"] == list(service.settings.supported_symbols)
    assert newest["url"] == second["url"]
    assert service.admin.get(f"/admin/exports/{first['id']}").json()["symbols"] == ["ETH"]


def test_bad_export_requests(service: AdminService) -> None:
    post = service.admin.post
    assert post("/admin/exports", json={"format": "xml"}).status_code == 400
    assert post("/admin/exports", json={"symbols": ["DOGGO"]}).json()["error"] == "invalid_symbol"
    assert post("/admin/exports", json={"symbols": []}).json()["error"] == "invalid_symbol"
    assert post("/admin/exports", json={"symbols": "BTC"}).json()["error"] == "invalid_type"
    assert post("/admin/exports", json={"start": 10, "end": 5}).json()["error"] == "invalid_range"
    assert post("/admin/exports", json={"start": "yesterday"}).status_code == 400
    assert service.admin.get("/admin/exports/exp_nope").status_code == 404
    assert service.admin.get("/admin/exports/exp_nope/download").status_code == 404


def test_two_exports_in_one_second_get_distinct_files(service: AdminService) -> None:
    sink = LocalSink(service.settings.exports_dir)
    at = service.history_end + 10
    spec = export_spec(service.settings, at, fmt=ExportFormat.JSON)
    made = [run_export(service.store, sink, spec, "usd", at) for _ in range(3)]
    keys = [record.file_key for record in made]
    assert len(set(keys)) == 3 and all(FILE_KEY.match(k) for k in keys)
    assert keys[0] == file_key(at, ExportFormat.JSON)  # the first one keeps the plain name
    assert all(sink.read(k) == sink.read(keys[0]) for k in keys)


def test_an_existing_file_is_never_overwritten(service: AdminService) -> None:
    sink = LocalSink(service.settings.exports_dir)
    at = service.history_end + 20
    sink.save(file_key(at, ExportFormat.CSV), b"someone else's file", "text/csv")
    spec = export_spec(service.settings, at, fmt=ExportFormat.CSV)
    record = run_export(service.store, sink, spec, "usd", at)
    assert record.file_key != file_key(at, ExportFormat.CSV)
    assert sink.read(file_key(at, ExportFormat.CSV)) == b"someone else's file"


class GatedSink:
    """An export sink whose saves and reads wait until the test opens the gate, as a slow disk
    or a slow S3 would."""

    def __init__(self, inner: ExportSink) -> None:
        self.inner = inner
        self.entered = threading.Event()
        self.gate = threading.Event()

    def _hold(self) -> None:
        self.entered.set()
        assert self.gate.wait(10), "the test never opened the gate"

    def save(self, file_key: str, data: bytes, content_type: str) -> None:
        self._hold()
        self.inner.save(file_key, data, content_type)

    def url_for(self, file_key: str, export_id: str) -> str:
        return self.inner.url_for(file_key, export_id)

    def read(self, file_key: str) -> bytes:
        self._hold()
        return self.inner.read(file_key)


def test_a_slow_export_or_download_holds_up_no_other_request(service: AdminService) -> None:
    sink = GatedSink(service.services.exports)
    service.services.exports = sink

    def meanwhile(slow: Callable[[httpx.Client], httpx.Response]) -> httpx.Response:
        """Start the slow request; while the sink holds it, others are answered at once."""
        sink.entered.clear()
        sink.gate.clear()
        with (
            ThreadPoolExecutor(1) as pool,
            service.client(service.admin_key) as slow_client,
            service.client(service.admin_key) as other,
        ):
            pending = pool.submit(slow, slow_client)
            assert sink.entered.wait(10)
            try:
                assert other.get("/admin/users", timeout=2).status_code == 200
                assert other.get("/health", timeout=2).status_code in (200, 503)
            finally:
                sink.gate.set()
            return pending.result(timeout=10)

    created = meanwhile(lambda c: c.post("/admin/exports", json={}))
    assert created.status_code == 201
    download = meanwhile(lambda c: c.get(created.json()["url"]))
    assert download.status_code == 200 and len(download.json()) == created.json()["records"]
