"""Pieces every OpenAPI section shares: the error shape, standard error responses, auth."""

from __future__ import annotations

from typing import Any

Schema = dict[str, Any]

#: One symbol as a client writes it (api/params.py checks the same).
SYMBOL_PATTERN = "^[A-Za-z0-9]{1,12}$"

ERROR_SCHEMA: Schema = {
    "type": "object",
    "required": ["error", "message"],
    "properties": {
        "error": {"type": "string", "description": "stable machine-readable code"},
        "message": {"type": "string", "description": "what went wrong, for people"},
        "retry_after": {"type": "integer", "description": "on a 429 or 503: seconds to wait, as Retry-After says"},
    },
}

_ERROR_TEXT = {
    "400": "Invalid input",
    "401": "Missing, unknown, expired or revoked key, or two different keys (error: missing_key, unknown_key, "
    "expired_key, revoked_key, ambiguous_key)",
    "403": "The key's scope does not allow this route",
    "404": "Not found",
    "409": "Conflict with an existing resource",
    "413": "Request body too large",
    "414": "Query string too long (error: query_too_long)",
    "415": "Request body is not JSON",
    "429": "Rate limit reached; see Retry-After",
    "503": "The store is unavailable; see Retry-After",
}


def error_responses(*statuses: int) -> dict[str, Schema]:
    """Response objects for the given error statuses, all in the one error shape."""
    return {
        str(s): {
            "description": _ERROR_TEXT[str(s)],
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
        }
        for s in statuses
    }


def json_content(schema: Schema) -> Schema:
    return {"application/json": {"schema": schema}}


KEY_AUTH = [{"ApiKeyHeader": []}, {"BearerKey": []}]


def ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}
