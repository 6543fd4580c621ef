"""OpenAPI description of the admin routes (/admin/*) and the watch's own alerts (/v1/alerts)."""

from __future__ import annotations

import re
from typing import Any

from api.openapi_parts import KEY_AUTH, Schema, error_responses, json_content, ref
from api.routes.admin_stats import DAYS_KEPT
from shared.ids import DAY_PATTERN
from shared.users import EMAIL as EMAIL_SHAPE
from shared.users import ENCODED_WORD, MAX_LOCAL

INT = {"type": "integer"}
STR = {"type": "string"}
NUM = {"type": "number"}
BOOL = {"type": "boolean"}
EPOCH = {"type": "integer", "description": "epoch seconds"}


def nullable(schema: Schema) -> Schema:
    return {**schema, "type": [schema["type"], "null"]}


def optional(schema: Schema) -> Schema:
    """An optional request field: null means absent (`api.requests.Body`), so null is valid."""
    if "$ref" in schema:
        return {"anyOf": [schema, {"type": "null"}]}
    widened = nullable(schema)
    if "enum" in schema:
        widened["enum"] = [*schema["enum"], None]
    return widened


def text(max_length: int) -> Schema:
    """A string field the API trims: at most `max_length` as sent, not blank."""
    return {"type": "string", "maxLength": max_length, "pattern": "\\S"}


def obj(
    props: dict[str, Schema], required: list[str] | None = None, *, closed: bool = False
) -> Schema:
    schema: Schema = {
        "type": "object",
        "properties": props,
        "required": list(props) if required is None else required,
    }
    if closed:
        schema["additionalProperties"] = False
    return schema


def page_of(name: str) -> Schema:
    return obj({"items": {"type": "array", "items": ref(name)}, "next_cursor": nullable(STR)})


def enum(*values: str) -> Schema:
    return {"type": "string", "enum": list(values)}


def op(
    summary: str,
    ok: int,
    schema: Schema | None,
    errors: tuple[int, ...],
    *,
    body: Schema | None = None,
    body_required: bool = True,
    params: list[Schema] | None = None,
    media: str = "application/json",
) -> Schema:
    """One operation: admin auth, optional JSON body, one success and the error statuses."""
    success: Schema = {"description": {200: "OK", 201: "Created", 204: "No content"}[ok]}
    if schema is not None:
        success["content"] = {media: {"schema": schema}}
    operation: Schema = {
        "summary": summary,
        "security": KEY_AUTH,
        "responses": {str(ok): success, **error_responses(401, 403, 429, 503, *errors)},
    }
    if body is not None:
        operation["requestBody"] = {"required": body_required, "content": json_content(body)}
    if params:
        operation["parameters"] = params
    return operation


def query(name: str, schema: Schema, description: str = "") -> Schema:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "schema": schema,
        "description": description,
    }


def path(name: str) -> Schema:
    return {"name": name, "in": "path", "required": True, "schema": STR}


PAGING = [
    query("limit", {"type": "integer", "minimum": 1, "maximum": 200, "default": 50}),
    query("cursor", {"type": "string", "maxLength": 512}, "next_cursor of the previous page"),
]
BODY_ERRORS = (400, 413, 415)

CONDITION = enum("above", "below", "pct_move")
ALERT_STATUS = enum("active", "triggered", "cancelled")
CHANNEL = enum("email", "webhook")

