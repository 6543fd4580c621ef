"""Passwords of wearers' accounts: argon2id hashes, and the rules a new password must meet.

NIST SP 800-63B: at least 10 characters here, no composition rules, and a password found in a
list of common ones is refused. A password is never logged, returned or stored in any form but
its argon2id hash; `argon2-cffi`'s defaults are RFC 9106's second recommended profile."""

from __future__ import annotations

import functools

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from shared.errors import InvalidInput
from shared.limits import MAX_PASSWORD, MIN_PASSWORD, common_passwords

_HASHER = PasswordHasher()


def acceptable(password: str) -> str:
    """The password when it may be chosen; InvalidInput (`weak_password`) saying why not."""
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise InvalidInput(
            f"password must be {MIN_PASSWORD} to {MAX_PASSWORD} characters", code="weak_password"
        )
    if password.casefold() in common_passwords():
        raise InvalidInput("this password is among the most common ones; choose another", code="weak_password")
    return password


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


@functools.cache
def _decoy() -> str:
    return hash_password("a decoy that no account has")


def verify_password(password: str, password_hash: str | None) -> bool:
    """Constant work whether or not there is a hash: with None a decoy is checked, so a
    login for an unknown email takes as long as one with a wrong password."""
    try:
        return _HASHER.verify(password_hash or _decoy(), password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False
