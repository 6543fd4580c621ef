"""The store's own AttributeValue codec writes and reads exactly what boto3's TypeSerializer and
TypeDeserializer do, for every kind of value the store keeps (it replaced them to keep boto3 out
of a Lambda cold start)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from hypothesis import given
from hypothesis import strategies as st

from shared.models import Scope
from shared.store.dynamodb_codec import from_attr, to_attr

numbers = st.integers(-(10**37), 10**37) | st.decimals(allow_nan=False, allow_infinity=False, places=6).filter(
    lambda d: abs(d) < Decimal("1e30")
)
scalars = st.none() | st.booleans() | numbers | st.text()
values = st.recursive(
    scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
)


@given(values)
def test_writes_and_reads_what_boto3_does(value: Any) -> None:
    attr = to_attr(value)
    assert attr == TypeSerializer().serialize(value)
    assert from_attr(attr) == TypeDeserializer().deserialize(attr)


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e100, max_value=1e100))
def test_a_float_reads_back_as_the_same_float(value: float) -> None:
    expected = value if abs(value) >= 1e-130 else 0.0  # below DynamoDB's range: stored as zero
    assert float(from_attr(to_attr(value))) == expected


def test_enums_and_tuples_are_stored_as_their_plain_values() -> None:
    assert to_attr((Scope.WATCH, 2)) == {"L": [{"S": "watch"}, {"N": "2"}]}


@pytest.mark.parametrize("value", [10**40, Decimal("1.0000000000000000000000000000000000000001")])
def test_a_number_dynamodb_would_round_is_refused(value: Any) -> None:
    with pytest.raises(ArithmeticError):
        to_attr(value)


def test_a_value_dynamodb_cannot_hold_is_refused() -> None:
    with pytest.raises(TypeError, match="set"):
        to_attr({"a"})
