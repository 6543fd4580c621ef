"""API key material: unguessable, stored only as a hash, verified in constant time."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from shared.keys import generate_key, hash_key, looks_like_key, verify_key


def test_generated_keys_are_long_random_and_prefixed() -> None:
    keys = [generate_key() for _ in range(200)]
    assert len({k.secret for k in keys}) == 200
    for key in keys:
        assert key.secret.startswith("cw_")
        assert len(key.secret) - 3 >= 32  # 24 random bytes, url-safe: 192 bits
        assert key.prefix == key.secret[:11]
        assert key.key_hash == hash_key(key.secret)
        assert key.secret not in key.key_hash
        assert looks_like_key(key.secret)


@given(st.text(max_size=200))
def test_only_the_exact_key_verifies(candidate: str) -> None:
    key = generate_key()
    assert verify_key(key.secret, key.key_hash)
    assert verify_key(candidate, key.key_hash) == (candidate == key.secret)


@given(st.text(max_size=300))
def test_any_text_hashes_without_error(candidate: str) -> None:
    assert len(hash_key(candidate)) == 64


def test_garbage_does_not_look_like_a_key() -> None:
    for text in ["", "cw_", "secret", "cw_" + "x" * 200, "cw_ünïcödé-but-long-enough"]:
        assert not looks_like_key(text)
