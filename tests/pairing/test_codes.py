"""User codes as RFC 8628 section 6.1 advises: 8 consonants shown XXXX-XXXX, read back in any
case with or without the dash; device codes random; the pairing URI that carries a URL and a key."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shared.errors import InvalidInput
from shared.pairing.codes import (
    USER_CODE_ALPHABET,
    USER_CODE_PATTERN,
    canonical_user_code,
    display_user_code,
    new_device_code,
    new_user_code,
)
from shared.pairing.uri import pairing_uri, parse_pairing_uri

codes = st.text(alphabet=USER_CODE_ALPHABET, min_size=8, max_size=8)


def test_the_alphabet_is_20_consonants_no_vowels_and_no_digits_to_mistake_for_letters() -> None:
    assert set(USER_CODE_ALPHABET).isdisjoint("AEIOUY0123456789")
    assert USER_CODE_ALPHABET.isupper() and len(set(USER_CODE_ALPHABET)) == 20


def test_new_user_codes_are_8_letters_of_the_alphabet_and_differ() -> None:
    drawn = {new_user_code() for _ in range(200)}

    assert len(drawn) == 200
    assert all(len(code) == 8 and set(code) <= set(USER_CODE_ALPHABET) for code in drawn)
    assert display_user_code("BCDFGHJK") == "BCDF-GHJK"


@settings(deadline=None)  # a loaded machine must not fail a property on time alone
@given(codes, st.data())
def test_a_code_reads_back_whatever_its_case_dashes_and_spaces(code: str, data: st.DataObject) -> None:
    typed = "".join(
        data.draw(st.sampled_from([c.upper(), c.lower()])) + data.draw(st.sampled_from(["", "-", " "]))
        for c in code
    )

    assert canonical_user_code(typed) == code
    assert canonical_user_code(display_user_code(code).lower()) == code


@pytest.mark.parametrize("typed", ["", "BCDF-GHJ", "BCDF-GHJKL", "BCDF-GHJA", "BCDF-GHJ0", "B" * 65, "ＢCDFGHJK"])
def test_what_cannot_be_a_code_is_refused_by_its_shape(typed: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        canonical_user_code(typed)
    assert refused.value.code == "invalid_user_code"


def test_device_codes_carry_256_random_bits() -> None:
    drawn = {new_device_code() for _ in range(100)}

    assert len(drawn) == 100
    assert all(len(code) == 43 for code in drawn)


@settings(deadline=None)
@given(
    st.sampled_from(["http://127.0.0.1:8000", "https://prices.example.com/", "https://h.example/cw?x=1&y=2"]),
    st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-", min_size=32, max_size=40),
)
def test_a_pairing_uri_carries_the_url_and_key_back_intact(url: str, tail: str) -> None:
    key = "cw_" + tail

    assert parse_pairing_uri(pairing_uri(url, key)) == (url.rstrip("/"), key)


@pytest.mark.parametrize(
    "uri",
    ["https://prices.example.com", "cryptowatch://pair?url=ftp%3A%2F%2Fx&key=cw_" + "a" * 32,
     "cryptowatch://pair?url=https%3A%2F%2Fx", "cryptowatch://other?url=https%3A%2F%2Fx&key=cw_" + "a" * 32],
)
def test_what_is_not_a_pairing_uri_says_so(uri: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_pairing_uri(uri)
    assert refused.value.code == "invalid_pairing_uri"


@settings(deadline=None)
@given(st.text(alphabet=USER_CODE_ALPHABET + USER_CODE_ALPHABET.lower() + "AEIO019- \t", max_size=20))
def test_the_documented_pattern_accepts_exactly_what_the_api_reads_as_a_code(typed: str) -> None:
    try:
        canonical_user_code(typed)
        readable = True
    except InvalidInput:
        readable = False

    assert (re.fullmatch(USER_CODE_PATTERN, typed) is not None) == readable
