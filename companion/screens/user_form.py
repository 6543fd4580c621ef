"""Add a user. The server validates; its refusals (a malformed email, a taken one, an empty
name) appear under the field concerned."""

from __future__ import annotations

from collections.abc import Iterable

from textual.widgets import Input

from companion.screens.form import FormModal
from companion.widgets.field import Field
from shared.shapes.users import User


class UserForm(FormModal[User]):
    HEADING = "New user"

    def compose_fields(self) -> Iterable[Field]:
        yield Field("Email", Input(placeholder="ada@example.com", compact=True), name="email")
        yield Field("Name", Input(placeholder="Ada Lovelace", compact=True), name="name")

    async def send(self) -> User:
        return await self.client.create_user(email=self.value("email"), name=self.value("name"))
