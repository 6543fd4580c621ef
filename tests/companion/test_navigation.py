"""Moving around: every section by its number key, by mouse, and the help screen."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable

from companion.screens.alerts import AlertsScreen
from companion.screens.exports import ExportsScreen
from companion.screens.keys import KeysScreen
from companion.screens.prices import PricesScreen
from companion.screens.users import UsersScreen
from tests.companion.conftest import SIZE, Service, settle

pytestmark = pytest.mark.anyio


async def test_every_section_by_number_key(service: Service) -> None:
    app = service.app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, PricesScreen)
        assert app.screen.query_one("#prices", DataTable).row_count == 10
        expected = {"2": (KeysScreen, 4), "3": (UsersScreen, 3), "4": (AlertsScreen, 3), "5": (ExportsScreen, 0)}
        for key, (screen_type, rows) in expected.items():
            await pilot.press(key)
            await settle(pilot)
            assert isinstance(app.screen, screen_type)
            assert app.screen.query_one("#table", DataTable).row_count == rows
            assert "Error" not in app.screen.status.text
        await pilot.press("1")
        assert isinstance(app.screen, PricesScreen)
