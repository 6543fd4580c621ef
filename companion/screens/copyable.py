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

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="dialog", classes=f"copyable {self.KIND}"):
            yield from self.compose_content()
            with Horizontal(classes="buttons"):
                yield Button("Copy (c)", variant="primary", id="copy")
                yield Button("Done", id="done")
        yield Footer()

    def compose_content(self) -> Iterable[Any]:
        raise NotImplementedError

    def action_copy(self) -> None:
        self.app.copy_to_clipboard(self._text)
        self.notify(f"The {self.WHAT} is on the clipboard.", title="Copied")

    def action_close(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#copy")
    def copy_pressed(self) -> None:
        self.action_copy()

    @on(Button.Pressed, "#done")
    def done_pressed(self) -> None:
        self.dismiss(None)
