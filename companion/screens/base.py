"""What every section screen shares: header, section bar, status line and footer around its
own content, and one way of making a request that shows any failure in place."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import TYPE_CHECKING, ClassVar, TypeVar, cast

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Header

from companion.client import CompanionClient
from companion.errors import CompanionError
from companion.messages import Failed
from companion.widgets.nav_bar import NavBar
from companion.widgets.status_line import StatusLine

if TYPE_CHECKING:
    from companion.app import CompanionApp

T = TypeVar("T")


class CompanionScreen(Screen[None]):
    MODE: ClassVar[str]
    TITLE: ClassVar[str]

    @property
    def companion(self) -> CompanionApp:
        return cast("CompanionApp", self.app)

    @property
    def client(self) -> CompanionClient:
        return self.companion.client

    def now(self) -> float:
        return self.companion.clock()

    @property
    def status(self) -> StatusLine:
        return self.query_one(StatusLine)

    def compose(self) -> ComposeResult:
        yield Header()
        yield NavBar(self.companion.section_titles(), self.MODE)
        yield from self.compose_body()
        yield StatusLine()
        yield Footer(compact=True)  # every key, `? Help` last, fits 80 columns

    def compose_body(self) -> ComposeResult:
        raise NotImplementedError

    def report(self, error: CompanionError) -> None:
        self.status.show_error(error)
        self.notify(error.message, title=error.title, severity="error", markup=False)

    def done(self, text: str) -> None:
        self.status.show_done(text)
        self.notify(text, markup=False)  # it names server records: plain text

    async def attempt(self, call: Awaitable[T]) -> T | None:
        """Await a client call; on failure show why and return None."""
        try:
            return await call
        except CompanionError as error:
            self.report(error)
            return None

    def on_failed(self, message: Failed) -> None:
        self.report(message.error)
