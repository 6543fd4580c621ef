"""Mapping between the models (`shared.models`) and SQLite rows.

Columns are named after the model fields, so one small codec per table builds the SQL and
turns rows back into models: enums come back as enums, flags as bools, tuples as tuples.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any, Generic, TypeVar

import msgspec

from shared.models import (
    Alert,
    AlertStatus,
    ApiKey,
    AssetKind,
    Channel,
    Condition,
    ExportRecord,
    Holding,
    Notification,
    NotificationStatus,
    PricePoint,
    Scope,
    StreamState,
    StreamStatus,
    UpdateError,
    UpdateStatus,
    User,
)

M = TypeVar("M")


class Codec(Generic[M]):
    """SQL text and row conversion for one table holding one model.

    `load` converts stored values back (by field), `dump` converts before storing, and
    `derived` adds columns computed from the model that it has no field for."""

    def __init__(
        self,
        table: str,
        model: type[M],
        *,
        load: Mapping[str, Callable[[Any], Any]] | None = None,
        dump: Mapping[str, Callable[[Any], Any]] | None = None,
        derived: Mapping[str, Callable[[M], Any]] | None = None,
    ) -> None:
        self.table = table
        self.model = model
        self.fields = tuple(f.name for f in msgspec.structs.fields(model))  # type: ignore[arg-type]
        self._load = dict(load or {})
        self._dump = dict(dump or {})
        self._derived = dict(derived or {})
        columns = self.columns = ", ".join(f'"{name}"' for name in self.fields)
        stored = ", ".join(f'"{name}"' for name in (*self.fields, *self._derived))
        marks = ", ".join("?" * (len(self.fields) + len(self._derived)))
        self.select = f"SELECT {columns} FROM {table}"
        self.returning = f" RETURNING {columns}"
        self.insert = f"INSERT INTO {table} ({stored}) VALUES ({marks})"
        self.replace = f"INSERT OR REPLACE INTO {table} ({stored}) VALUES ({marks})"

    def row(self, item: M) -> tuple[Any, ...]:
        values = []
        for name in self.fields:
            value = getattr(item, name)
            dump = self._dump.get(name)
            values.append(dump(value) if dump is not None and value is not None else value)
        return (*values, *(derive(item) for derive in self._derived.values()))

    def item(self, row: Sequence[Any]) -> M:
        values = {}
        for name, value in zip(self.fields, row, strict=True):
            load = self._load.get(name)
            values[name] = load(value) if load is not None and value is not None else value
        return self.model(**values)


def _symbols_json(symbols: tuple[str, ...]) -> str:
    return json.dumps(list(symbols))


def _symbols_tuple(text: str) -> tuple[str, ...]:
    return tuple(json.loads(text))


LATEST = Codec("latest_prices", PricePoint, load={"closed": bool})
HISTORY = Codec("price_history", PricePoint, load={"closed": bool})
STATUS = Codec(
    "update_status", UpdateStatus, load={"ok": bool, "error_code": UpdateError}, derived={"slot": lambda _: 1}
)
STREAM = Codec("stream_status", StreamStatus, load={"state": StreamState}, derived={"slot": lambda _: 1})
USERS = Codec(
    "users",
    User,
    load={"verified": bool, "disabled": bool},
    derived={"email_key": lambda user: user.email.lower()},
)
KEYS = Codec("api_keys", ApiKey, load={"scope": Scope})
ALERTS = Codec(
    "alerts",
    Alert,
    load={
        "condition": Condition,
        "channel": Channel,
        "status": AlertStatus,
        "repeat": bool,
    },
)
NOTIFICATIONS = Codec(
    "notifications",
    Notification,
    load={"channel": Channel, "status": NotificationStatus},
)
EXPORTS = Codec(
    "exports",
    ExportRecord,
    load={"symbols": _symbols_tuple},
    dump={"symbols": _symbols_json},
)
HOLDINGS = Codec(
    "holdings",
    Holding,
    load={"kind": AssetKind, "quantity": Decimal, "cost_basis": Decimal},
    dump={"quantity": str, "cost_basis": str},
)
