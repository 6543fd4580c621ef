"""API keys: who owns each, what it may do, when it was last used and how much today.
New keys are shown once (with a QR code for the watch); revoking asks first."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.text import Text
from textual import work
from textual.binding import Binding

from companion import format
from companion.client import Page
from companion.owners import Owners
from companion.screens.confirm import ConfirmModal
from companion.screens.key_form import issue_and_reveal
from companion.screens.listing import ListScreen
from shared.shapes.keys import KeyView

STATUS_STYLES = {"active": "green", "expired": "yellow", "revoked": "red"}


class KeysScreen(ListScreen):
    MODE = "keys"
    TITLE = "Keys"
    NOUN = "key"
    COLUMNS = ("Prefix", "Label", "Scope", "Owner", "Status", "Last used", "Today", "Limit/min")
    MODEL = KeyView
    #: The fields the columns were written for (or leave out); any other field gets its own column.
    SHOWN = frozenset({
        "id", "prefix", "scope", "user_id", "label", "rate_limit", "created_at", "expires_at",
        "revoked_at", "last_used_at", "requests_today", "rejected_today", "status"
    })
    BINDINGS = [
        Binding("n", "new_key", "New key"),
        Binding("x", "revoke", "Revoke"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.owners = Owners(self.companion.client)

    async def fetch(self, cursor: str | None) -> Page:
        return await self.client.keys(cursor=cursor)

    async def prepare(self, items: Sequence[KeyView]) -> None:
        await self.owners.learn(item.user_id for item in items)

    def row(self, item: KeyView) -> Sequence[Any]:
        status = str(item.status)
        rejected = item.rejected_today or 0
        today = f"{item.requests_today}" + (f" ({rejected} refused)" if rejected else "")
        return (
            Text(f"{item.prefix}…", style="bold"),
            item.label or format.DASH,
            item.scope,
            self.owners.email(item.user_id),
            Text(status, style=STATUS_STYLES.get(status, "")),
            format.ago(item.last_used_at, self.now()),
            Text(today, justify="right"),
            Text(f"{item.rate_limit:,}" if item.rate_limit else "default", justify="right"),
        )

    @work(exclusive=True, group="action")
    async def action_new_key(self) -> None:
        if await issue_and_reveal(self.app, self.client):
            self.reload()

    @work(exclusive=True, group="action")
    async def action_revoke(self) -> None:
        key = self.require_selected()
        if key is None:
            return
        if key.status == "revoked":
            self.status.show_info(f"{key.prefix} is already revoked.")
            return
        if self.client.is_own_key(key):
            self.status.show_info(
                f"{key.prefix}… is the admin key this companion uses: revoking it would lock you out. "
                "Connect with another admin key to revoke it (`cryptowatch keys create --scope admin --save` "
                "makes one and leaves it in the data folder's admin.key)."
            )
            return
        owner = self.owners.email(key.user_id)
        confirmed = await self.app.push_screen_wait(
            ConfirmModal(
                f"Revoke key {key.prefix}… ({key.label or 'no label'}, {owner})?",
                "Anything using it is refused from now on (within 30 s on other servers).",
                yes="Revoke",
            )
        )
        if not confirmed:
            return
        revoked = await self.attempt(self.client.revoke_key(key.id))
        if revoked is not None:
            self.done(f"Revoked key {key.prefix}….")
            self.reload()
