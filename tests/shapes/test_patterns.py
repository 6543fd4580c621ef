"""The document's email, name and key-label patterns say exactly what the server's checks
accept, and a generator can draw from them (schemathesis draws patterns with Hypothesis'
`from_regex`)."""

from __future__ import annotations

import re

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from api.requests import decode
from shared.errors import InvalidInput
from shared.keyring import new_key
from shared.limits import EMAIL_PATTERN, MAX_EMAIL, MAX_LABEL, MAX_LOCAL, MAX_NAME, PRINTABLE_NOT_BLANK
from shared.models import Scope
from shared.shapes.keys import KeyCreate
from shared.users import valid_email, valid_name


def accepts(check: object, value: str) -> bool:
    try:
        check(value)  # type: ignore[operator]
    except InvalidInput:
        return False
    return True


def documented_email(value: str) -> bool:
    return len(value) <= MAX_EMAIL and re.search(EMAIL_PATTERN, value) is not None


@given(st.from_regex(EMAIL_PATTERN).filter(lambda v: len(v) <= MAX_EMAIL))
def test_every_address_the_pattern_draws_is_accepted(address: str) -> None:
    assert accepts(valid_email, address)


@pytest.mark.parametrize(
    ("local", "accepted"),
    [("a" * MAX_LOCAL, True), ("a" * (MAX_LOCAL + 1), False), ("a=?b", False), ("a=b?", True), ("a..b", False)],
)
def test_the_local_part_rules(local: str, accepted: bool) -> None:
    address = f"{local}@example.com"
    assert documented_email(address) is accepted
    assert accepts(valid_email, address) is accepted


@given(st.lists(st.sampled_from([*"a=?.@-x \t", "example.com"]), max_size=80).map("".join))
def test_the_email_pattern_is_the_server_rule(address: str) -> None:
    assert documented_email(address) == accepts(valid_email, address)


@pytest.mark.parametrize("address", [" ada@example.com", "ada@example.com ", "\tada@example.com", "ada@example.com\n"])
def test_an_address_with_white_space_around_it_is_refused_not_trimmed(address: str) -> None:
    assert not documented_email(address) and not accepts(valid_email, address)


@given(st.text(max_size=MAX_NAME))
def test_the_name_pattern_is_the_server_rule(name: str) -> None:
    assert (re.search(PRINTABLE_NOT_BLANK, name) is not None) == accepts(valid_name, name)


def key_with_label(label: str) -> None:
    """What POST /admin/keys does with a label: decode the body, then make the key."""
    body = decode(orjson.dumps({"user_id": "usr_ada", "scope": "watch", "label": label}), KeyCreate)
    new_key(Scope.WATCH, 1_733_300_000, user_id=body.user_id, label=body.label)


@given(st.text(max_size=MAX_LABEL + 2) | st.sampled_from(["wrist\n", "\x1b[31mred", "a\u2028b", " ", "ok "]))
def test_the_label_pattern_is_the_server_rule(label: str) -> None:
    documented = len(label) <= MAX_LABEL and re.search(PRINTABLE_NOT_BLANK, label) is not None
    assert documented == accepts(key_with_label, label)
