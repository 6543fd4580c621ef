"""Models (`shared.models`) to and from DynamoDB attribute maps, and the single-table key layout.

Every item carries its entity's fields under their own names next to the table's key
attributes (`pk`, `sk`, `gsi1pk`, `gsi1sk`, `ttl`). Numbers travel as Decimal: floats go
through `str()` so a price reads back as exactly the float that was written.

AttributeValues are built here rather than with boto3's TypeSerializer: importing anything
from boto3 imports all of it (s3transfer, multiprocessing), which a Lambda cold start pays
for (docs/benchmarks.md, cold start); the store talks to botocore only.
"""

from __future__ import annotations

import enum
import functools
import math
import typing
from collections.abc import Callable, Mapping
from decimal import Clamped, Context, Decimal, Inexact, Overflow, Rounded, Underflow
from typing import Any, TypeVar

import msgspec

from shared.errors import InvalidInput

T = TypeVar("T")
Item = dict[str, Any]

#: DynamoDB's numbers: 38 significant digits, exponents within its range; anything it would
#: round or clamp raises instead of being stored as something else.
_NUMBERS = Context(Emin=-128, Emax=126, prec=38, traps=[Clamped, Overflow, Inexact, Rounded, Underflow])

#: Attributes that belong to the table layout, never to an entity.
KEY_ATTRIBUTES = ("pk", "sk", "gsi1pk", "gsi1sk", "ttl")

_SMALLEST, _LARGEST = 1e-130, 9.9e125  # DynamoDB's number range
_EPOCH_WIDTH = 12  # zero-padded epoch seconds sort as text until the year 33658


def epoch_key(seconds: int) -> str:
    """Epoch seconds as a fixed-width sort key, so text order is time order."""
    return str(max(0, seconds)).zfill(_EPOCH_WIDTH)


def to_attr(value: Any) -> dict[str, Any]:
    """One Python value as a DynamoDB AttributeValue (floats via their shortest repr)."""
    return _attr(_plain(value))


def from_attr(value: Mapping[str, Any]) -> Any:
    """An AttributeValue as Python, numbers as Decimal: the kinds `to_attr` writes."""
    (kind, raw), *_ = value.items()
    if kind in ("S", "BOOL"):
        return raw
    if kind == "N":
        return _NUMBERS.create_decimal(raw)
    if kind == "NULL":
        return None
    if kind == "L":
        return [from_attr(v) for v in raw]
    if kind == "M":
        return {k: from_attr(v) for k, v in raw.items()}
    raise TypeError(f"unknown DynamoDB attribute type {kind!r}")


def _attr(value: Any) -> dict[str, Any]:
    if value is None:
        return {"NULL": True}
    if isinstance(value, bool):
        return {"BOOL": value}
    if isinstance(value, int | Decimal):
        return {"N": str(_NUMBERS.create_decimal(value))}
    if isinstance(value, str):
        return {"S": value}
    if isinstance(value, list):
        return {"L": [_attr(v) for v in value]}
    if isinstance(value, Mapping):
        return {"M": {k: _attr(v) for k, v in value.items()}}
    raise TypeError(f"{type(value).__name__} cannot be stored in DynamoDB")


def _plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, float):
        if not math.isfinite(value) or abs(value) > _LARGEST:
            raise InvalidInput(f"{value!r} cannot be stored: numbers must be finite and < 1e125")
        if abs(value) < _SMALLEST:  # below what DynamoDB can hold: as good as zero for prices
            return Decimal(0)
        return Decimal(str(value))
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    return value


def encode(obj: Any, **layout: Any) -> Item:
    """An entity as an item: its non-None fields plus the layout attributes given."""
    attrs = {name: getattr(obj, name) for name in obj.__struct_fields__}
    attrs.update(layout)
    return {name: to_attr(value) for name, value in attrs.items() if value is not None}


def decode(cls: type[T], item: Mapping[str, Any]) -> T:
    """An entity from an item. A missing attribute is a None that was not stored: it takes the
    field's default, or None for an optional field without one."""
    kwargs = {}
    for name, (convert, required) in _converters(cls).items():
        if name in item:
            raw = from_attr(item[name])
            kwargs[name] = None if raw is None else convert(raw)
        elif required:
            kwargs[name] = None
    return cls(**kwargs)


@functools.cache
def _converters(cls: type) -> dict[str, tuple[Callable[[Any], Any], bool]]:
    """Per field: how a deserialized value (Decimal, str, bool, list) becomes the field's type,
    and whether the field has no default."""
    hints = typing.get_type_hints(cls)
    return {f.name: (_converter(hints[f.name]), f.required) for f in msgspec.structs.fields(cls)}


def _converter(hint: Any) -> Callable[[Any], Any]:
    args = [a for a in typing.get_args(hint) if a is not type(None)]
    if typing.get_origin(hint) is tuple:
        return tuple
    if args:  # `X | None`
        return _converter(args[0])
    if hint is float:
        return float
    if hint is int:
        return int
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return hint
    return lambda value: value  # str, bool
