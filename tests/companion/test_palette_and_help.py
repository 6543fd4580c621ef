"""Keyboard first: every action is in the command palette and on the help screen."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.command import CommandPalette
from textual.widgets import Static

from companion.app import CompanionApp
from companion.bindings import bindings_of
from companion.commands import palette_entries
from companion.screens.help import HelpScreen
from companion.screens.user_form import UserForm
from companion.screens.users import UsersScreen
from tests.companion.conftest import SIZE, Service, settle

pytestmark = pytest.mark.anyio


async def test_palette_runs_an_action_on_its_screen(service: Service) -> None:
    app = service.app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        titles = [entry.title for entry in palette_entries(app)]
        for _mode, screen in app.SECTIONS:
            for key in bindings_of(screen):
                assert f"{screen.TITLE}: {key.description}" in titles
        assert "Keys: Revoke" in titles and "Help" in titles

        await pilot.press("ctrl+p")
        await settle(pilot)
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"users: new user")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, UserForm)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, UsersScreen)


async def test_help_lists_every_screens_keys(service: Service) -> None:
    app = service.app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        text = "\n".join(str(static.render()) for static in help_screen.query(Static))
        for description in ("Revoke", "New key for user", "Cancel alert", "Save to file", "History range"):
            assert description in text
        assert f"Connected to {service.url}" in text
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)


async def test_sections_respond_to_the_mouse(service: Service) -> None:
    app = service.app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.click("NavBar", offset=(23, 0))  # on " 3 Users "
        await settle(pilot)
        assert isinstance(app.screen, UsersScreen)
        await pilot.click("#table", offset=(2, 3))  # the third user
        await pilot.press("d")
        await settle(pilot)
        assert "linus@example.com" in str(app.screen.query_one(".heading").render())


def test_the_guide_lists_every_sections_keys() -> None:
    guide = (Path(__file__).resolve().parents[2] / "docs" / "companion.md").read_text()
    table = guide.split("## Keys", 1)[1].split("\n## ", 1)[0]
    for _mode, screen in CompanionApp.SECTIONS:
        for key in bindings_of(screen):
            assert key.description in table, f"docs/companion.md does not list {screen.TITLE}: {key.description}"
