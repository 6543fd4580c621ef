"""The companion app: its sections, app-wide keys and the client it talks through.

Each section is a Textual mode with its own screen stack, so switching keeps each screen's
place (page, selection, filter). Screens own their behaviour; this module only wires them."""

from __future__ import annotations

import time
from collections.abc import Callable

from textual.app import App
from textual.binding import Binding

from companion.client import CompanionClient
from companion.commands import CompanionCommands
from companion.screens.alerts import AlertsScreen
from companion.screens.base import CompanionScreen
from companion.screens.exports import ExportsScreen
from companion.screens.help import HelpScreen
from companion.screens.keys import KeysScreen
from companion.screens.prices import PricesScreen
from companion.screens.users import UsersScreen

REFRESH_SECONDS = 30.0


class CompanionApp(App[None]):
    TITLE = "cryptowatch"
    CSS_PATH = ["app.tcss", "screens/prices.tcss", "screens/listing.tcss"]
    SECTIONS: tuple[tuple[str, type[CompanionScreen]], ...] = (
        ("prices", PricesScreen),
        ("keys", KeysScreen),
        ("users", UsersScreen),
        ("alerts", AlertsScreen),
        ("exports", ExportsScreen),
    )
    MODES = dict(SECTIONS)
    COMMANDS = App.COMMANDS | {CompanionCommands}
    BINDINGS = [
        *(
            Binding(str(number), f"goto('{mode}')", f"Go to {screen.TITLE}", show=False)  # on the NavBar
            for number, (mode, screen) in enumerate(SECTIONS, start=1)
        ),
        Binding("question_mark,f1", "help", "Help"),
        Binding("ctrl+q", "quit", "Quit"),
    ]

    def __init__(
        self,
        client: CompanionClient,
        *,
        connection_note: str = "",
        clock: Callable[[], float] = time.time,
        refresh_seconds: float = REFRESH_SECONDS,
        start: str = "prices",
    ) -> None:
        super().__init__()
        self.client = client
        self.clock = clock
        self.refresh_seconds = refresh_seconds
        self.connection_note = connection_note or f"Connected to {client.base_url}"
        self.start = start
        self.sub_title = client.base_url

    def section_titles(self) -> list[tuple[str, str]]:
        return [(mode, screen.TITLE) for mode, screen in self.SECTIONS]

    def on_mount(self) -> None:
        """Open the chosen section; only sections that are visited make requests."""
        self.switch_mode(self.start)

    async def on_unmount(self) -> None:
        await self.client.aclose()

    async def action_goto(self, mode: str) -> None:
        if mode != self.current_mode:
            await self.switch_mode(mode)

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.current_mode))
