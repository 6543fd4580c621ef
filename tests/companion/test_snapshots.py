"""Snapshots of the main screens at 120x36, against the seeded server with the clock frozen.

The server's port changes every run, so the header's URL is pinned before the picture is
taken. Update after an intended change with `pytest tests/companion --snapshot-update`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from textual.pilot import Pilot

from tests.companion.conftest import SIZE, Service, settle

SHOWN_URL = "http://127.0.0.1:8000"


async def settled(pilot: Pilot[Any], *keys: str) -> None:
    await settle(pilot)
    await pilot.press(*keys)
    await settle(pilot)
    pilot.app.sub_title = SHOWN_URL
    await pilot.pause()


class TestMainScreens:
    @pytest.mark.parametrize("screen", ["prices", "keys", "users", "alerts"])
    def test_screen(self, service: Service, snap_compare: Callable[..., bool], screen: str) -> None:
        assert snap_compare(service.app(start=screen), terminal_size=SIZE, run_before=settled)

    def test_alerts_with_the_triggered_ones_outbox(
        self, service: Service, snap_compare: Callable[..., bool]
    ) -> None:
        app = service.app(start="alerts")
        assert snap_compare(app, terminal_size=SIZE, run_before=lambda pilot: settled(pilot, "down"))
