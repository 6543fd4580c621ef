"""Every key of every screen on one page, built from the bindings themselves so it cannot
drift from what the keys really do."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Footer, Label, Static

from companion.bindings import bindings_of

if TYPE_CHECKING:
    from companion.app import CompanionApp
    from companion.screens.base import CompanionScreen


def key_table(title: str, rows: list[tuple[str, str]]) -> Content:
    """A titled two-column list: the key in bold, then what it does."""
    lines = [Content.styled(title, "bold underline")]
    lines += [Content.assemble((f"  {key:<10}", "bold"), description) for key, description in rows]
    return Content("\n").join(lines)


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,question_mark,f1,q", "close", "Close help")]

    def __init__(self, current: str) -> None:
        super().__init__()
        self.current = current

    def compose(self) -> ComposeResult:
        """The section help was opened on comes first, under its own name, then the keys that
        work everywhere, then the other sections."""
        app = cast("CompanionApp", self.app)
        sections = dict(app.SECTIONS)
        here = sections[self.current]
        everywhere = [(k.keys(app), k.description) for k in bindings_of(type(app))]
        everywhere.append(("^p", "Command palette: every action by name"))
        with VerticalScroll(id="dialog", classes="help"):
            yield Label(f"Help · keys of the {here.TITLE} screen and every other", classes="heading")
            yield Label(Content(app.connection_note), classes="detail")
            yield Static(self.section(here), classes="section")
            yield Static(key_table("Everywhere", everywhere), classes="section")
            for screen in sections.values():
                if screen is not here:
                    yield Static(self.section(screen), classes="section")
            yield Static(
                key_table(
                    "Tables and forms",
                    [
                        ("↑ ↓", "Move in a table (the mouse works too)"),
                        ("tab", "Next field or control"),
                        ("enter", "Submit a form"),
                        ("escape", "Close a form or dialog without changes"),
                    ],
                ),
                classes="section",
            )
        yield Footer()

    def section(self, screen: type[CompanionScreen]) -> Content:
        app = cast("CompanionApp", self.app)
        return key_table(screen.TITLE, [(k.keys(app), k.description) for k in bindings_of(screen)])

    def action_close(self) -> None:
        self.dismiss(None)
