"""The OpenAPI 3.1 document served at /openapi.json, assembled from each area's paths.

Each area (watch, admin) describes its own routes in its own module; this one holds the shared
pieces (security, the error shape, standard error responses) and merges them."""

from __future__ import annotations

from collections.abc import Iterable

from api.openapi_parts import ERROR_SCHEMA, SYMBOL_PATTERN, Schema, error_responses
from api.openapi_watch import WATCH_PATHS, WATCH_SCHEMAS
from shared.config import Settings


def any_case(words: Iterable[str]) -> str:
    """A pattern matching exactly these words in any letter case (JSON Schema patterns have no
    flags, and the API takes `btc` as well as `BTC`)."""
    spelled = ("".join(f"[{c.upper()}{c.lower()}]" if c.isalpha() else c for c in word) for word in words)
    return f"^(?:{'|'.join(spelled)})$"


def configured_schemas(settings: Settings) -> dict[str, Schema]:
    """The schemas that depend on this deployment's configuration, so that what the document
    allows is exactly what the server accepts."""
    return {
        "Symbol": {
            "type": "string",
            "pattern": any_case(settings.supported_symbols),
            "description": f"a supported symbol, any case: {', '.join(settings.supported_symbols)}",
        },
        "Currency": {
            "type": "string",
            "pattern": any_case(settings.vs_currencies),
            "description": f"a quote currency, any case: {', '.join(settings.vs_currencies)}",
        },
        "SymbolList": {
            "type": "array",
            "items": {"type": "string", "pattern": SYMBOL_PATTERN},
            "minItems": 1,
            "maxItems": settings.max_symbols_per_request,
            "description": "symbols, any case; unknown ones are reported in `u`, not refused",
        },
    }


def build_document(version: str, settings: Settings, extra_paths: dict[str, Schema] | None = None,
                   extra_schemas: dict[str, Schema] | None = None) -> Schema:
    too_long = error_responses(414)  # every route refuses an oversize query (query_limit.py)
    paths = {
        path: {method: {**op, "responses": {**op["responses"], **too_long}} for method, op in operations.items()}
        for path, operations in {**WATCH_PATHS, **(extra_paths or {})}.items()
    }
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
            "schemas": {
                "Error": ERROR_SCHEMA,
                **configured_schemas(settings),
                **WATCH_SCHEMAS,
                **(extra_schemas or {}),
            },
        },
    }
