"""How numbers, ages and typed ranges read."""

from __future__ import annotations

import pytest

from companion import format
from companion.ranges import parse_range
from companion.screens.alerts import condition_text

NOW = 1_732_252_800  # 2024-11-22 05:20:00 UTC


@pytest.mark.parametrize(
    ("value", "text"),
    [(97123.4567, "97,123.46"), (245.1234, "245.1234"), (1.0, "1.00"), (0.000123456789, "0.000123457"), (None, "—")],
)
def test_price(value: float | None, text: str) -> None:
    assert format.price(value) == text


def test_change_is_coloured_by_direction() -> None:
    assert (str(format.change(1.234)), format.change(1.234).style) == ("▲+1.23%", "green")
    assert (str(format.change(-0.5)), format.change(-0.5).style) == ("▼-0.50%", "red")
    assert str(format.change(None)) == "—"


@pytest.mark.parametrize(
    ("epoch", "text"),
    [(NOW - 30, "just now"), (NOW - 120, "2 min ago"), (NOW - 7200, "2 h ago"), (NOW - 3 * 86_400, "3 d ago"),
     (NOW + 300, "in 5 min"), (None, "—")],
)
def test_ago(epoch: int | None, text: str) -> None:
    assert format.ago(epoch, NOW) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", (None, None)),
        ("24h", (NOW - 86_400, NOW)),
        ("7d", (NOW - 7 * 86_400, NOW)),
        ("90 min", (NOW - 5400, NOW)),
        ("2024-11-01..2024-11-20", (1_730_419_200, 1_732_147_199)),
        ("2024-11-01..", (1_730_419_200, None)),
    ],
)
def test_ranges(text: str, expected: tuple[int | None, int | None]) -> None:
    assert parse_range(text, NOW) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [("yesterday", "is not a range"), ("2024-11-20..2024-11-01", "after the end"), ("2024-13-01..", "not a date"),
     ("0h", "longer than zero")],
)
def test_bad_ranges(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_range(text, NOW)


def test_an_alert_condition_reads_as_typed_and_odd_records_do_not_crash() -> None:
    assert condition_text({"condition": "above", "target": 100_000, "currency": "usd"}) == "≥ 100,000 USD"
    assert condition_text({"condition": "pct_move", "target": 5.5}) == "moves ±5.5% in 24h"
    assert condition_text({"condition": "cross", "target": "lots"}) == "cross lots"
