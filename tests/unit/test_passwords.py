"""Password rules (NIST SP 800-63B) and argon2id hashing."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shared.errors import InvalidInput
from shared.limits import common_passwords
from shared.passwords import acceptable, hash_password, verify_password


@pytest.mark.parametrize("weak", ["short", "123456789", "1234567890", "Password123", "QWERTYUIOP"])
def test_short_or_common_passwords_are_refused(weak: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        acceptable(weak)
    assert refused.value.code == "weak_password"


def test_a_long_password_is_refused_before_it_costs_hashing() -> None:
    with pytest.raises(InvalidInput):
        acceptable("x" * 257)


def test_the_shipped_list_is_loaded_from_the_package() -> None:
    assert len(common_passwords()) > 100
    assert "password123" in common_passwords()


def test_the_hash_is_argon2id_and_verifies_only_its_password() -> None:
    stored = hash_password("correct horse battery")

    assert stored.startswith("$argon2id$")
    assert "correct horse" not in stored
    assert verify_password("correct horse battery", stored)
    assert not verify_password("correct horse batterY", stored)


def test_no_hash_and_a_broken_hash_never_verify() -> None:
    assert not verify_password("a decoy that no account has", None)
    assert not verify_password("anything at all", "not-a-hash")


@settings(max_examples=25, deadline=None)
@given(st.text(min_size=10, max_size=40).filter(lambda p: p.casefold() not in common_passwords()))
def test_any_long_uncommon_password_is_accepted_unchanged(password: str) -> None:
    assert acceptable(password) == password
