"""The two codes of a pairing: the user code a person reads and types, and the device code the
watch polls with.

User codes follow RFC 8628 section 6.1: 8 characters from 20 consonants (no vowels, so no words;
no look-alikes such as I, O, 0, 1), shown as XXXX-XXXX and compared without case, dashes or
spaces: 20^8 = 2.56e10 codes, about 34.6 bits. Device codes carry 256 random bits. Both are kept
only as SHA-256 hashes: the store never holds either code itself."""

from __future__ import annotations

import hashlib
import secrets

from shared.errors import InvalidInput

USER_CODE_ALPHABET = "BCDFGHJKLMNPQRSTVWXZ"
USER_CODE_LENGTH = 8
USER_CODE_SPACE = len(USER_CODE_ALPHABET) ** USER_CODE_LENGTH
DEVICE_CODE_BYTES = 32
MAX_CODE_INPUT = 64  # characters of a typed code looked at; longer input is not a code
_SEPARATORS = "- \t"
_IGNORED = str.maketrans("", "", _SEPARATORS)
#: What `canonical_user_code` accepts, as a pattern for the API's document and decoding.
USER_CODE_PATTERN = (
    f"^[{_SEPARATORS}]*(?:[{USER_CODE_ALPHABET}{USER_CODE_ALPHABET.lower()}][{_SEPARATORS}]*){{{USER_CODE_LENGTH}}}$"
)


def new_user_code() -> str:
    """A fresh user code in its canonical form: 8 upper-case letters, no dash."""
    return "".join(secrets.choice(USER_CODE_ALPHABET) for _ in range(USER_CODE_LENGTH))


def display_user_code(code: str) -> str:
    """XXXX-XXXX, the form a watch shows and a person reads out."""
    half = USER_CODE_LENGTH // 2
    return f"{code[:half]}-{code[half:]}"


def canonical_user_code(typed: str) -> str:
    """A typed user code in canonical form (case, dashes and spaces ignored); InvalidInput when
    it cannot be one, so a typo costs no store lookup and no counted attempt."""
    code = typed[:MAX_CODE_INPUT].translate(_IGNORED).upper()
    if len(typed) > MAX_CODE_INPUT or len(code) != USER_CODE_LENGTH or any(
        c not in USER_CODE_ALPHABET for c in code
    ):
        raise InvalidInput(
            f"a pairing code is {USER_CODE_LENGTH} letters from {USER_CODE_ALPHABET}, shown as XXXX-XXXX",
            code="invalid_user_code",
        )
    return code


def new_device_code() -> str:
    return secrets.token_urlsafe(DEVICE_CODE_BYTES)


def code_hash(code: str) -> str:
    """How either code is stored and looked up. A fast hash is enough: a device code has 256
    random bits, and a user code lives ten minutes behind attempt limits (docs/watch-clients.md)."""
    return hashlib.sha256(code.encode("utf-8", "surrogatepass")).hexdigest()
