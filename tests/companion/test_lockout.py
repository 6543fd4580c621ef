"""Admin lock-out: the companion will not revoke the admin key it is using (it would lose the
server mid-session), says how to do it safely, and the recovery command it names really writes
the key file it reads."""

from __future__ import annotations

import os
from pathlib import Path

import httpx
import pytest
from textual.widgets import DataTable

from companion.client import error_for
from companion.connection import resolve
from companion.screens.confirm import ConfirmModal
from shared.keyring import issue_key
from shared.models import Scope
from tests.api.test_cli import cryptowatch
from tests.companion.conftest import SIZE, Service, column, settle

pytestmark = pytest.mark.anyio


async def test_revoking_the_key_in_use_is_refused_with_the_way_to_do_it(service: Service) -> None:
    app = service.app(start="keys")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#table", DataTable)
        table.move_cursor(row=column(table, 1).index("companion"))  # the seeded admin key the app sends
        await pilot.press("x")
        await settle(pilot)
        assert not isinstance(app.screen, ConfirmModal)
        status = app.screen.status.text
        assert "the admin key this companion uses" in status
        assert "cryptowatch keys create --scope admin --save" in status
    assert service.store.get_key("key_0admin").revoked_at is None  # type: ignore[union-attr]


async def test_other_keys_are_still_revoked_after_confirming(service: Service) -> None:
    app = service.app(start="keys")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#table", DataTable)
        table.move_cursor(row=column(table, 1).index("fenix 7"))
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("y")
        await settle(pilot)
    assert service.store.get_key("key_1ada").revoked_at is not None  # type: ignore[union-attr]


def test_the_recovery_command_writes_the_key_the_companion_reads(tmp_path: Path) -> None:
    made = cryptowatch(tmp_path, "keys", "create", "--scope", "admin", "--label", "first", "--save")
    assert made.returncode == 0, made.stderr
    first = made.stdout.splitlines()[-1]
    assert f"saved in {tmp_path / 'admin.key'} (mode 0600)" in made.stdout
    revoked = cryptowatch(tmp_path, "keys", "revoke", first[:11])
    assert revoked.returncode == 0, revoked.stderr

    again = cryptowatch(tmp_path, "keys", "create", "--scope", "admin", "--save")
    assert again.returncode == 0, again.stderr
    second = again.stdout.splitlines()[-1]
    assert second != first
    assert (tmp_path / "admin.key").read_text() == second + "\n"
    assert os.stat(tmp_path / "admin.key").st_mode & 0o777 == 0o600
    connection = resolve(env={"CRYPTOWATCH_DATA_DIR": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "none")})
    assert connection.key == second


def test_save_is_only_for_admin_keys(tmp_path: Path) -> None:
    refused = cryptowatch(tmp_path, "keys", "create", "--scope", "watch", "--save")
    assert refused.returncode == 2
    assert "--save writes the companion's admin key: use it with --scope admin" in refused.stderr
    assert not (tmp_path / "admin.key").exists()


def test_a_revoked_key_message_names_the_recovery_command(service: Service) -> None:
    service.store.revoke_key("key_0admin", service.at - 1)
    with httpx.Client(base_url=service.url, headers={"X-API-Key": service.admin_key}, timeout=10) as http:
        error = error_for(http.get("/admin/keys"))
    assert "cryptowatch keys create --scope admin --save" in error.message


async def test_deleting_the_owner_of_the_key_in_use_is_refused(service: Service) -> None:
    """Deleting a user revokes their keys, the companion's own among them if it is theirs."""
    issued = issue_key(service.store, Scope.ADMIN, service.at, user_id=service.users["grace"].id)
    app = service.app(key=issued.secret, start="users")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("down", "d")  # grace
        await settle(pilot)
        assert not isinstance(app.screen, ConfirmModal)
        assert "grace@example.com owns the admin key this companion uses" in app.screen.status.text
    assert service.store.get_user(service.users["grace"].id) is not None
