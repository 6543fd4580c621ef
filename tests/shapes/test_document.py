"""/openapi.json is generated from the route declarations and the models: every route and
method is in it, and every model's schema has exactly the model's fields, so adding a field to a
model is the only edit a new field needs."""

from __future__ import annotations

import asyncio
import importlib
import pkgutil
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import httpx
import msgspec
import pytest
from openapi_spec_validator import validate
from starlette.routing import BaseRoute, Mount, Route

import shared.shapes
from api.app import create_app
from shared.limits import MAX_LABEL, PRINTABLE_NOT_BLANK
from shared.shapes.base import Request, Response
from tests.conftest import settings_for


def every_model() -> Iterator[type[msgspec.Struct]]:
    """Every Struct the shapes package declares (page models included)."""
    for module in pkgutil.iter_modules(shared.shapes.__path__):
        loaded = importlib.import_module(f"shared.shapes.{module.name}")
        for value in vars(loaded).values():
            if isinstance(value, type) and issubclass(value, msgspec.Struct) and value not in (Request, Response):
                yield value


def route_methods(routes: Sequence[BaseRoute], prefix: str = "") -> Iterator[tuple[str, str]]:
    """(path, method) for every route the router serves, mounts included."""
    for route in routes:
        if isinstance(route, Mount):
            yield from route_methods(route.routes, prefix + route.path)
        elif isinstance(route, Route):
            for method in route.methods or ():
                if method != "HEAD":
                    yield prefix + route.path, method.lower()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, dict[str, Any]]:
    app = create_app(settings_for(Path(tmp_path_factory.mktemp("doc"))))

    async def fetch() -> dict[str, Any]:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
            response = await client.get("/openapi.json")
            assert response.status_code == 200
            return dict(response.json())

    return app, asyncio.run(fetch())


def test_the_document_is_valid_openapi(served: tuple[Any, dict[str, Any]]) -> None:
    validate(served[1])


def test_every_route_and_method_is_documented(served: tuple[Any, dict[str, Any]]) -> None:
    app, document = served
    served_operations = set(route_methods(app.routes))
    assert len(served_operations) > 20
    documented = {(path, method) for path, ops in document["paths"].items() for method in ops}
    assert served_operations == documented
    for path, method in served_operations:
        operation = document["paths"][path][method]
        assert operation["responses"] and "security" in operation, (path, method)
        if operation["security"]:
            assert {"401", "403", "429"} <= set(operation["responses"]), (path, method)


@pytest.mark.parametrize("model", ["KeyCreate", "MyKeyCreate", "PairingApprove"])
def test_every_key_label_is_documented_printable(served: tuple[Any, dict[str, Any]], model: str) -> None:
    label = served[1]["components"]["schemas"][model]["properties"]["label"]
    declared = next(option for option in label.get("anyOf", [label]) if option.get("type") == "string")

    assert (declared["pattern"], declared["maxLength"]) == (PRINTABLE_NOT_BLANK, MAX_LABEL)


@pytest.mark.parametrize("model", list(every_model()), ids=lambda m: m.__name__)
def test_schema_properties_are_the_model_fields(
    served: tuple[Any, dict[str, Any]], model: type[msgspec.Struct]
) -> None:
    schemas = served[1]["components"]["schemas"]
    assert model.__name__ in schemas, f"{model.__name__} is used by no documented operation"
    schema = schemas[model.__name__]
    info = msgspec.inspect.type_info(model)
    assert isinstance(info, msgspec.inspect.StructType)
    assert list(schema["properties"]) == [f.encode_name for f in info.fields]
    assert sorted(schema.get("required", [])) == sorted(f.encode_name for f in info.fields if f.required)
    assert schema.get("additionalProperties") is (False if issubclass(model, Request) else None)
