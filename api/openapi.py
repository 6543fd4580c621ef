"""The OpenAPI 3.1 document served at /openapi.json, assembled by walking the app's routes.

Every route is declared with `api.operations` (its models, parameters, auth and statuses); the
schemas come from the models through `msgspec.json.schema_components`. The only schemas built
here are the ones this deployment's settings decide (the supported symbols and currencies)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

import msgspec
from starlette.routing import BaseRoute

from api.middleware.query_limit import MAX_QUERY_BYTES
from api.operations import Operation, Param, declared_operations
from api.requests import FORM
from shared.alerts import PORTFOLIO
from shared.config import Settings
from shared.limits import SYMBOL_PATTERN
from shared.shapes.base import Error

Schema = dict[str, Any]
REF = "#/components/schemas/{name}"
KEY_AUTH = [{"ApiKeyHeader": []}, {"BearerKey": []}]
_PATH_PARAM = re.compile(r"{([A-Za-z_][A-Za-z0-9_]*)(?::[a-z]+)?}")

ERROR_TEXT = {
    400: "Invalid input",
    401: "Missing, unknown, expired or revoked key, or two different keys (error: missing_key, unknown_key, "
    "expired_key, revoked_key, ambiguous_key)",
    403: "The key's scope does not allow this route",
    404: "Not found",
    409: "Conflict with an existing resource",
    413: "Request body too large",
    414: f"Query string longer than {MAX_QUERY_BYTES} bytes (error: query_too_long)",
    415: "Request body is not JSON",
    429: "Rate limit reached; see Retry-After",
    503: "The store is unavailable; see Retry-After",
}
_RATE_HEADERS = {
    name: {"schema": {"type": "string"}}
    for name in ("RateLimit-Policy", "RateLimit", "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset")
}
_SUCCESS = {200: "OK", 201: "Created", 204: "No content", 303: "See other"}


def any_case(words: Iterable[str]) -> str:
    """A pattern matching exactly these words in any letter case (JSON Schema patterns have no
    flags, and the API takes `btc` as well as `BTC`)."""
    spelled = ("".join(f"[{c.upper()}{c.lower()}]" if c.isalpha() else c for c in word) for word in words)
    return f"^(?:{'|'.join(spelled)})$"


def configured_schemas(settings: Settings) -> dict[str, Schema]:
    """The schemas that depend on this deployment's configuration, so that what the document
    allows is exactly what the server accepts (fields refer to them with `configured()`)."""
    return {
        "Symbol": {
            "type": "string",
            "pattern": any_case(settings.supported_symbols),
            "description": f"a supported symbol, any case: {', '.join(settings.supported_symbols)}",
        },
        "AlertSymbol": {
            "type": "string",
            "pattern": any_case((*settings.supported_symbols, PORTFOLIO)),
            "description": f"a supported symbol, any case, or {PORTFOLIO} for the owner's portfolio total",
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


class _Schemas:
    """Every type the operations name, turned into schemas in one msgspec call."""

    def __init__(self, operations: list[tuple[str, Operation]]) -> None:
        kinds: list[Any] = [Error]
        for _, op in operations:
            kinds += [op.response, op.body, *(p.kind for p in op.params), *(op.content or {}).values()]
        self.kinds = list(dict.fromkeys(k for k in kinds if k is not None))
        schemas, self.components = msgspec.json.schema_components(self.kinds, ref_template=REF)
        self.by_kind = dict(zip(self.kinds, schemas, strict=True))
        for name, component in self.components.items():
            rules = getattr(next((k for k in self.kinds if getattr(k, "__name__", None) == name), None),
                            "schema_rules", None)
            if rules:
                component["allOf"] = list(rules)

    def of(self, kind: Any) -> Schema:
        return self.by_kind[kind]


def _responses(op: Operation, schemas: _Schemas) -> Schema:
    success: Schema = {"description": _SUCCESS.get(op.status, "OK")}
    if op.content is not None:
        success["content"] = {media: {"schema": schemas.of(kind)} for media, kind in op.content.items()}
    elif op.response is not None:
        success["content"] = {"application/json": {"schema": schemas.of(op.response)}}
    headers: Schema = {} if op.public else dict(_RATE_HEADERS)
    if op.cached:
        headers["ETag"] = {"schema": {"type": "string"}}
    if headers and op.status != 204:
        success["headers"] = headers
    responses: Schema = {str(op.status): success}
    for status in op.also:
        responses[str(status)] = {**success, "description": f"The same body, with status {status}"}
    if op.cached:
        responses["304"] = {"description": "Not modified: the If-None-Match ETag is current"}
    errors = {414, *op.errors}
    if not op.public:
        errors |= {401, 403, 429, 503}
    if op.body is not None:
        errors |= {400, 413, 415}
    if any(p.where == "query" for p in op.params):
        errors.add(400)
    # A web page shows its refusals as a page; everything else answers the Error model.
    page = op.content is not None and "text/html" in op.content
    error_body = {"text/html": {"schema": {"type": "string"}}} if page else {
        "application/json": {"schema": {"$ref": REF.format(name="Error")}}
    }
    for status in sorted(errors - set(op.also)):
        responses[str(status)] = {"description": ERROR_TEXT[status], "content": error_body}
    return responses


def _parameter(param: Param, schemas: _Schemas) -> Schema:
    schema = dict(schemas.of(param.kind))
    if param.default is not None:
        schema["default"] = param.default
    return {
        "name": param.name,
        "in": param.where,
        "required": param.where == "path",
        "description": param.description,
        "schema": schema,
        **param.style,
    }


def _operation(template: str, op: Operation, schemas: _Schemas) -> Schema:
    declared = {p.name for p in op.params}
    params = [Param(name, where="path") for name in _PATH_PARAM.findall(template) if name not in declared]
    params += list(op.params)
    if op.cached:
        params.append(Param("If-None-Match", where="header"))
    doc: Schema = {
        "summary": op.summary,
        "security": [] if op.public else KEY_AUTH,
        "responses": _responses(op, schemas),
    }
    if params:
        doc["parameters"] = [_parameter(p, schemas) for p in params]
    if op.body is not None:
        media = ["application/json", *([FORM] if op.form else [])]
        doc["requestBody"] = {
            "required": not op.body_optional,
            "content": {name: {"schema": schemas.of(op.body)} for name in media},
        }
    return doc


def _refer_configured(node: Any) -> Any:
    """A field declared `configured("Symbol")` points at this deployment's Symbol schema."""
    if isinstance(node, dict):
        if "x-configured" in node:
            return {"$ref": REF.format(name=node["x-configured"])}
        return {key: _refer_configured(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_refer_configured(item) for item in node]
    return node


def build_document(version: str, settings: Settings, routes: Sequence[BaseRoute]) -> Schema:
    operations = list(declared_operations(routes))
    schemas = _Schemas(operations)
    paths: Schema = {}
    for template, op in operations:
        paths.setdefault(_PATH_PARAM.sub(r"{\1}", template), {})[op.method.lower()] = _operation(template, op, schemas)
    document = {
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
            "schemas": {**schemas.components, **configured_schemas(settings)},
        },
    }
    return dict(_refer_configured(document))
