"""API key material: generation, hashing and constant-time verification.

A key is `cw_` + 32 url-safe characters (192 random bits). Only its SHA-256 is stored; the
first characters are kept as a display prefix so a person can tell keys apart. Keys carry far
more entropy than passwords, so a fast hash is the right choice (as GitHub and Stripe do)."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

import msgspec

KEY_PREFIX = "cw_"
DISPLAY_PREFIX_LENGTH = 11  # "cw_" + 8 characters
MAX_KEY_LENGTH = 128
_SHAPE = re.compile(rf"{KEY_PREFIX}[A-Za-z0-9_-]{{13,{MAX_KEY_LENGTH - len(KEY_PREFIX)}}}")


class NewKey(msgspec.Struct, frozen=True):
    secret: str
    key_hash: str
    prefix: str


def generate_key() -> NewKey:
    secret = KEY_PREFIX + secrets.token_urlsafe(24)
    return NewKey(secret=secret, key_hash=hash_key(secret), prefix=secret[:DISPLAY_PREFIX_LENGTH])


def hash_key(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def verify_key(secret: str, key_hash: str) -> bool:
    """Constant-time comparison of a presented key against a stored hash."""
    return hmac.compare_digest(hash_key(secret), key_hash)


def looks_like_key(secret: str) -> bool:
    """Cheap shape check that spares the store a lookup (and the key cache an entry) for
    garbage: the prefix, then only characters `token_urlsafe` produces."""
    return _SHAPE.fullmatch(secret) is not None
