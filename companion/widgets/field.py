"""A labelled form control with its own error line, so a server's validation message appears
under the field it is about."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Label


class Field(Vertical):
    DEFAULT_CSS = """
    Field { height: auto; margin-bottom: 1; }
    Field > .caption { color: $text-muted; }
    Field > .error { color: $text-error; display: none; }
    Field.-invalid > .error { display: block; }
    """

    def __init__(self, caption: str, control: Widget, *, name: str) -> None:
        super().__init__(id=f"field-{name}")
        self.field_name = name
        self.caption = caption
        self.control = control
        self.error = ""

    def compose(self) -> ComposeResult:
        yield Label(self.caption, classes="caption")
        yield self.control
        yield Label("", classes="error")

    def show_error(self, text: str) -> None:
        self.error = text
        self.query_one(".error", Label).update(Content(text))
        self.add_class("-invalid")

    def clear_error(self) -> None:
        self.error = ""
        self.remove_class("-invalid")
