"""Users: list page by page (whether each has verified their email, is disabled, and when they
last logged in), find one by their exact email (the server looks an address up, it does not
search for parts of one), add one (the server's validation shown under each field), delete one
after confirming, disable or enable one, mail a new verification link, and issue a key for the
selected user."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from textual import on, work
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Input, Label

from companion import format
from companion.client import Page
from companion.screens.confirm import ConfirmModal
from companion.screens.key_form import issue_and_reveal
from companion.screens.listing import ListScreen
from companion.screens.portfolio import PortfolioScreen
from companion.screens.user_form import UserForm
from shared.shapes.users import User


def state(user: User) -> str:
    if user.disabled:
        return "disabled"
    return "verified" if user.verified else "unverified"


class UsersScreen(ListScreen):
    MODE = "users"
    TITLE = "Users"
    NOUN = "user"
    COLUMNS = ("Email", "Name", "State", "Last login", "ID")
    MODEL = User
    #: The fields the columns were written for (or leave out); any other field gets its own column.
    SHOWN = frozenset({
        "id", "email", "name", "created_at", "verified", "disabled", "last_login_at"
    })
    BINDINGS = [
        Binding("n", "new_user", "New user"),
        Binding("d", "delete", "Delete"),
        Binding("k", "new_key", "New key for user"),
        Binding("p", "portfolio", "Portfolio", show=False),  # in help and the palette: the footer is full
        Binding("x", "toggle_disabled", "Disable/enable", show=False),  # in the help (?): the footer is full
        Binding("v", "resend", "Resend verification", show=False),
        Binding("slash", "search", "Search", show=False),  # the search box's label says `/`
        Binding("escape", "clear_search", "Clear search", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.email = ""

    def compose_controls(self) -> Iterable[Any]:
        with Horizontal(classes="controls"):
            yield Label("Find by email (/)")
            yield Input(
                placeholder="the exact address, e.g. ada@example.com; Esc shows everyone", id="search", compact=True
            )

    async def fetch(self, cursor: str | None) -> Page:
        return await self.client.users(email=self.email, cursor=cursor)

    def row(self, item: User) -> Sequence[Any]:
        return (
            item.email,
            item.name,
            state(item),
            format.ago(item.last_login_at, self.now()) if item.last_login_at else "never",
            item.id,
        )

    def fill(self, page: Page) -> None:
        super().fill(page)
        if self.email and not page.items:
            self.status.show_info(
                f"No user has the exact address {self.email}: the search matches whole addresses (in any case)."
            )

    def action_search(self) -> None:
        self.query_one("#search", Input).focus()

    @on(Input.Submitted, "#search")
    def search(self, event: Input.Submitted) -> None:
        self.email = event.value.strip()
        self.pager.reset()
        self.reload()
        self.table.focus()

    def action_clear_search(self) -> None:
        search = self.query_one("#search", Input)
        if self.email or search.value:
            search.value = ""
            self.email = ""
            self.pager.reset()
            self.reload()
        self.table.focus()

    @work(exclusive=True, group="action")
    async def action_new_user(self) -> None:
        user = await self.app.push_screen_wait(UserForm(self.client))
        if user is not None:
            self.done(f"Added {user.email}.")
            self.reload()

    @work(exclusive=True, group="action")
    async def action_new_key(self) -> None:
        user = self.require_selected()
        if user is not None:
            await issue_and_reveal(self.app, self.client, user.email)

    async def action_portfolio(self) -> None:
        user = self.require_selected()
        if user is not None:
            await self.companion.action_goto("portfolio")
            portfolio = self.app.screen
            assert isinstance(portfolio, PortfolioScreen)
            portfolio.show_user(user.email)

    @work(exclusive=True, group="action")
    async def action_delete(self) -> None:
        user = self.require_selected()
        if user is None:
            return
        mine = await self.attempt(self.client.owns_own_key(user.id))
        if mine is None:
            return
        if mine:
            self.status.show_info(
                f"{user.email} owns the admin key this companion uses: deleting them would revoke it "
                "and lock you out. Connect with another admin key to delete them."
            )
            return
        confirmed = await self.app.push_screen_wait(
            ConfirmModal(
                f"Delete {user.email}?",
                "Their keys are revoked and their alerts cancelled. This cannot be undone.",
                yes="Delete",
            )
        )
        if confirmed and await self.attempt(self.client.delete_user(user.id)) is not None:
            self.done(f"Deleted {user.email}; their keys are revoked.")
            self.reload()

    @work(exclusive=True, group="action")
    async def action_toggle_disabled(self) -> None:
        user = self.require_selected()
        if user is None:
            return
        disable = not user.disabled
        if disable:
            confirmed = await self.app.push_screen_wait(
                ConfirmModal(
                    f"Disable {user.email}?",
                    "Every key and login session of theirs stops now; enabling them later restores none.",
                    yes="Disable",
                )
            )
            if not confirmed:
                return
        if await self.attempt(self.client.set_user_disabled(user.id, disable)) is not None:
            self.done(f"{'Disabled' if disable else 'Enabled'} {user.email}.")
            self.reload()

    @work(exclusive=True, group="action")
    async def action_resend(self) -> None:
        user = self.require_selected()
        if user is not None and await self.attempt(self.client.resend_verification(user.id)) is not None:
            self.done(f"Mailed a new verification link to {user.email}.")
