"""The document's email and name patterns say exactly what the server's checks accept, and a
generator can draw from them (schemathesis draws patterns with Hypothesis' `from_regex`)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.errors import InvalidInput
from shared.limits import EMAIL_PATTERN, MAX_EMAIL, MAX_LOCAL, MAX_NAME, PRINTABLE_NOT_BLANK
from shared.users import valid_email, valid_name


def accepts(check: object, value: str) -> bool:
    try:
        check(value)  # type: ignore[operator]
    except InvalidInput:
        return False
    return True


def documented_email(value: str) -> bool:
    return len(value) <= MAX_EMAIL and re.search(EMAIL_PATTERN, value) is not None and "\n" not in value


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


@given(st.lists(st.sampled_from([*"a=?.@-x", "example.com"]), max_size=80).map("".join))
def test_the_email_pattern_is_the_server_rule(address: str) -> None:
    assert documented_email(address) == accepts(valid_email, address)


@given(st.text(max_size=MAX_NAME))
def test_the_name_pattern_is_the_server_rule(name: str) -> None:
    assert (re.search(PRINTABLE_NOT_BLANK, name) is not None and "\n" not in name) == accepts(valid_name, name)
