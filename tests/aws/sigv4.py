"""An independent check of an S3 pre-signed URL (SigV4 query authentication), written from
AWS's specification rather than with botocore's signer.

moto serves pre-signed URLs but does not enforce their expiry, so the tests prove expiry the
way S3 enforces it: the URL states its start (X-Amz-Date) and lifetime (X-Amz-Expires), both
are covered by the signature, and a request after start + lifetime is refused.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl, quote, urlsplit

_SAFE = "-_.~"


def _hmac(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode(), hashlib.sha256).digest()


def signed_window(url: str) -> tuple[datetime, datetime]:
    """(valid from, valid until) as the URL states them."""
    params = dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))
    start = datetime.strptime(params["X-Amz-Date"], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    return start, start + timedelta(seconds=int(params["X-Amz-Expires"]))


def signature_matches(url: str, secret_key: str) -> bool:
    """True when X-Amz-Signature is the SigV4 signature of this GET with these parameters."""
    parts = urlsplit(url)
    params = parse_qsl(parts.query, keep_blank_values=True)
    given = dict(params)["X-Amz-Signature"]
    query = "&".join(
        f"{quote(name, safe=_SAFE)}={quote(value, safe=_SAFE)}"
        for name, value in sorted(params)
        if name != "X-Amz-Signature"
    )
    values = dict(params)
    canonical = "\n".join(
        ["GET", parts.path, query, f"host:{parts.netloc}\n", values["X-Amz-SignedHeaders"],
         "UNSIGNED-PAYLOAD"]
    )  # fmt: skip
    scope = values["X-Amz-Credential"].split("/", 1)[1]  # date/region/service/aws4_request
    to_sign = "\n".join(
        ["AWS4-HMAC-SHA256", values["X-Amz-Date"], scope,
         hashlib.sha256(canonical.encode()).hexdigest()]
    )  # fmt: skip
    key = ("AWS4" + secret_key).encode()
    for part in scope.split("/"):
        key = _hmac(key, part)
    expected = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, given)


def accepted_at(url: str, secret_key: str, at: datetime) -> bool:
    """Would S3 accept this URL at `at`? A valid signature, inside the signed window."""
    start, until = signed_window(url)
    return signature_matches(url, secret_key) and at <= until
