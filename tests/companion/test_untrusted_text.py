"""Server strings are shown as plain text: a key label or user name that looks like Rich markup
(`[/oops]`, `[b]`) reads as typed and never breaks a screen for every operator."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable

from shared.keyring import issue_key
from shared.models import Scope, User
from tests.companion.conftest import SIZE, Service, settle

pytestmark = pytest.mark.anyio


def column(table: DataTable, index: int) -> list[str]:
    return [str(table.get_row_at(row)[index]) for row in range(table.row_count)]


async def test_a_markup_label_reads_as_typed_on_the_keys_screen(service: Service) -> None:
    issue_key(service.store, Scope.WATCH, service.at, user_id=service.users["ada"].id, label="[/oops]")
    issue_key(service.store, Scope.WATCH, service.at, user_id=service.users["ada"].id, label="[b]bold[/b]")
    app = service.app(start="keys")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        labels = column(app.screen.query_one("#table", DataTable), 1)
        assert "[/oops]" in labels and "[b]bold[/b]" in labels
        await pilot.press("down", "down", "r")
        await settle(pilot)
        assert app.is_running


async def test_a_markup_name_reads_as_typed_on_the_users_screen(service: Service) -> None:
    service.store.create_user(User("usr_9x", "x@example.com", "[/x]", service.at))
    app = service.app(start="users")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "[/x]" in column(app.screen.query_one("#table", DataTable), 1)
        assert app.is_running
