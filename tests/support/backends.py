"""Every store backend the tests run against, and the `store` fixture parametrized over them.

Adding a backend is one entry in BACKENDS plus a factory: a context manager that takes the
pytest request (for tmp_path or a session fixture such as a running DynamoDB Local), yields an
initialised store that holds nothing, and cleans up afterwards. Marks (for example
`pytest.mark.dynamodb`) let a run select a backend. The contract suite and the watch API
integration tests both use the fixture, so each runs unchanged against every backend.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path

import pytest

from shared.store.base import Store
from shared.store.sqlite import SQLiteStore
from tests.support.dynamodb_local import contract_store


@dataclass(frozen=True)
class Backend:
    factory: Callable[[pytest.FixtureRequest], AbstractContextManager[Store]]
    marks: tuple[pytest.MarkDecorator, ...] = ()


@contextlib.contextmanager
def make_sqlite_store(request: pytest.FixtureRequest) -> Iterator[Store]:
    tmp_path: Path = request.getfixturevalue("tmp_path")
    store = SQLiteStore(tmp_path / "data" / "contract.db")
    store.init()
    try:
        yield store
    finally:
        store.close()


BACKENDS: dict[str, Backend] = {
    "sqlite": Backend(make_sqlite_store),
    "dynamodb": Backend(contract_store, (pytest.mark.dynamodb,)),
}


@pytest.fixture(params=[pytest.param(name, marks=backend.marks) for name, backend in BACKENDS.items()])
def store(request: pytest.FixtureRequest) -> Iterator[Store]:
    """A fresh, empty, initialised store, once per backend."""
    with BACKENDS[request.param].factory(request) as fresh:
        yield fresh
