"""Turning exceptions into the one error shape: the app's handlers, also installed inside each
keyed area (api/routes/areas.py) so that an error answer passes through that area's rate-limit
middleware and carries its headers like any other answer."""

from __future__ import annotations

import logging

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from api.responses import error_response, response_for
from shared.errors import CryptowatchError

log = logging.getLogger("cryptowatch.api")

_HTTP_CODES = {400: "invalid_request", 404: "not_found", 405: "method_not_allowed"}


async def on_cryptowatch_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, CryptowatchError)
    return response_for(exc)


async def on_http_error(request: Request, exc: Exception) -> Response:
    """Starlette's own errors (an unknown path, a method the path lacks: its `Allow` header is
    the router's)."""
    assert isinstance(exc, HTTPException)
    code = _HTTP_CODES.get(exc.status_code, "http_error")
    return error_response(exc.status_code, code, str(exc.detail), exc.headers)


async def on_unexpected_error(request: Request, exc: Exception) -> Response:
    log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_response(500, "internal", "something went wrong on our side; it has been logged")


#: For ExceptionMiddleware (an area's) and the app; the app adds `Exception: on_unexpected_error`.
HANDLERS = {CryptowatchError: on_cryptowatch_error, HTTPException: on_http_error}