_KEY_FIELDS: dict[str, Schema] = {
    "id": STR,
    "prefix": STR,
    "scope": enum("watch", "admin"),
    "user_id": nullable(STR),
    "label": nullable(STR),
    "rate_limit": nullable(INT),
    "created_at": EPOCH,
    "expires_at": nullable(EPOCH),
    "revoked_at": nullable(EPOCH),
    "last_used_at": nullable(EPOCH),
    "requests_today": INT,
    "rejected_today": INT,
    "status": enum("active", "expired", "revoked"),
}
#: The API's own rule (`shared.users.valid_email`) rather than the looser `email` format: a
#: dot-atom local part of at most 64 characters that is not an encoded word, and a host name
#: under a letter or punycode TLD.
EMAIL = {
    "type": "string",
    "maxLength": 254,
    "pattern": f"^(?![^@]*{re.escape(ENCODED_WORD)})(?=[^@]{{1,{MAX_LOCAL}}}@){EMAIL_SHAPE.pattern}$",
}
WEBHOOK_URL = {
    "type": "string",
    "maxLength": 2000,
    "pattern": "^https?://[A-Za-z0-9][A-Za-z0-9.-]*(:[0-9]{1,5})?(/[!-~]*)?$",
}
EXPIRY = {"type": "integer", "minimum": 0, "maximum": 2**40, "description": "epoch seconds, in the future"}
EXPORT_TIME = {"type": "integer", "minimum": 0, "maximum": 2**40, "description": "epoch seconds"}
_ALERT_INPUT: dict[str, Schema] = {
    "symbol": ref("Symbol"),
    "condition": CONDITION,
    "target": {
        "type": "number",
        "exclusiveMinimum": 0,
        "description": "a price, or a percentage (at most 1000) for pct_move",
    },
    "currency": optional(ref("Currency")),
    "repeat": optional(BOOL),
}
#: Only an admin chooses where an alert is sent; a watch's alerts mail the key owner.
_ALERT_ROUTING: dict[str, Schema] = {
    "channel": optional(CHANNEL),
    "destination": {
        "type": ["string", "null"],
        "description": "email address (default: the user's) or, for webhook, an http(s) URL to a public host",
    },
}
#: What the properties alone cannot say: pct_move targets are percentages up to 1000...
_PCT_RULE: Schema = {
    "if": {"properties": {"condition": {"const": "pct_move"}}, "required": ["condition"]},
    "then": {"properties": {"target": {"maximum": 1000}}},
}
#: ...and the destination of a webhook alert is a required URL, an email alert's an address.
_ALERT_RULES: list[Schema] = [
    _PCT_RULE,
    {
        "if": {"properties": {"channel": {"const": "webhook"}}, "required": ["channel"]},
        "then": {"properties": {"destination": WEBHOOK_URL}, "required": ["destination"]},
        "else": {"properties": {"destination": optional(EMAIL)}},
    },
]


def alert_input(props: dict[str, Schema], required: list[str], rules: list[Schema]) -> Schema:
    return {**obj(props, required, closed=True), "allOf": rules}


_EXPORT_FIELDS: dict[str, Schema] = {
    "id": STR,
    "file_key": STR,
    "format": enum("json", "csv"),
    "symbols": {"type": "array", "items": STR},
    "start": EPOCH,
    "end": EPOCH,
    "records": INT,
    "size_bytes": INT,
    "created_at": EPOCH,
    "url": STR,
}

