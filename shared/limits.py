"""Every limit and pattern the API's shapes declare, in one place.

The models in `shared/shapes/` put these on their fields (validation and the OpenAPI document
both read them from there); the domain rules in `shared/` and the query parsers in `api/`
import the same names, so no number or pattern is typed twice.
"""

from __future__ import annotations

import functools
from importlib.resources import files

DAY_SECONDS = 86_400
#: Epoch seconds as the API takes them (2**40 is the year 36812: room without overflow anywhere).
MAX_EPOCH = 2**40

# Keys
MAX_RATE_LIMIT = 1_000_000  # per minute, as RATE_LIMIT_PER_MINUTE's ceiling
DEFAULT_OVERLAP = DAY_SECONDS
MAX_OVERLAP = 30 * DAY_SECONDS
MAX_LABEL = 100
MAX_ID = 200

# Users
MAX_EMAIL = 254
MAX_LOCAL = 64
MAX_NAME = 100
#: Passwords (NIST SP 800-63B: at least 8; we ask 10). The cap bounds the hashing work.
MIN_PASSWORD = 10
MAX_PASSWORD = 256


@functools.cache
def common_passwords() -> frozenset[str]:
    """The shipped list of common passwords (lower case), refused as new passwords."""
    text = files("shared").joinpath("common_passwords.txt").read_text("utf-8")
    return frozenset(line.strip().casefold() for line in text.splitlines() if line.strip() and line[0] != "#")

#: Python's `$` (msgspec validates with `re`, and Hypothesis draws from patterns with it) also
#: matches before a final `\n`, ECMAScript's does not: this lookahead, after `^`, makes a pattern
#: mean the same in both.
NO_NEWLINE = r"(?![^\n]*\n)"

# An address is a mail header's recipient and an SMTP envelope's, so it must mean one mailbox to
# every parser: the RFC 5322 dot-atom local part (ASCII letters, digits and !#$%&'*+/=?^_`{|}~-,
# dots only between them; no quotes, commas, angle brackets or comments) and a host name of
# letter-digit-hyphen labels under a letter TLD (or a punycode one).
_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
EMAIL_SHAPE = rf"({_ATEXT}+(?:\.{_ATEXT}+)*)@((?:{_LABEL}\.)+(?:[A-Za-z]{{2,63}}|xn--[A-Za-z0-9-]{{1,59}}))"
#: `=?` starts an RFC 2047 encoded word, which header parsers decode into other text.
ENCODED_WORD = "=?"
#: The whole rule as one pattern, for the document and `shared.users.valid_email` alike: no
#: newline (see NO_NEWLINE), not an encoded word, a local part of at most MAX_LOCAL characters
#: (no MAX_LOCAL + 1 characters before the `@`), the shape above.
#: Both rules are negative lookaheads: generators (hypothesis' `from_regex`, which schemathesis
#: uses) spell a positive lookahead's text out as if it consumed input, so the equivalent
#: `(?=[^@]{1,64}@)` put a second `...@` before every address and no drawn value ever matched.
EMAIL_PATTERN = rf"^{NO_NEWLINE}(?![^@]*=\?)(?![^@]{{{MAX_LOCAL + 1}}}){EMAIL_SHAPE}$"
MIN_SECRET = 16
MAX_SECRET = 200

# Alerts
MIN_COOLDOWN = 60
MAX_COOLDOWN = 30 * DAY_SECONDS
DEFAULT_COOLDOWN = 3600
MAX_PCT_MOVE = 1000.0
MAX_URL = 2000
MAX_CURRENCY = 5
#: http(s), a plain host name or IPv4 address, an optional port, an optional printable-ASCII path.
WEBHOOK_URL_PATTERN = r"^https?://[A-Za-z0-9][A-Za-z0-9.-]*(:[0-9]{1,5})?(/[!-~]*)?$"

# Symbols and pages
MAX_SYMBOL = 12
#: One symbol as a client writes it (any case): a coin (BTC) or a stock ticker as Yahoo Finance
#: writes it (AAPL, BRK-B, RY.TO, 7203.T); the store keeps it upper-case.
SYMBOL_PATTERN = f"^[A-Za-z0-9][A-Za-z0-9.-]{{0,{MAX_SYMBOL - 1}}}$"
MAX_EXPORT_SYMBOLS = 250
DEFAULT_PAGE = 50
MAX_PAGE = 200
MAX_CURSOR = 512
MAX_HISTORY_HOURS = 24 * 30
DEFAULT_HISTORY_HOURS = 24
MIN_HISTORY_POINTS = 2
MAX_HISTORY_POINTS = 96
DEFAULT_HISTORY_POINTS = 24
#: A UTC day as usage is bucketed and asked for: 'YYYY-MM-DD', zero-padded.
DAY_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"

#: White space as the OpenAPI document's patterns mean it (ECMAScript's `\s`): Python's
#: `str.strip()` and `\s` also take the ASCII separators U+001C-U+001F, so a value the document
#: calls non-blank would be refused as blank. Strings are trimmed of exactly these characters.
SPACE = (
    " \t\n\v\f\r\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000\ufeff"
)
_SPACE_CLASS = "".join(f"\\u{ord(c):04x}" for c in SPACE)
#: "Not blank": one character outside SPACE, spelled out so that Python and ECMAScript agree.
NOT_BLANK = f"[^{_SPACE_CLASS}]"
#: Control characters (Unicode category Cc, fixed by Unicode's stability policy) and the line
#: and paragraph separators: what `shared.text.unprintable` refuses, as a class body.
_UNPRINTABLE = "\\u0000-\\u001f\\u007f-\\u009f\\u2028\\u2029"
#: A name or a key's label as people see it: printable throughout, and not blank.
PRINTABLE_NOT_BLANK = f"^{NO_NEWLINE}[^{_UNPRINTABLE}]*[^{_UNPRINTABLE}{_SPACE_CLASS}][^{_UNPRINTABLE}]*$"
