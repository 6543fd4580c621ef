"""A labelled form control on one row, with its own error line beneath, so a server's
validation message appears under the field it is about."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Label


class Field(Vertical):
    DEFAULT_CSS = """
    Field { height: auto; }
    Field > Horizontal { height: auto; }
    Field .caption { width: 18; color: $text-muted; }
    Field Input, Field Select { width: 1fr; }
    Field .field-error { color: $text-error; padding-left: 18; display: none; }
    Field.-invalid .field-error { display: block; }
    Field.-invalid .caption { color: $text-error; }
    """

    def __init__(self, caption: str, control: Widget, *, name: str) -> None:
        super().__init__(id=f"field-{name}")
        self.field_name = name
        self.caption = caption
        self.control = control
        self.error = ""

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield Label(self.caption, classes="caption")
            yield self.control
        yield Label("", classes="field-error")

    def show_error(self, text: str) -> None:
        self.error = text
        self.query_one(".field-error", Label).update(Content(text))
        self.add_class("-invalid")

    def clear_error(self) -> None:
        self.error = ""
        self.remove_class("-invalid")
