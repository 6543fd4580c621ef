"""A modal form that sends itself to the server and puts each refusal under the field it is
about (the server names the field in its error code or message); anything else goes to the
form's own status line. Enter in a field submits, Escape cancels."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any, ClassVar, Generic, TypeVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Input, Label, Select

from companion.client import CompanionClient
from companion.errors import CompanionError, Missing, Rejected
from companion.widgets.field import Field
from companion.widgets.status_line import StatusLine

T = TypeVar("T")

_FIELD_AFFIXES = (("invalid_", ""), ("unsupported_", ""), ("missing_", ""), ("", "_taken"))


class FieldProblem(Exception):
    """A value refused before it is sent (not a number, not a date)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def field_for(error: CompanionError, fields: Collection[str]) -> str | None:
    """The form field a server refusal is about: from codes like `invalid_email` or
    `email_taken`, else from a message that starts with the field's name."""
    if not isinstance(error, Rejected | Missing):
        return None
    for prefix, suffix in _FIELD_AFFIXES:
        if error.code.startswith(prefix) and error.code.endswith(suffix):
            name = error.code.removeprefix(prefix).removesuffix(suffix)
            if name in fields:
                return name
    first = error.message.split(" ", 1)[0].strip("'\"`:")
    return first if first in fields else None


class FormModal(ModalScreen[T | None], Generic[T]):
    HEADING: ClassVar[str]
    SUBMIT: ClassVar[str] = "Create"
    BINDINGS = [Binding("escape", "cancel", "Cancel"), Binding("ctrl+s", "submit", "Submit")]

    def __init__(self, client: CompanionClient) -> None:
        super().__init__()
        self.client = client
        self.sending = False

    def compose(self) -> ComposeResult:
        # Not focusable itself: the first field takes the focus, and a focused field scrolls into view.
        with VerticalScroll(id="dialog", classes="form", can_focus=False):
            yield Label(self.HEADING, classes="heading")
            yield from self.compose_fields()
            with Vertical(classes="actions"):  # docked: in view however far the fields scroll
                yield StatusLine(id="form-status")
                with Horizontal(classes="buttons"):
                    yield Button(self.SUBMIT, variant="primary", id="submit")
                    yield Button("Cancel", id="cancel")
        yield Footer()

    def compose_fields(self) -> Iterable[Field]:
        raise NotImplementedError

    async def send(self) -> T:
        raise NotImplementedError

    def value(self, name: str) -> str:
        return self.query_one(f"#field-{name}", Field).query_one(Input).value.strip()

    def choice(self, name: str) -> Any:
        return self.query_one(f"#field-{name}", Field).query_one(Select).value

    @property
    def fields(self) -> dict[str, Field]:
        return {field.field_name: field for field in self.query(Field)}

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_submit(self) -> None:
        if not self.sending:  # a second Enter must not create a second record
            self.submit()

    @on(Button.Pressed, "#cancel")
    def cancel_pressed(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#submit")
    @on(Input.Submitted)
    def submit_requested(self) -> None:
        self.action_submit()

    @work(group="form")
    async def submit(self) -> None:
        self.sending = True
        fields = self.fields
        for field in fields.values():
            field.clear_error()
        status = self.query_one("#form-status", StatusLine)
        status.show_info("sending…")
        try:
            result = await self.send()
        except FieldProblem as problem:
            self._mark(fields[problem.field], problem.message, status)
        except CompanionError as error:
            name = field_for(error, fields)
            if name is None:
                status.show_error(error)
            else:
                self._mark(fields[name], error.message, status)
        else:
            self.dismiss(result)
        finally:
            self.sending = False

    @staticmethod
    def _mark(field: Field, message: str, status: StatusLine) -> None:
        field.show_error(message)
        field.control.focus()
        status.show_info("")
