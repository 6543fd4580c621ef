"""Pair a watch: type the code the watch shows, name its owner, approve. The watch's next poll
receives a watch key owned by that user, so no key is ever typed or shown here."""

from __future__ import annotations

from collections.abc import Iterable

from textual.widgets import Input

from companion.client import CompanionClient
from companion.errors import Missing, Rejected
from companion.screens.form import FieldProblem, FormModal
from companion.widgets.field import Field
from shared.shapes.pairing import PairingDecision
from shared.shapes.users import User

#: Server refusals that are about the code, not the owner.
CODE_ERRORS = ("invalid_user_code", "unknown_user_code", "expired_user_code", "pairing_decided")


async def owner_by_email(client: CompanionClient, email: str) -> User:
    """The user an owner's email names, or a problem for the form's email field."""
    if not email:
        raise FieldProblem("email", "Who is the owner? Give their email.")
    try:
        return await client.user_by_email(email)
    except Missing:
        raise FieldProblem("email", f"No user has the email {email}; create them on the Users screen (3).") from None


class PairForm(FormModal[tuple[PairingDecision, str]]):
    HEADING = "Pair a watch"
    SUBMIT = "Approve"

    def __init__(self, client: CompanionClient, email: str = "") -> None:
        super().__init__(client)
        self.email = email

    def compose_fields(self) -> Iterable[Field]:
        yield Field("Code on the watch", Input(placeholder="BCDF-GHJK", max_length=64, compact=True),
                    name="user_code")
        yield Field("Owner's email", Input(self.email, placeholder="ada@example.com", compact=True), name="email")
        yield Field("Label", Input(placeholder="e.g. garmin fenix (optional)", compact=True), name="label")

    async def send(self) -> tuple[PairingDecision, str]:
        code, email = self.value("user_code"), self.value("email")
        if not code:
            raise FieldProblem("user_code", "Type the 8-letter code the watch shows (XXXX-XXXX).")
        user = await owner_by_email(self.client, email)
        try:
            approved = await self.client.approve_pairing(user_code=code, user_id=user.id, label=self.value("label"))
        except (Missing, Rejected) as refused:
            if refused.code in CODE_ERRORS:
                raise FieldProblem("user_code", refused.message) from None
            raise
        return approved, email
