"""At 80x24, the smallest usual terminal, everything can be used without resizing: each
screen's footer still shows `? Help`, every form's fields and buttons can be reached, and a new
key's whole QR code is on screen with its Copy and Done buttons. The pictures are in
test_snapshots.py; these tests check what can be reached."""

from __future__ import annotations

from typing import Any

import pytest
from textual.errors import NoWidget
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Button, Input, Select
from textual.widgets._footer import FooterKey

from companion.screens.alert_form import AlertForm
from companion.screens.export_link import ExportLink
from companion.screens.form import FormModal
from tests.companion.conftest import Service, settle, type_into
from tests.companion.test_keys import reveal_new_key

pytestmark = pytest.mark.anyio

SMALL = (80, 24)


def shown_whole(screen: Screen[Any], widget: Widget) -> bool:
    """Whether every corner of `widget` is on screen and not covered or scrolled away."""
    region = widget.region
    if not region.area:
        return False
    for x, y in ((region.x, region.y), (region.right - 1, region.y),
                 (region.x, region.bottom - 1), (region.right - 1, region.bottom - 1)):
        try:
            hit, _ = screen.get_widget_at(x, y)
        except NoWidget:
            return False
        if hit is not widget and widget not in hit.ancestors:
            return False
    return True


@pytest.mark.parametrize("section", ["prices", "keys", "users", "alerts", "exports"])
async def test_the_footer_keeps_help_in_view(service: Service, section: str) -> None:
    app = service.app(start=section)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        (help_key,) = [key for key in app.screen.query(FooterKey) if key.description == "Help"]
        assert shown_whole(app.screen, help_key)


async def every_field_and_button_reachable(pilot: Pilot[Any]) -> None:
    form = pilot.app.screen
    assert isinstance(form, FormModal)
    for button in form.query(Button):
        assert shown_whole(form, button), button.id
    for control in form.query("Field Input, Field Select"):
        assert isinstance(control, Input | Select)
        control.focus()
        await pilot.pause()
        assert shown_whole(form, control), control.parent
        assert all(shown_whole(form, button) for button in form.query(Button))


@pytest.mark.parametrize("section", ["keys", "users", "alerts", "exports"])
async def test_every_form_can_be_filled_and_sent(service: Service, section: str) -> None:
    app = service.app(start=section)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        await every_field_and_button_reachable(pilot)


async def test_the_alert_form_with_an_error_still_shows_its_buttons(service: Service) -> None:
    app = service.app(start="alerts")
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, AlertForm)
        await type_into(pilot, "#field-email Input", "ada@example.com")
        await type_into(pilot, "#field-symbol Input", "BTC")
        await type_into(pilot, "#field-target Input", "lots")
        await pilot.click("#submit")
        await settle(pilot)
        assert "must be a number" in app.screen.query_one("#field-target .field-error").render().plain  # type: ignore[attr-defined]
        await every_field_and_button_reachable(pilot)


async def test_a_new_keys_whole_qr_code_and_buttons_are_on_screen(service: Service) -> None:
    app = service.app(start="keys")
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        reveal = await reveal_new_key(pilot, "ada@example.com", "a label long enough to need more than one line here")
        await settle(pilot)
        for selector in ("#secret", "#qr", "#copy", "#done"):
            assert shown_whole(reveal, reveal.query_one(selector)), selector


async def test_an_export_url_and_its_buttons_are_on_screen(service: Service) -> None:
    app = service.app(start="exports")
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("u")
        await settle(pilot)
        link = app.screen
        assert isinstance(link, ExportLink)
        for selector in ("#url", "#copy", "#done"):
            assert shown_whole(link, link.query_one(selector)), selector
