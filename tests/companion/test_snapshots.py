"""Snapshots of the main screens at 120x36, and of every screen and dialog at 80x24, against
the seeded server with the clock frozen.

Update after an intended change with `pytest tests/companion --snapshot-update`, and look at
the report of what changed before committing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.screen import ModalScreen

from companion.app import CompanionApp
from companion.screens.alert_form import AlertForm
from companion.screens.confirm import ConfirmModal
from companion.screens.export_form import ExportForm
from companion.screens.help import HelpScreen
from companion.screens.key_form import KeyForm
from companion.screens.key_reveal import KeyReveal
from companion.screens.user_form import UserForm
from shared.models import Scope
from shared.shapes.keys import KeyCreated
from tests.companion.conftest import SHOWN_URL, SIZE, Service, settle_for_picture


class TestMainScreens:
    @pytest.mark.parametrize("screen", ["prices", "keys", "users", "alerts"])
    def test_screen(self, service: Service, snap_compare: Callable[..., bool], screen: str) -> None:
        assert snap_compare(service.app(start=screen), terminal_size=SIZE, run_before=settle_for_picture)

    def test_alerts_with_the_triggered_ones_outbox(
        self, service: Service, snap_compare: Callable[..., bool]
    ) -> None:
        app = service.app(start="alerts")
        assert snap_compare(app, terminal_size=SIZE, run_before=lambda pilot: settle_for_picture(pilot, "down"))


SMALL = (80, 24)
#: The new key shown, as the server would make it, so its QR code is the same every run.
SHOWN_KEY = "cw_SnapshotKey0000000000000000000"


DIALOGS: dict[str, Callable[[CompanionApp], ModalScreen[Any]]] = {
    "key-form": lambda app: KeyForm(app.client),
    "user-form": lambda app: UserForm(app.client),
    "alert-form": lambda app: AlertForm(app.client),
    "export-form": lambda app: ExportForm(app.client, app.clock),
    "revoke-confirmation": lambda app: ConfirmModal(
        "Revoke key cw_AdaFenix… (fenix 7, ada@example.com)?",
        "Anything using it is refused from now on (within 30 s on other servers).",
        yes="Revoke",
    ),
    "new-key-with-its-whole-qr-code": lambda app: KeyReveal(
        KeyCreated(
            id="k_snapshot", prefix=SHOWN_KEY[:11], scope=Scope.WATCH, user_id="u_ada", label="venu 3",
            rate_limit=None, created_at=1_763_790_000, expires_at=None, revoked_at=None, last_used_at=None,
            requests_today=0, rejected_today=0, status="active", key=SHOWN_KEY,
        ),
        "ada@example.com",
    ),
    "help": lambda app: HelpScreen("exports"),
}


class TestAt80x24:
    """Every screen and dialog at the smallest usual terminal (test_small_terminal.py checks
    that each part can be reached)."""

    @pytest.mark.parametrize("screen", ["prices", "keys", "users", "alerts", "exports"])
    def test_screen(self, service: Service, snap_compare: Callable[..., bool], screen: str) -> None:
        assert snap_compare(service.app(start=screen), terminal_size=SMALL, run_before=settle_for_picture)

    @pytest.mark.parametrize("dialog", DIALOGS, ids=list(DIALOGS))
    def test_dialog(self, service: Service, snap_compare: Callable[..., bool], dialog: str) -> None:
        """Each over the empty Exports screen: a wide table behind a dialog is drawn at its
        own pace (Textual sizes its columns when idle), which would make the picture vary.
        test_small_terminal.py opens them the way a person does."""
        app = service.app(start="exports")
        app.connection_note = f"Connected to {SHOWN_URL} (--url); key from --key"  # as help shows it

        async def open_dialog(pilot: Pilot[Any]) -> None:
            await settle_for_picture(pilot)
            pilot.app.push_screen(DIALOGS[dialog](app))
            await settle_for_picture(pilot)

        assert snap_compare(app, terminal_size=SMALL, run_before=open_dialog)
