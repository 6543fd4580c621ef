"""Where the companion connects and with which key: flag > environment > config file > the key
`cryptowatch serve` left in its data folder; what the command says when there is none, and its
exit status after the app has run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.app import App, AutopilotCallbackType
from textual.pilot import Pilot

from companion.app import CompanionApp
from companion.cli import companion_command
from companion.connection import ConnectionSetupError, config_path, resolve
from companion.screens.prices import PricesScreen
from tests.companion.conftest import Service, settle

FLAG, ENV = "cw_fromTheFlag0000000", "cw_fromTheEnv00000000"
FILE, LOCAL = "cw_fromTheFile0000000", "cw_fromAdminKey000000"


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """Config under tmp_path/config, the local run's data folder under tmp_path/data."""
    (tmp_path / "config" / "cryptowatch").mkdir(parents=True)
    (tmp_path / "config" / "cryptowatch" / "companion.toml").write_text(
        f'url = "http://from-file:8000"\nkey = "{FILE}"\n'
    )
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "admin.key").write_text(LOCAL + "\n")
    return {
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "CRYPTOWATCH_DATA_DIR": str(tmp_path / "data"),
        "CRYPTOWATCH_URL": "http://from-env:8000/",
        "CRYPTOWATCH_ADMIN_KEY": ENV,
    }


def test_flag_beats_environment(env: dict[str, str]) -> None:
    connection = resolve(url="http://from-flag:9000", key=FLAG, env=env)
    assert (connection.url, connection.key, connection.key_source) == ("http://from-flag:9000", FLAG, "--key")


def test_environment_beats_config_file(env: dict[str, str]) -> None:
    connection = resolve(env=env)
    assert (connection.url, connection.key) == ("http://from-env:8000", ENV)
    assert connection.key_source == "CRYPTOWATCH_ADMIN_KEY"


def test_config_file_beats_the_local_key(env: dict[str, str]) -> None:
    del env["CRYPTOWATCH_URL"], env["CRYPTOWATCH_ADMIN_KEY"]
    connection = resolve(env=env)
    assert (connection.url, connection.key) == ("http://from-file:8000", FILE)
    assert connection.key_source == str(config_path(env))


def test_the_local_runs_key_is_found_without_typing_it(env: dict[str, str], tmp_path: Path) -> None:
    del env["CRYPTOWATCH_URL"], env["CRYPTOWATCH_ADMIN_KEY"]
    config_path(env).unlink()
    connection = resolve(env=env)
    assert (connection.url, connection.key) == ("http://127.0.0.1:8000", LOCAL)
    assert connection.key_source == str(tmp_path / "data" / "admin.key")
    assert LOCAL not in connection.describe()


def test_a_flag_url_pairs_with_the_local_key(env: dict[str, str]) -> None:
    del env["CRYPTOWATCH_ADMIN_KEY"]
    config_path(env).unlink()
    connection = resolve(url="http://127.0.0.1:8001", env=env)
    assert (connection.url, connection.key) == ("http://127.0.0.1:8001", LOCAL)


def test_explicit_config_path(env: dict[str, str], tmp_path: Path) -> None:
    other = tmp_path / "other.toml"
    other.write_text('key = "cw_fromOtherFile00000"\n')
    del env["CRYPTOWATCH_ADMIN_KEY"]
    env["CRYPTOWATCH_COMPANION_CONFIG"] = str(other)
    assert resolve(env=env).key == "cw_fromOtherFile00000"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("url = ", "cannot read"),
        ('token = "x"', "unknown setting 'token'"),
        ("key = 42", "key must be a non-empty string"),
    ],
)
def test_bad_config_file_is_named(env: dict[str, str], content: str, message: str) -> None:
    config_path(env).write_text(content)
    with pytest.raises(ConnectionSetupError, match=message):
        resolve(env=env)


def test_url_must_be_http(env: dict[str, str]) -> None:
    with pytest.raises(ConnectionSetupError, match="must start with http"):
        resolve(url="127.0.0.1:8000", env=env)


def test_command_without_any_key_explains_where_to_put_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("CRYPTOWATCH_ADMIN_KEY", raising=False)
    monkeypatch.delenv("CRYPTOWATCH_URL", raising=False)
    monkeypatch.delenv("CRYPTOWATCH_COMPANION_CONFIG", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("CRYPTOWATCH_DATA_DIR", str(tmp_path / "data"))
    assert companion_command([]) == 2
    error = capsys.readouterr().err
    assert "no admin key found" in error
    assert "CRYPTOWATCH_ADMIN_KEY" in error
    assert str(tmp_path / "data" / "admin.key") in error


def test_command_with_a_broken_config_fails_cleanly(
    env: dict[str, str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    config_path(env).write_text("key = [")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("CRYPTOWATCH_ADMIN_KEY")
    assert companion_command([]) == 2
    assert "cannot read" in capsys.readouterr().err


def run_headless(monkeypatch: pytest.MonkeyPatch, auto_pilot: AutopilotCallbackType | None = None) -> None:
    """`companion_command` runs the app as it would in a terminal, but headless (and driven)."""
    monkeypatch.setattr(CompanionApp, "run", lambda app: App.run(app, headless=True, auto_pilot=auto_pilot))


def test_command_exits_zero_after_quitting(service: Service, monkeypatch: pytest.MonkeyPatch) -> None:
    async def quit_when_shown(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("ctrl+q")

    run_headless(monkeypatch, quit_when_shown)
    assert companion_command(["--url", service.url, "--key", service.admin_key]) == 0


def test_command_exits_non_zero_when_the_app_crashed(service: Service, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(screen: PricesScreen, prices: dict[str, Any]) -> None:
        raise RuntimeError("a bug in the companion")

    monkeypatch.setattr(PricesScreen, "fill", broken)
    run_headless(monkeypatch)
    assert companion_command(["--url", service.url, "--key", service.admin_key]) == 1