ADMIN_SCHEMAS: dict[str, Schema] = {
    "User": obj({"id": STR, "email": STR, "name": STR, "created_at": EPOCH}),
    "UserCreate": obj(
        {
            "email": EMAIL,
            "name": text(100),
            "webhook_secret": optional(
                {"type": "string", "minLength": 16, "maxLength": 200, "description": "kept exactly as sent"}
            ),
        },
        ["email", "name"],
        closed=True,
    ),
    "KeyView": obj(_KEY_FIELDS),
    "KeyCreated": obj(
        {"key": {"type": "string", "description": "the secret, shown once"}, **_KEY_FIELDS}
    ),
    "KeyCreate": obj(
        {
            "user_id": text(200),
            "scope": enum("watch", "admin"),
            "label": optional(text(100)),
            "rate_limit": optional({"type": "integer", "minimum": 1, "maximum": 1_000_000}),
            "expires_at": optional(EXPIRY),
        },
        ["user_id", "scope"],
        closed=True,
    ),
    "KeyRoll": obj(
        {
            "overlap_seconds": optional(
                {"type": "integer", "minimum": 0, "maximum": 2_592_000, "default": 86_400}
            )
        },
        [],
        closed=True,
    ),
    "KeyRolled": obj({"key": STR, **_KEY_FIELDS, "old_key": ref("KeyView")}),
    "Alert": obj(
        {
            "id": STR,
            "user_id": STR,
            "symbol": STR,
            "currency": STR,
            "condition": CONDITION,
            "target": NUM,
            "channel": CHANNEL,
            "destination": STR,
            "repeat": BOOL,
            "cooldown_seconds": INT,
            "status": ALERT_STATUS,
            "created_at": EPOCH,
            "last_triggered_at": nullable(EPOCH),
            "trigger_count": INT,
        }
    ),
    "AlertCreate": alert_input(
        {
            "user_id": text(200),
            **_ALERT_INPUT,
            **_ALERT_ROUTING,
            "cooldown_seconds": optional(
                {"type": "integer", "minimum": 60, "maximum": 2_592_000, "default": 3600}
            ),
        },
        ["user_id", "symbol", "condition", "target"],
        _ALERT_RULES,
    ),
    "Notification": obj(
        {
            "id": STR,
            "alert_id": STR,
            "user_id": STR,
            "channel": CHANNEL,
            "destination": STR,
            "subject": STR,
            "status": enum("pending", "sent", "failed"),
            "attempts": INT,
            "next_attempt_at": EPOCH,
            "last_error": nullable(STR),
            "created_at": EPOCH,
            "sent_at": nullable(EPOCH),
        }
    ),
    "Export": obj(_EXPORT_FIELDS),
    "ExportCreate": obj(
        {
            "format": optional(enum("json", "csv")),
            "symbols": optional({"type": "array", "items": ref("Symbol"), "minItems": 1, "maxItems": 250}),
            "start": optional({**EXPORT_TIME, "description": "epoch seconds, at most `end`"}),
            "end": optional({**EXPORT_TIME, "description": "epoch seconds (default: now)"}),
        },
        [],
        closed=True,
    ),
    "ExportCreated": obj({"message": STR, "url": STR, "file_key": STR, "id": STR, "records": INT}),
    "Stats": obj(
        {
            "day": STR,
            "keys": {
                "type": "array",
                "items": obj(
                    {
                        "key_id": STR,
                        "prefix": nullable(STR),
                        "requests": INT,
                        "rejected": INT,
                        "last_used_at": nullable(EPOCH),
                    }
                ),
            },
            "totals": obj({"requests": INT, "rejected": INT}),
            "last_update": {"type": ["object", "null"]},
            "alerts": obj({"active": INT}),
            "outbox": obj({"pending": INT, "failed": INT}),
        }
    ),
    "WatchAlert": obj({"id": STR, "s": STR, "k": CONDITION, "v": NUM, "st": ALERT_STATUS}),
    "WatchAlerts": obj({"a": {"type": "array", "items": ref("WatchAlert")}}),
    "WatchAlertCreate": alert_input(_ALERT_INPUT, ["symbol", "condition", "target"], [_PCT_RULE]),
    **{
        f"{name}Page": page_of(name)
        for name in ("User", "KeyView", "Alert", "Notification", "Export")
    },
}

_USER_ID, _KEY_ID, _ALERT_ID = path("user_id"), path("key_id"), path("alert_id")
_EXPORT_ID, _NOTIFICATION_ID = path("export_id"), path("notification_id")

