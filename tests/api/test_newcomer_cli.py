"""A new user's first hour with the command line and the docs: `make serve` installs the runtime
alone, `cryptowatch --help` says what each command does, a watch key without an owner says why
/v1/alerts will refuse it, and the README's error table holds every code the API sends."""

from __future__ import annotations

import re
import subprocess
from importlib.metadata import entry_points
from pathlib import Path

import pytest

from shared import cli
from tests.api.test_cli import cryptowatch

ROOT = Path(__file__).resolve().parents[2]


def make_dry_run(target: str, venv: Path) -> list[str]:
    """The commands `make TARGET` would run on a machine with no virtualenv yet."""
    result = subprocess.run(["make", "-n", "-C", str(ROOT), target, f"VENV={venv}"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return [line for line in result.stdout.splitlines() if "pip install" in line]


@pytest.mark.parametrize("target", ["serve", "demo", "serve-dynamodb"])
def test_serving_installs_the_runtime_without_the_test_tools(tmp_path: Path, target: str) -> None:
    installs = make_dry_run(target, tmp_path / "venv")
    assert installs[-1].endswith("pip install --quiet -e .")
    assert not [line for line in installs if "[test]" in line]


@pytest.mark.parametrize("target", ["test", "lint", "bench"])
def test_testing_adds_the_test_tools(tmp_path: Path, target: str) -> None:
    assert make_dry_run(target, tmp_path / "venv")[-1].endswith("pip install --quiet -e '.[test]'")


def test_help_lists_every_command_with_what_it_does(tmp_path: Path) -> None:
    shown = cryptowatch(tmp_path, "--help")
    assert shown.returncode == 0
    for point in entry_points(group="cryptowatch.commands"):
        assert re.search(rf"^  {point.name} +{re.escape(cli.SUMMARIES[point.name])}$", shown.stdout, re.M), point.name
    assert cryptowatch(tmp_path, "help").stdout == shown.stdout
    bare = cryptowatch(tmp_path)
    assert bare.returncode == 2 and bare.stderr == shown.stdout


def test_a_watch_key_without_an_owner_says_alerts_will_refuse_it(tmp_path: Path) -> None:
    ownerless = cryptowatch(tmp_path, "keys", "create", "--scope", "watch")
    assert ownerless.returncode == 0, ownerless.stderr
    assert "no owner, so /v1/alerts refuses it (403 no_owner)" in ownerless.stderr
    assert "--user EMAIL" in ownerless.stderr
    owned = cryptowatch(tmp_path, "keys", "create", "--scope", "watch", "--user", "ada@example.com")
    assert owned.returncode == 0 and owned.stderr == ""


#: Codes made at run time rather than written out: `found()`'s `{kind}_not_found`, the auth
#: middleware's `{reason}_key`, `enum_filter`'s `invalid_{name}`, DynamoDB's `{what}_taken`, the
#: error classes' defaults, and the HTTP handler's fallback.
RUN_TIME_CODES = {
    "user_not_found", "key_not_found", "export_not_found", "notification_not_found",
    "expired_key", "revoked_key", "invalid_status", "id_taken", "email_taken",
    "invalid_request", "not_found", "conflict", "payload_too_large", "unsupported_media_type", "rate_limited",
    "store_unavailable", "internal", "http_error", "method_not_allowed",
}


def codes_in_the_source() -> set[str]:
    found: set[str] = set()
    for path in [*ROOT.joinpath("api").rglob("*.py"), *ROOT.joinpath("shared").rglob("*.py")]:
        text = path.read_text()
        found |= set(re.findall(r'\bcode="([a-z_]+)"', text))
        found |= set(re.findall(r'error_response\(\s*\d{3},\s*"([a-z_]+)"', text))
    return found


def test_the_readme_error_table_lists_every_code_the_api_sends() -> None:
    readme = ROOT.joinpath("README.md").read_text()
    table = readme.split("### Errors", 1)[1].split("\n### ", 1)[0]
    listed = set(re.findall(r"`([a-z_]+)`", table))
    codes = codes_in_the_source() | RUN_TIME_CODES
    assert {"user_not_found", "email_taken", "unknown_field", "no_owner", "method_not_allowed"} <= codes
    assert codes - listed == set()
