"""Admin exports: build one (JSON or CSV, symbols, time range), list them, download one.

Embedded, `url` is the authenticated download route; on AWS it is a pre-signed S3 URL that a
client fetches directly (no redirect here: a client following one would carry its API key to
another host).

Building an export reads and encodes a whole time range and writes a file or an S3 object, and a
download reads one back: long enough to stall every other request if it ran on the event loop,
whatever the store, so both always run in the thread pool."""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from api.lookup import found
from api.pagination import page_request
from api.requests import read_json
from api.responses import JSONBody
from api.services import Services
from api.storecall import call
from shared.exports.builder import CONTENT_TYPES, ExportFormat, export_spec, run_export
from shared.exports.sink import ExportSink
from shared.ids import now
from shared.models import ExportRecord
from shared.store.base import Store

MAX_EPOCH = 2**40
MAX_SYMBOLS = 250


def export_view(record: ExportRecord, sink: ExportSink) -> dict[str, Any]:
    return {
        "id": record.id,
        "file_key": record.file_key,
        "format": record.format,
        "symbols": list(record.symbols),
        "start": record.start,
        "end": record.end,
        "records": record.records,
        "size_bytes": record.size_bytes,
        "created_at": record.created_at,
        "url": sink.url_for(record.file_key, record.id),
    }


async def create(request: Request) -> Response:
    services: Services = request.app.state.services
    settings = services.settings
    body = (await read_json(request, settings.max_body_bytes)).only(("format", "symbols", "start", "end"))
    at = now()
    spec = export_spec(
        settings,
        at,
        fmt=body.choice("format", ExportFormat),
        symbols=body.strings("symbols", max_items=MAX_SYMBOLS),
        start=body.integer("start", low=0, high=MAX_EPOCH),
        end=body.integer("end", low=0, high=MAX_EPOCH),
    )
    record = await run_in_threadpool(run_export, services.store, services.exports, spec, settings.vs_currencies[0], at)
    return JSONBody(
        {
            "message": "Export successful",
            "url": services.exports.url_for(record.file_key, record.id),
            "file_key": record.file_key,
            "id": record.id,
            "records": record.records,
        },
        status_code=201,
    )


async def listing(request: Request) -> Response:
    services: Services = request.app.state.services
    limit, cursor = page_request(request)
    store = services.store
    page = await call(store, store.list_exports, limit=limit, cursor=cursor)
    items = [export_view(record, services.exports) for record in page.items]
    return JSONBody({"items": items, "next_cursor": page.next_cursor})


def export_or_404(store: Store, export_id: str) -> ExportRecord:
    return found(store.get_export, "export", export_id)


async def detail(request: Request) -> Response:
    services: Services = request.app.state.services
    record = await call(services.store, export_or_404, services.store, request.path_params["export_id"])
    return JSONBody(export_view(record, services.exports))


async def download(request: Request) -> Response:
    services: Services = request.app.state.services
    record = await call(services.store, export_or_404, services.store, request.path_params["export_id"])
    data = await run_in_threadpool(services.exports.read, record.file_key)
    filename = record.file_key.rsplit("/", 1)[-1]
    return Response(
        data,
        media_type=CONTENT_TYPES[ExportFormat(record.format)],
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )


routes = [
    Route("/admin/exports", create, methods=["POST"]),
    Route("/admin/exports", listing, methods=["GET"]),
    Route("/admin/exports/{export_id}", detail, methods=["GET"]),
    Route("/admin/exports/{export_id}/download", download, methods=["GET"]),
]
