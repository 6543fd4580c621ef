"""A modal that shows one thing worth copying (a new key, an export URL): `c` or the Copy
button puts it on the clipboard, Escape or Done closes it. The content scrolls and the buttons
stay in view, so a small terminal still shows a way to copy and to close."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Footer


class CopyableModal(ModalScreen[None]):
    KIND: ClassVar[str]
    WHAT: ClassVar[str]
    BINDINGS = [Binding("c", "copy", "Copy"), Binding("escape", "close", "Done")]

    def __init__(self, text: str) -> None:
        super().__init__()
        self._text = text
        self.copied = False

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="dialog", classes=f"copyable {self.KIND}"):
            yield from self.compose_content()
        yield Footer()

    def compose_content(self) -> Iterable[Any]:
        """What to show, and somewhere in it `buttons()`."""
        raise NotImplementedError

    def buttons(self) -> ComposeResult:
        with Horizontal(classes="buttons"):
            yield Button("Copy (c)", variant="primary", id="copy")
            yield Button("Done", id="done")

    def action_copy(self) -> None:
        """Textual copies with OSC 52, which some terminals ignore and none confirm: say what
        was sent, not that it arrived."""
        self.app.copy_to_clipboard(self._text)
        self.copied = True
        self.notify(
            "Sent to the terminal clipboard (OSC 52). If your terminal does not support that, "
            f"select the {self.WHAT} text with the mouse (hold Shift in most terminals) and copy it.",
            title="Copy sent",
        )

    def action_close(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#copy")
    def copy_pressed(self) -> None:
        self.action_copy()

    @on(Button.Pressed, "#done")
    def done_pressed(self) -> None:
        self.action_close()
