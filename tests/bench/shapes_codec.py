"""Why msgspec for the API's shapes: decoding and validating a request body, and encoding a
response, beside pydantic v2 (the usual choice) and orjson with hand-written checks (what the
API did before), measured side by side in one run; and the import cost a Lambda cold start pays.

    python -m tests.bench.shapes_codec

The body is POST /admin/keys's; the answer is a key's view. pydantic's model states the same
limits as `shared.shapes.keys`."""

from __future__ import annotations

import subprocess
import sys
import timeit
from typing import Annotated, Literal

import msgspec
import orjson
import pydantic

from api.requests import decode
from shared.limits import MAX_EPOCH, MAX_ID, MAX_LABEL, MAX_RATE_LIMIT
from shared.models import Scope
from shared.shapes.keys import KeyCreate, KeyView

BODY = b'{"user_id": "usr_01jd5v8y0q7x", "scope": "watch", "label": "Ada\'s watch", "rate_limit": 120}'
VIEW = dict(
    id="key_01jd5v8y0q7x", prefix="cw_Ab3d", scope=Scope.WATCH, user_id="usr_01jd5v8y0q7x", label="Ada's watch",
    rate_limit=120, created_at=1_764_800_000, expires_at=None, revoked_at=None, last_used_at=1_764_800_100,
    requests_today=42, rejected_today=0, status="active",
)


class PydanticKeyCreate(pydantic.BaseModel, extra="forbid"):
    user_id: Annotated[str, pydantic.StringConstraints(max_length=MAX_ID, pattern=r"\S")]
    scope: Scope
    label: Annotated[str, pydantic.StringConstraints(max_length=MAX_LABEL)] | None = None
    rate_limit: Annotated[int, pydantic.Field(ge=1, le=MAX_RATE_LIMIT, strict=True)] | None = None
    expires_at: Annotated[int, pydantic.Field(ge=0, le=MAX_EPOCH, strict=True)] | None = None


class PydanticKeyView(pydantic.BaseModel):
    id: str
    prefix: str
    scope: Scope
    user_id: str | None
    label: str | None
    rate_limit: int | None
    created_at: int
    expires_at: int | None
    revoked_at: int | None
    last_used_at: int | None
    requests_today: int
    rejected_today: int
    status: Literal["active", "expired", "revoked"]


def hand_checked(raw: bytes) -> dict[str, object]:
    """The shape of the old api/requests.py: orjson, then one check per field."""
    data = orjson.loads(raw)
    assert isinstance(data, dict) and not set(data) - {"user_id", "scope", "label", "rate_limit", "expires_at"}
    assert isinstance(data["user_id"], str) and 0 < len(data["user_id"].strip()) <= MAX_ID
    data["scope"] = Scope(data["scope"])
    assert data.get("label") is None or isinstance(data["label"], str) and len(data["label"]) <= MAX_LABEL
    rate = data.get("rate_limit")
    assert rate is None or isinstance(rate, int) and not isinstance(rate, bool) and 1 <= rate <= MAX_RATE_LIMIT
    return data


def per_call(function: object, number: int = 20_000) -> float:
    """Microseconds per call, best of five."""
    return min(timeit.repeat(function, number=number, repeat=5)) / number * 1e6  # type: ignore[arg-type]


def import_ms(module: str) -> float:
    """A fresh interpreter's import time for `module`, best of three, in ms (minus a bare start)."""
    def run(code: str) -> float:
        return min(
            float(subprocess.run([sys.executable, "-c", f"import time; t=time.perf_counter(); {code}; "
                                  "print(time.perf_counter()-t)"], capture_output=True, text=True,
                                 check=True).stdout) for _ in range(3)
        ) * 1000
    return run(f"import {module}") - run("pass")


def main() -> None:
    view = KeyView(**VIEW)
    pyview = PydanticKeyView(**VIEW)
    as_dict = {**VIEW, "scope": "watch"}
    decoders = {
        "msgspec (msgspec.json.decode, type=KeyCreate)": lambda: msgspec.json.decode(BODY, type=KeyCreate),
        "msgspec via api.requests.decode (+ duplicate-key check)": lambda: decode(BODY, KeyCreate),
        "pydantic v2 (model_validate_json)": lambda: PydanticKeyCreate.model_validate_json(BODY),
        "orjson + hand-written checks (before)": lambda: hand_checked(BODY),
    }
    encoders = {
        "msgspec (msgspec.json.encode)": lambda: msgspec.json.encode(view),
        "pydantic v2 (model_dump_json)": lambda: pyview.model_dump_json(),
        "orjson of a view dict (before)": lambda: orjson.dumps(as_dict),
    }
    for title, cases in (("decode + validate a body", decoders), ("encode an answer", encoders)):
        timings = {name: per_call(fn) for name, fn in cases.items()}
        base = next(iter(timings.values()))
        print(f"{title}:")
        for name, micros in timings.items():
            print(f"  {name:58s} {micros:6.2f} µs  {micros / base:5.2f}x")
    print("import cost in a fresh interpreter:")
    for module in ("msgspec", "pydantic"):
        print(f"  {module:58s} {import_ms(module):6.1f} ms")


if __name__ == "__main__":
    main()
