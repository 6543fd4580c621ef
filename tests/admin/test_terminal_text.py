"""Terminal injection: a key label or user name is printed in operators' terminals (`cryptowatch
keys list`, the companion), so one holding an escape sequence is refused at the door, and one
stored before that check is printed as its escape, never sent to the terminal as is."""

from __future__ import annotations

from pathlib import Path

import pytest

from shared.config import Settings
from shared.errors import InvalidInput
from shared.keyring import issue_key
from shared.models import ApiKey, Scope
from shared.store.base import Store
from shared.text import printable
from tests.admin.conftest import AdminService
from tests.api.test_cli import cryptowatch

HOSTILE = ["\x1b]0;pwned\x07", "red\x1b[31m", "two\nlines", "back\rspace", "nul\x00", "sep\u2028arator", "del\x7f"]


@pytest.mark.parametrize("label", HOSTILE)
def test_the_api_refuses_a_key_label_with_control_characters(service: AdminService, label: str) -> None:
    user = service.user()
    response = service.admin.post("/admin/keys", json={"user_id": user["id"], "scope": "watch", "label": label})
    assert response.status_code == 400
    assert response.json() == {
        "error": "invalid_field",
        "message": "label must be 1 to 100 printable characters (no control characters or line breaks)",
    }
    assert service.admin.get("/admin/keys", params={"user_id": user["id"]}).json()["items"] == []


@pytest.mark.parametrize("name", HOSTILE)
def test_the_api_refuses_a_user_name_with_control_characters(service: AdminService, name: str) -> None:
    response = service.admin.post("/admin/users", json={"email": "eve@example.com", "name": name})
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_name"


def test_markup_and_unicode_labels_are_fine(service: AdminService) -> None:
    for label in ("[/oops]", "[red]fenix[/red]", "Ada’s ⌚ 7"):
        assert service.key(service.user(f"a{len(label)}@example.com")["id"], label=label)["label"] == label


def test_cli_refuses_a_label_with_an_escape(tmp_path: Path) -> None:
    refused = cryptowatch(tmp_path, "keys", "create", "--label", "\x1b[2J wiped")
    assert refused.returncode == 1
    assert refused.stderr == "cryptowatch keys: label must not contain control characters or line breaks\n"
    assert cryptowatch(tmp_path, "keys", "list").stdout.splitlines()[1:] == []


def test_cli_lists_an_old_label_with_its_escapes_shown_not_sent(sqlite_store: Store, settings: Settings) -> None:
    """A label stored before the check (straight in the store) reaches the terminal as text."""
    issued = issue_key(sqlite_store, Scope.WATCH, 1_700_000_000, label="ok")
    sqlite_store.create_key(
        ApiKey("key_old", "cw_OldLabel", "0" * 64, Scope.WATCH, 1_700_000_000, None, "\x1b]0;pwned\x07 x")
    )
    listing = cryptowatch(settings.data_dir, "keys", "list")
    assert listing.returncode == 0, listing.stderr
    assert "\x1b" not in listing.stdout and "\x07" not in listing.stdout
    assert "\\x1b]0;pwned\\x07 x" in listing.stdout
    assert issued.record.prefix in listing.stdout


def test_issue_key_itself_refuses_it() -> None:
    with pytest.raises(InvalidInput):
        issue_key(None, Scope.WATCH, 0, label="a\tb")  # type: ignore[arg-type]  # refused before the store


@pytest.mark.parametrize(
    ("text", "shown"),
    [("plain ⌚", "plain ⌚"), ("\x1b[31m", "\\x1b[31m"), ("a\nb", "a\\nb"), ("\u2028", "\\u2028"), ("[/x]", "[/x]")],
)
def test_printable(text: str, shown: str) -> None:
    assert printable(text) == shown
