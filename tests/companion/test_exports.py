"""Exports: make one, see it listed, save the file through the API, show its URL."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Input

from companion.screens.confirm import ConfirmModal
from companion.screens.export_form import ExportForm
from companion.screens.export_link import ExportLink
from companion.screens.save_export import SaveExport
from companion.widgets.field import Field
from tests.companion.conftest import PRICES, SIZE, Service, settle, type_into

pytestmark = pytest.mark.anyio


async def test_create_save_and_link(service: Service, tmp_path: Path) -> None:
    app = service.app(start="exports")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "No exports yet" in app.screen.status.text
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, ExportForm)
        await type_into(pilot, "#field-symbols Input", "btc, eth")
        await type_into(pilot, "#field-range Input", "yesterday")
        await pilot.press("enter")
        await settle(pilot)
        assert "is not a range" in app.screen.query_one("#field-range", Field).error

        await type_into(pilot, "#field-range Input", "24h")
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, ExportForm)
        assert "Export successful" in app.screen.status.text
        table = app.screen.query_one("#table", DataTable)
        assert table.row_count == 1
        created, fmt, symbols = (str(cell) for cell in table.get_row_at(0)[:3])
        assert (created, fmt, symbols) == ("just now", "JSON", "BTC, ETH")

        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, SaveExport)
        target = tmp_path / "saved" / "prices.json"
        app.screen.query_one(Input).value = str(target)
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, SaveExport)
        assert f"to {target}" in app.screen.status.text
        records = json.loads(target.read_text())
        assert {r["symbol"] for r in records} == {"BTC", "ETH"}
        assert {r["price"] for r in records if r["symbol"] == "ETH"} == {PRICES["ETH"][0]}

        await pilot.press("u")
        await settle(pilot)
        link = app.screen
        assert isinstance(link, ExportLink)
        url = str(link.query_one("#url").render())
        assert url.startswith(f"{service.url}/admin/exports/")
        assert url.endswith("/download")
        assert not link.presigned
        await pilot.press("c")
        assert app.clipboard == url
        await pilot.press("escape")
        assert not isinstance(app.screen, ExportLink)


async def save_new_export_as(pilot: Pilot[Any], path: Path) -> SaveExport:
    """Make an export with the form's defaults, open the dialog that saves it, and save it to
    `path`; the dialog, for what it shows afterwards."""
    await settle(pilot)
    await pilot.press("n", "enter")
    await settle(pilot)
    await pilot.press("s")
    await settle(pilot)
    dialog = pilot.app.screen
    assert isinstance(dialog, SaveExport)
    dialog.query_one(Input).value = str(path)
    await pilot.press("enter")
    await settle(pilot)
    return dialog


async def test_saving_where_no_file_can_be_written_says_so(service: Service, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    app = service.app(start="exports")
    async with app.run_test(size=SIZE) as pilot:
        form = await save_new_export_as(pilot, blocker / "export.json")
        assert app.screen is form
        assert "Cannot write" in form.query_one("#field-path", Field).error


async def test_saving_over_an_existing_file_asks_first(service: Service, tmp_path: Path) -> None:
    target = tmp_path / "prices.json"
    target.write_text("keep me")
    app = service.app(start="exports")
    async with app.run_test(size=SIZE) as pilot:
        form = await save_new_export_as(pilot, target)
        assert isinstance(app.screen, ConfirmModal)
        assert f"Replace {target}?" in str(app.screen.query_one(".heading").render())
        await pilot.press("n")
        await settle(pilot)
        assert app.screen is form
        assert "already exists" in form.query_one("#field-path", Field).error
        assert target.read_text() == "keep me"

        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert not isinstance(app.screen, SaveExport)
        assert {r["symbol"] for r in json.loads(target.read_text())} == set(PRICES)
