"""The OpenAPI 3.1 document served at /openapi.json, assembled from each area's paths.

Each area (watch, admin) describes its own routes in its own module; this one holds the shared
pieces (security, the error shape, standard error responses) and merges them."""

from __future__ import annotations

from api.openapi_parts import ERROR_SCHEMA, Schema
from api.openapi_watch import WATCH_PATHS, WATCH_SCHEMAS


def build_document(version: str, extra_paths: dict[str, Schema] | None = None,
                   extra_schemas: dict[str, Schema] | None = None) -> Schema:
    paths = {**WATCH_PATHS, **(extra_paths or {})}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "cryptowatch",
            "version": version,
            "description": "Compact crypto prices for smartwatches, and the admin API behind them.",
        },
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {
            "securitySchemes": {
                "ApiKeyHeader": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
                "BearerKey": {"type": "http", "scheme": "bearer"},
            },
            "schemas": {"Error": ERROR_SCHEMA, **WATCH_SCHEMAS, **(extra_schemas or {})},
        },
    }
