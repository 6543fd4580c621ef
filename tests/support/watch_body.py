"""Comparing watch bodies across requests: `n` (seconds to the next refresh) counts down every
second, while the rest of the body stays the same as long as the data does."""

from __future__ import annotations

import re

_NEXT_REFRESH = re.compile(rb',"n":\d+}$')


def without_n(body: bytes) -> bytes:
    """A body's bytes with its trailing `n` field taken out."""
    rest, found = _NEXT_REFRESH.subn(b"}", body)
    assert found == 1, f"no trailing n in {body!r}"
    return rest
