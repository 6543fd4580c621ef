"""Issue a key for a user, found by email. On success the form gives way to the one-time
reveal of the secret."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from textual.app import App
from textual.widgets import Input, Select

from companion.client import CompanionClient
from companion.errors import Missing
from companion.screens.confirm import ConfirmModal
from companion.screens.form import FieldProblem, FormModal
from companion.screens.key_reveal import KeyReveal
from companion.widgets.field import Field
from shared.shapes.keys import KeyCreated
from shared.shapes.users import User

SCOPES = (("watch: prices and own alerts", "watch"), ("admin: manage the service", "admin"))


class KeyForm(FormModal[tuple[KeyCreated, str]]):
    HEADING = "New API key"

    def __init__(self, client: CompanionClient, email: str = "") -> None:
        super().__init__(client)
        self.email = email

    def compose_fields(self) -> Iterable[Field]:
        yield Field("Owner's email", Input(self.email, placeholder="ada@example.com", compact=True), name="email")
        yield Field("Scope", Select(SCOPES, value="watch", allow_blank=False, compact=True), name="scope")
        yield Field("Label", Input(placeholder="e.g. garmin fenix (optional)", compact=True), name="label")
        yield Field(
            "Requests/minute",
            Input(placeholder="blank: the server's default", type="integer", compact=True),
            name="rate_limit",
        )

    async def send(self) -> tuple[KeyCreated, str]:
        email = self.value("email")
        if not email:
            raise FieldProblem("email", "Whose key is it? Give the owner's email.")
        rate_limit = self.value("rate_limit")
        if rate_limit and (not rate_limit.isdigit() or int(rate_limit) < 1):
            raise FieldProblem("rate_limit", "A whole number of requests per minute, 1 or more.")
        try:
            user = await self.client.user_by_email(email)
        except Missing:
            user = await self.new_owner(email)
        created = await self.client.create_key(
            user_id=user.id,
            scope=str(self.choice("scope")),
            label=self.value("label"),
            rate_limit=int(rate_limit) if rate_limit else None,
        )
        return created, email

    async def new_owner(self, email: str) -> User:
        """Make the user, as `cryptowatch keys create --user` does, once the person says so: a
        mistyped address must not become a user unasked."""
        name = email.split("@", 1)[0]
        if not await self.app.push_screen_wait(
            ConfirmModal(
                f"Create the user {email}?",
                f"No user has this address yet. Yes adds them (named {name}; rename on the Users "
                "screen) and issues the key.",
                yes="Create user",
            )
        ):
            raise FieldProblem("email", f"No user has the email {email}; check it, or create them.")
        return await self.client.create_user(email=email, name=name)


async def issue_and_reveal(app: App[Any], client: CompanionClient, email: str = "") -> bool:
    """The whole flow from a worker: the form, then the one-time reveal. True if a key was made."""
    created = await app.push_screen_wait(KeyForm(client, email))
    if created is None:
        return False
    await app.push_screen_wait(KeyReveal(*created))
    return True
