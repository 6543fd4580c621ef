"""Snapshots of the main screens at 120x36, and of every screen and dialog at 80x24, against
the seeded server with the clock frozen.

Update after an intended change with `pytest tests/companion --snapshot-update`, and look at
the report of what changed before committing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from textual.pilot import Pilot

from companion.screens import key_reveal
from shared import keyring
from shared.keys import NewKey, hash_key
from shared.pairing.uri import pairing_uri
from tests.companion.conftest import SHOWN_URL, SIZE, Service, settle_for_picture, type_into


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
#: The key the server issues in the new-key picture, so the secret and its QR code are the same every run.
FIXED_KEY = NewKey("cw_SnapshotKey0000000000000000000", hash_key("cw_SnapshotKey0000000000000000000"), "cw_Snapshot")


class TestAt80x24:
    """Every screen and dialog at the smallest usual terminal (test_small_terminal.py checks
    that each part can be reached)."""

    @pytest.mark.parametrize("screen", ["prices", "keys", "users", "alerts", "exports"])
    def test_screen(self, service: Service, snap_compare: Callable[..., bool], screen: str) -> None:
        assert snap_compare(service.app(start=screen), terminal_size=SMALL, run_before=settle_for_picture)

    @pytest.mark.parametrize(
        ("screen", "keys"),
        [("keys", ("n",)), ("users", ("n",)), ("alerts", ("n",)), ("exports", ("n",)), ("keys", ("down", "x"))],
        ids=["key-form", "user-form", "alert-form", "export-form", "revoke-confirmation"],
    )
    def test_dialog(
        self, service: Service, snap_compare: Callable[..., bool], screen: str, keys: tuple[str, ...]
    ) -> None:
        app = service.app(start=screen)
        assert snap_compare(app, terminal_size=SMALL, run_before=lambda pilot: settle_for_picture(pilot, *keys))

    def test_new_key_with_its_whole_qr_code(
        self, service: Service, snap_compare: Callable[..., bool], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(keyring, "generate_key", lambda: FIXED_KEY)  # the server runs in this process
        # The QR holds the service URL too (the pairing URI): the usual one, not the test's random port.
        monkeypatch.setattr(key_reveal, "pairing_uri", lambda url, key: pairing_uri(SHOWN_URL, key))

        async def make_key(pilot: Pilot[Any]) -> None:
            await settle_for_picture(pilot, "n")
            await type_into(pilot, "#field-email Input", "ada@example.com")
            await type_into(pilot, "#field-label Input", "venu 3")
            await settle_for_picture(pilot, "enter")

        assert snap_compare(service.app(start="keys"), terminal_size=SMALL, run_before=make_key)

    def test_help(self, service: Service, snap_compare: Callable[..., bool]) -> None:
        app = service.app(start="users")
        app.connection_note = f"Connected to {SHOWN_URL} (--url); key from --key"
        assert snap_compare(app, terminal_size=SMALL, run_before=lambda pilot: settle_for_picture(pilot, "f1"))
