"""How numbers, ages and typed ranges read."""

from __future__ import annotations

import msgspec
import pytest

from companion import format
from companion.ranges import parse_range
from companion.screens.alerts import AlertsScreen, condition_text
from companion.screens.exports import ExportsScreen
from companion.screens.keys import KeysScreen
from companion.screens.listing import ListScreen
from companion.screens.users import UsersScreen
from shared.shapes.alerts import Alert

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


def alert(**fields: object) -> Alert:
    """An alert as the companion decodes it from the API."""
    record = {
        "id": "alr_1", "user_id": "usr_1", "symbol": "BTC", "currency": "usd", "condition": "above", "target": 1,
        "channel": "email", "destination": "ada@example.com", "repeat": False, "cooldown_seconds": 3600,
        "status": "active", "created_at": NOW, "last_triggered_at": None, "trigger_count": 0, **fields,
    }
    return msgspec.convert(record, Alert)


def test_an_alert_condition_reads_as_typed() -> None:
    assert condition_text(alert(condition="above", target=100_000)) == "≥ 100,000 USD"
    assert condition_text(alert(condition="pct_move", target=5.5)) == "moves ±5.5% in 24h"


LIST_SCREENS = (UsersScreen, KeysScreen, AlertsScreen, ExportsScreen)


@pytest.mark.parametrize("screen", LIST_SCREENS, ids=lambda s: s.__name__)
def test_every_field_of_a_listed_record_has_a_column_written_for_it(screen: type[ListScreen]) -> None:
    assert screen.more_fields() == ()
    assert screen.columns() == screen.COLUMNS


def test_a_field_added_to_the_model_shows_in_the_listing_with_no_companion_edit() -> None:
    """The server adds `archived_at` to its Alert model; the companion decodes the same model,
    and the Alerts screen gives the new field a column and a cell."""

    class Grown(Alert, kw_only=True):
        archived_at: int | None

    class GrownAlerts(AlertsScreen):
        MODEL = Grown

    record = msgspec.json.decode(msgspec.json.encode({**msgspec.structs.asdict(alert()), "archived_at": NOW}),
                                 type=Grown)
    assert GrownAlerts.columns() == (*AlertsScreen.COLUMNS, "Archived at")
    assert GrownAlerts.more_fields() == ("archived_at",)
    assert format.plain(record.archived_at) == str(NOW)
