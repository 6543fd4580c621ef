"""Snapshots of the main screens at 120x36, against the seeded server with the clock frozen.

Update after an intended change with `pytest tests/companion --snapshot-update`, and look at
the report of what changed before committing."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.companion.conftest import SIZE, Service, settle_for_picture


class TestMainScreens:
    @pytest.mark.parametrize("screen", ["prices", "keys", "users", "alerts"])
    def test_screen(self, service: Service, snap_compare: Callable[..., bool], screen: str) -> None:
        assert snap_compare(service.app(start=screen), terminal_size=SIZE, run_before=settle_for_picture)

    def test_alerts_with_the_triggered_ones_outbox(
        self, service: Service, snap_compare: Callable[..., bool]
    ) -> None:
        app = service.app(start="alerts")
        assert snap_compare(app, terminal_size=SIZE, run_before=lambda pilot: settle_for_picture(pilot, "down"))
