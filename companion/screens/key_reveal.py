"""The one and only time a new key's secret is on screen: as text first (it must be seen even
on a small terminal), then as a QR code for a watch app to scan, and one key press from the
clipboard. Closing the modal drops it for good."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Label

from companion.screens.confirm import ConfirmModal
from companion.screens.copyable import CopyableModal
from companion.widgets.qr_code import QRCode
from shared.shapes.keys import KeyCreated


class KeyReveal(CopyableModal):
    KIND = "reveal"
    WHAT = "key"

    def __init__(self, created: KeyCreated, owner: str) -> None:
        super().__init__(created.key)
        label = f" “{created.label}”" if created.label else ""
        self.heading = f"New {created.scope} key{label} for {owner}"

    def compose_content(self) -> Iterable[Any]:
        """The code beside the words and buttons, not under them: the whole code and both
        buttons fit a 24-row terminal, where a code cut in half cannot be scanned."""
        yield Label(Content(self.heading), classes="heading")
        yield Label(Content(self._text), id="secret")
        with Horizontal(id="reveal-body"):
            yield QRCode(self._text, id="qr")
            with Vertical(id="reveal-side"):
                yield Label(
                    "This is the only time the key is shown: the server keeps only its hash. "
                    "Copy it, or scan the code with the watch app, now.",
                    classes="detail",
                )
                yield from self.buttons()

    def action_close(self) -> None:
        """The key can never be shown again, so closing before copying it asks first."""
        if self.copied:
            self.dismiss(None)
            return
        self.app.push_screen(
            ConfirmModal(
                "Close without copying the key?",
                "It can never be shown again. Unless the watch app has scanned the code, "
                "you will have to make a new key.",
                yes="Close",
            ),
            self._close_if_confirmed,
        )

    def _close_if_confirmed(self, confirmed: bool | None) -> None:
        if confirmed:
            self.dismiss(None)
