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

from api.lookup import found
from api.operations import operation, path
from api.pagination import PAGING, page_body, page_request
from api.services import Services
from api.storecall import call
from shared.exports.builder import CONTENT_TYPES, export_spec, run_export
from shared.exports.sink import ExportSink
from shared.ids import now
from shared.models import ExportFormat, ExportRecord
from shared.shapes.base import shape
from shared.shapes.exports import Export, ExportCreate, ExportCreated, ExportPage
from shared.store.base import Store


def export_view(record: ExportRecord, sink: ExportSink) -> Export:
    return shape(Export, record, url=sink.url_for(record.file_key, record.id))


@operation("POST", "Export price history as JSON or CSV", body=ExportCreate, response=ExportCreated, status=201)
async def create(request: Request, body: ExportCreate) -> ExportCreated:
    services: Services = request.app.state.services
    settings = services.settings
    at = now()
    spec = export_spec(settings, at, fmt=body.format, symbols=body.symbols, start=body.start, end=body.end)
    record = await run_in_threadpool(run_export, services.store, services.exports, spec, settings.vs_currencies[0], at)
    return shape(
        ExportCreated, record, message="Export successful", url=services.exports.url_for(record.file_key, record.id)
    )


@operation("GET", "List exports, newest first", response=ExportPage, params=PAGING)
async def listing(request: Request) -> ExportPage:
    services: Services = request.app.state.services
    limit, cursor = page_request(request)
    store = services.store
    page = await call(store, store.list_exports, limit=limit, cursor=cursor)
    return page_body(ExportPage, page, lambda record: export_view(record, services.exports))


def export_or_404(store: Store, export_id: str) -> ExportRecord:
    return found(store.get_export, "export", export_id)


@operation("GET", "One export", response=Export, errors=(404,))
async def detail(request: Request) -> Export:
    services: Services = request.app.state.services
    record = await call(services.store, export_or_404, services.store, request.path_params["export_id"])
    return export_view(record, services.exports)


@operation(
    "GET", "Download an export file (embedded mode)", errors=(404,),
    content={"application/json": list[dict[str, Any]], "text/csv": str},
)
async def download(request: Request) -> Response:
    services: Services = request.app.state.services
    record = await call(services.store, export_or_404, services.store, request.path_params["export_id"])
    data = await run_in_threadpool(services.exports.read, record.file_key)
    filename = record.file_key.rsplit("/", 1)[-1]
    return Response(
        data,
        media_type=CONTENT_TYPES[ExportFormat(record.format)],
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"},
    )


routes = [
    path("/exports", create, listing),
    path("/exports/{export_id}", detail),
    path("/exports/{export_id}/download", download),
]
