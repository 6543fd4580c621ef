"""The two functions started as Lambda starts them: a cold import of the handler module with
the environment already set (the template's variables), then invocations with AWS-shaped
events. Each block forgets the module afterwards, so the next test starts cold again."""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import orjson

from api.services import Services
from tests.aws.events import LambdaContext, http_api_event, scheduled_event

Handler = Callable[[dict[str, Any], Any], dict[str, Any]]


@contextlib.contextmanager
def _cold(module_name: str) -> Iterator[ModuleType]:
    sys.modules.pop(module_name, None)
    try:
        yield importlib.import_module(module_name)
    finally:
        sys.modules.pop(module_name, None)


@dataclass
class ApiFunction:
    handler: Handler

    @property
    def services(self) -> Services:
        services: Services = self.handler.app.state.services  # type: ignore[attr-defined]
        return services

    def request(
        self,
        method: str,
        path: str,
        query: str = "",
        key: str | None = None,
        headers: dict[str, str] | None = None,
        body: Any = None,
    ) -> dict[str, Any]:
        """One invocation through API Gateway (HTTP API, payload 2.0); the proxy response."""
        sent = dict(headers or {})
        if key is not None:
            sent["X-API-Key"] = key
        if body is not None:
            sent["content-type"] = "application/json"
        payload = None if body is None else orjson.dumps(body).decode()
        return self.handler(http_api_event(method, path, query, sent, payload), LambdaContext())


@contextlib.contextmanager
def api_function() -> Iterator[ApiFunction]:
    loop = asyncio.new_event_loop()  # mangum runs the app on the thread's current event loop
    asyncio.set_event_loop(loop)
    try:
        with _cold("api.lambda_handler") as module:
            function = ApiFunction(module.handler)
            try:
                yield function
            finally:
                function.services.store.close()
    finally:
        asyncio.set_event_loop(None)
        loop.close()


@contextlib.contextmanager
def updater_function() -> Iterator[Callable[[], dict[str, Any]]]:
    """Yields `tick()`: one scheduled invocation, returning the handler's result. The module
    builds nothing at import (its settings and store are made on the first invocation), so a
    cold start is an empty `runtime` cache."""
    from updater import lambda_handler

    lambda_handler.runtime.cache_clear()
    context = LambdaContext("cryptowatch-dev-UpdaterFunction")
    try:
        yield lambda: lambda_handler.handler(scheduled_event(), context)
    finally:
        if lambda_handler.runtime.cache_info().currsize:
            lambda_handler.runtime()[1].close()
        lambda_handler.runtime.cache_clear()
