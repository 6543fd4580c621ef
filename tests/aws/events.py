"""Lambda inputs as AWS sends them: API Gateway HTTP API (payload format 2.0) requests, the same
requests through a Lambda function URL, the EventBridge scheduled event, and a Lambda context
object."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl

API_ID = "a1b2c3d4e5"
HOST = f"{API_ID}.execute-api.eu-west-1.amazonaws.com"
SOURCE_IP = "203.0.113.7"


@dataclass
class LambdaContext:
    function_name: str = "cryptowatch-dev-ApiFunction-x1y2z3"
    memory_limit_in_mb: int = 512
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    invoked_function_arn: str = "arn:aws:lambda:eu-west-1:123456789012:function:cryptowatch"

    def get_remaining_time_in_millis(self) -> int:
        return 10_000


def http_api_event(
    method: str,
    path: str,
    query: str = "",
    headers: dict[str, str] | None = None,
    body: str | None = None,
) -> dict[str, Any]:
    """An HTTP API v2 request on the `$default` route and stage: headers lower-cased, repeated
    query values comma-joined in queryStringParameters, the raw query kept as sent."""
    at = datetime.now(UTC)
    all_headers = {
        "accept": "application/json",
        "content-length": str(len(body or "")),
        "host": HOST,
        "user-agent": "ConnectIQ",
        "x-amzn-trace-id": f"Root=1-{int(time.time()):08x}-{uuid.uuid4().hex[:24]}",
        "x-forwarded-for": SOURCE_IP,
        "x-forwarded-port": "443",
        "x-forwarded-proto": "https",
        **{name.lower(): value for name, value in (headers or {}).items()},
    }
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": path,
        "rawQueryString": query,
        "headers": all_headers,
        "requestContext": {
            "accountId": "123456789012",
            "apiId": API_ID,
            "domainName": HOST,
            "domainPrefix": API_ID,
            "http": {
                "method": method,
                "path": path,
                "protocol": "HTTP/1.1",
                "sourceIp": SOURCE_IP,
                "userAgent": all_headers["user-agent"],
            },
            "requestId": uuid.uuid4().hex[:16],
            "routeKey": "$default",
            "stage": "$default",
            "time": at.strftime("%d/%b/%Y:%H:%M:%S +0000"),
            "timeEpoch": int(at.timestamp() * 1000),
        },
        "isBase64Encoded": False,
    }
    if query:
        joined: dict[str, str] = {}
        for name, value in parse_qsl(query, keep_blank_values=True):
            joined[name] = f"{joined[name]},{value}" if name in joined else value
        event["queryStringParameters"] = joined
    if body is not None:
        event["body"] = body
    return event


URL_ID = "abcdefghijklmnopqrstuvwxyz123456"
URL_HOST = f"{URL_ID}.lambda-url.eu-west-1.on.aws"


def function_url_event(
    method: str, path: str, query: str = "", headers: dict[str, str] | None = None
) -> dict[str, Any]:
    """A request through a public (auth type NONE) function URL: the HTTP API v2 payload, with the
    URL's host, `anonymous` as the account and the TLS fields the URL adds (Lambda's "Invoking
    Lambda function URLs", request payload)."""
    event = http_api_event(
        method, path, query,
        {"host": URL_HOST, "x-amzn-tls-version": "TLSv1.3", "x-amzn-tls-cipher-suite": "TLS_AES_128_GCM_SHA256",
         **(headers or {})},
    )  # fmt: skip
    event["requestContext"].update(accountId="anonymous", apiId=URL_ID, domainName=URL_HOST, domainPrefix=URL_ID)
    return event


def scheduled_event() -> dict[str, Any]:
    """What an EventBridge `rate(5 minutes)` rule delivers."""
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": "123456789012",
        "time": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": "eu-west-1",
        "resources": ["arn:aws:events:eu-west-1:123456789012:rule/cryptowatch-dev-EveryFiveMinutes"],
        "detail": {},
    }