ADMIN_PATHS: dict[str, Any] = {
    "/admin/users": {
        "post": op("Create a user", 201, ref("User"), (*BODY_ERRORS, 409), body=ref("UserCreate")),
        "get": op(
            "List users, or find one by email",
            200,
            ref("UserPage"),
            (400,),
            params=[query("email", STR, "case-insensitive exact match: 0 or 1 item"), *PAGING],
        ),
    },
    "/admin/users/{user_id}": {
        "get": op("A user", 200, ref("User"), (404,), params=[_USER_ID]),
        "delete": op(
            "Delete a user: revoke their keys, cancel their active alerts, send them nothing more",
            204,
            None,
            (404,),
            params=[_USER_ID],
        ),
    },
    "/admin/keys": {
        "post": op(
            "Issue a key for a user (the secret is shown once)",
            201,
            ref("KeyCreated"),
            (*BODY_ERRORS, 404),
            body=ref("KeyCreate"),
        ),
        "get": op(
            "List keys with today's usage",
            200,
            ref("KeyViewPage"),
            (400,),
            params=[query("user_id", STR), *PAGING],
        ),
    },
    "/admin/keys/{key_id}": {"get": op("A key", 200, ref("KeyView"), (404,), params=[_KEY_ID])},
    "/admin/keys/{key_id}/revoke": {
        "post": op("Revoke a key now", 200, ref("KeyView"), (404,), params=[_KEY_ID]),
    },
    "/admin/keys/{key_id}/roll": {
        "post": op(
            "Replace a key; the old one works for overlap_seconds more",
            201,
            ref("KeyRolled"),
            (*BODY_ERRORS, 404, 409),
            body=ref("KeyRoll"),
            body_required=False,
            params=[_KEY_ID],
        ),
    },
    "/admin/alerts": {
        "post": op(
            "Create an alert for a user",
            201,
            ref("Alert"),
            (*BODY_ERRORS, 404, 409),
            body=ref("AlertCreate"),
        ),
        "get": op(
            "List alerts",
            200,
            ref("AlertPage"),
            (400,),
            params=[query("status", ALERT_STATUS), query("user_id", STR), *PAGING],
        ),
    },
    "/admin/alerts/{alert_id}": {
        "get": op("An alert", 200, ref("Alert"), (404,), params=[_ALERT_ID]),
        "delete": op("Cancel an alert (idempotent)", 204, None, (404,), params=[_ALERT_ID]),
    },
    "/admin/notifications": {
        "get": op(
            "The notification outbox",
            200,
            ref("NotificationPage"),
            (400,),
            params=[
                query("status", enum("pending", "sent", "failed")),
                query("alert_id", STR),
                *PAGING,
            ],
        ),
    },
    "/admin/notifications/{notification_id}": {
        "get": op("One outbox record", 200, ref("Notification"), (404,), params=[_NOTIFICATION_ID]),
    },
    "/admin/notifications/{notification_id}/retry": {
        "post": op(
            "Send a failed notification again: pending, attempts reset, due now",
            200,
            ref("Notification"),
            (404, 409),
            params=[_NOTIFICATION_ID],
        ),
    },
    "/admin/exports": {
        "post": op(
            "Export price history as JSON or CSV",
            201,
            ref("ExportCreated"),
            BODY_ERRORS,
            body=ref("ExportCreate"),
        ),
        "get": op("List exports, newest first", 200, ref("ExportPage"), (400,), params=PAGING),
    },
    "/admin/exports/{export_id}": {
        "get": op("One export", 200, ref("Export"), (404,), params=[_EXPORT_ID]),
    },
    "/admin/exports/{export_id}/download": {
        "get": {
            **op(
                "Download an export file (embedded mode)",
                200,
                {"type": "string"},
                (404,),
                params=[_EXPORT_ID],
            ),
            "responses": {
                "200": {
                    "description": "The file, as an attachment",
                    "content": {
                        "application/json": {"schema": {"type": "array"}},
                        "text/csv": {"schema": {"type": "string"}},
                    },
                },
                **error_responses(401, 403, 404, 429, 503),
            },
        },
    },
    "/admin/stats": {
        "get": op(
            "Usage on a day (today by default), last update, alert and outbox counts",
            200,
            ref("Stats"),
            (400,),
            params=[
                query(
                    "day",
                    {"type": "string", "format": "date", "pattern": DAY_PATTERN},
                    f"UTC day: today or one of the {DAYS_KEPT - 1} before (usage is kept {DAYS_KEPT} days)",
                )
            ],
        )
    },
    "/v1/alerts": {
        "get": op(
            "The key owner's alerts, compact (any key with an owner)", 200, ref("WatchAlerts"), ()
        ),
        "post": op(
            "Create an email alert to the key owner's own address",
            201,
            ref("WatchAlert"),
            (*BODY_ERRORS, 409),
            body=ref("WatchAlertCreate"),
        ),
    },
    "/v1/alerts/{alert_id}": {
        "delete": op("Cancel one of the owner's alerts", 204, None, (404,), params=[_ALERT_ID]),
    },
}
