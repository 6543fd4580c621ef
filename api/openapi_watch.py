"""OpenAPI description of the watch routes and /health."""

from __future__ import annotations

from api.openapi_parts import KEY_AUTH, SYMBOL_PATTERN, Schema, error_responses, json_content, ref
from shared.models import UpdateError

_RATE_HEADERS = {
    name: {"schema": {"type": "string"}}
    for name in ("RateLimit-Policy", "RateLimit", "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset")
}


def _cached_ok(ref: str, what: str) -> dict[str, Schema]:
    return {
        "200": {
            "description": what,
            "headers": {"ETag": {"schema": {"type": "string"}}, **_RATE_HEADERS},
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}},
        },
        "304": {"description": "Not modified: the If-None-Match ETag is current"},
    }


_VS = {
    "name": "vs",
    "in": "query",
    "required": False,
    "description": "Quote currency, one of VS_CURRENCIES (default: the first, which the body then names in `c`)",
    "schema": ref("Currency"),
}
_SYMBOL_PATH = {
    "name": "symbol",
    "in": "path",
    "required": True,
    "description": "Any case; a symbol that is not supported is a 404",
    "schema": {"type": "string", "pattern": SYMBOL_PATTERN},
}
_IF_NONE_MATCH = {"name": "If-None-Match", "in": "header", "required": False, "schema": {"type": "string"}}

_STATED_CURRENCY = {"type": "string", "description": "quote currency, present only when the request had no vs"}
_FLAGS = {
    "n": {"type": "integer", "minimum": 0, "description": "seconds until the next refresh (Cache-Control max-age)"},
    "s": {"type": "integer", "enum": [1], "description": "present when stale"},
    "d": {"type": "integer", "enum": [1], "description": "present when the prices are simulated (demo)"},
}
# A pair, not `prefixItems`: schemathesis 4 turns a nested prefixItems into a draft-4 `items`
# list and then rejects the document (schemathesis#4099).
_QUOTE = {"type": "array", "items": {"type": ["number", "null"]}, "minItems": 2, "maxItems": 2}
_UPDATED = {"type": "integer", "description": "update time, epoch seconds"}

WATCH_SCHEMAS: dict[str, Schema] = {
    "Prices": {
        "type": "object",
        "required": ["t", "p"],
        "properties": {
            "c": _STATED_CURRENCY,
            "t": _UPDATED,
            "p": {
                "type": "object",
                "description": "symbol -> [price, 24h change % or null]",
                "additionalProperties": _QUOTE,
            },
            "u": {"type": "array", "items": {"type": "string"}, "description": "unknown symbols"},
            **_FLAGS,
        },
    },
    "Price": {
        "type": "object",
        "required": ["t", "p"],
        "properties": {
            "c": _STATED_CURRENCY,
            "t": {**_UPDATED, "description": "update time, epoch seconds (0 while there is no price)"},
            "p": {
                "oneOf": [_QUOTE, {"type": "null"}],
                "description": "[price, 24h change % or null]; null while the symbol has no price yet",
            },
            **_FLAGS,
        },
    },
    "History": {
        "type": "object",
        "required": ["s", "t", "i", "p"],
        "properties": {
            "s": {"type": "string"},
            "c": _STATED_CURRENCY,
            "t": {"type": "integer", "description": "time of the last point"},
            "i": {"type": "integer", "description": "seconds between points"},
            "p": {"type": "array", "items": {"type": ["number", "null"]}},
            "n": {"type": "integer", "minimum": 0, "description": "seconds until the series moves on (max-age)"},
        },
    },
    "Health": {
        "type": "object",
        "required": ["status", "version", "store", "prices_age_seconds", "stale_after_seconds", "last_update"],
        "properties": {
            "status": {"type": "string", "enum": ["ok", "stale", "unavailable"]},
            "version": {"type": "string"},
            "store": {"type": "string", "enum": ["ok", "unreachable"]},
            "prices_age_seconds": {"type": ["integer", "null"]},
            "stale_after_seconds": {"type": "integer"},
            "last_update": {
                "type": ["object", "null"],
                "properties": {
                    "ok": {"type": "boolean"},
                    "source": {"type": "string"},
                    "finished_at": {"type": "integer"},
                    "symbols_updated": {"type": "integer"},
                    "error": {
                        "type": ["string", "null"],
                        "enum": [*(code.value for code in UpdateError), None],
                        "description": "what kind of problem the last cycle met (its details are in /admin/stats)",
                    },
                    "last_success_at": {"type": ["integer", "null"]},
                },
            },
        },
    },
}

WATCH_PATHS: dict[str, Schema] = {
    "/v1/prices": {
        "get": {
            "summary": "Latest prices for several symbols, compact",
            "security": KEY_AUTH,
            "parameters": [
                {
                    "name": "symbols",
                    "in": "query",
                    "required": False,
                    "description": "Comma-separated symbols (default: all supported)",
                    "style": "form",
                    "explode": False,
                    "schema": ref("SymbolList"),
                },
                _VS,
                _IF_NONE_MATCH,
            ],
            "responses": {**_cached_ok("Prices", "Prices"), **error_responses(400, 401, 403, 429, 503)},
        }
    },
    "/v1/prices/{symbol}": {
        "get": {
            "summary": "Latest price of one symbol, compact",
            "security": KEY_AUTH,
            "parameters": [_SYMBOL_PATH, _VS, _IF_NONE_MATCH],
            "responses": {**_cached_ok("Price", "Price"), **error_responses(400, 401, 403, 404, 429, 503)},
        }
    },
    "/v1/history/{symbol}": {
        "get": {
            "summary": "Evenly spaced history points for a sparkline",
            "security": KEY_AUTH,
            "parameters": [
                _SYMBOL_PATH,
                _VS,
                {"name": "hours", "in": "query", "required": False,
                 "schema": {"type": "integer", "minimum": 1, "maximum": 720, "default": 24}},
                {"name": "points", "in": "query", "required": False,
                 "schema": {"type": "integer", "minimum": 2, "maximum": 96, "default": 24}},
                _IF_NONE_MATCH,
            ],
            "responses": {**_cached_ok("History", "History points"), **error_responses(400, 401, 403, 404, 429, 503)},
        }
    },
    "/health": {
        "get": {
            "summary": "Service health for monitoring (no auth)",
            "security": [],
            "responses": {
                "200": {"description": "Healthy", "content": json_content({"$ref": "#/components/schemas/Health"})},
                "503": {
                    "description": "Store down or prices stale",
                    "content": json_content({"$ref": "#/components/schemas/Health"}),
                },
            },
        }
    },
    "/openapi.json": {
        "get": {
            "summary": "This document",
            "security": [],
            "responses": {"200": {"description": "OpenAPI 3.1 document", "content": json_content({"type": "object"})}},
        }
    },
}
