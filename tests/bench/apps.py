"""Baselines served beside the real watch path, each returning the same bytes.

- raw: an ASGI callable with no framework at all, the ceiling.
- bare: a Starlette route returning the bytes, the framework floor our path is measured against.
  Both send the full path's response as it is, header fields included (ETag, Cache-Control and
  the five rate-limit fields, with the values of one real response): each header line costs
  uvicorn about half a microsecond, so a baseline with fewer would measure header counts, not
  what auth, rate limiting and the cache cost.
- fastapi: the same endpoint written the way the seed projects wrote theirs (FastAPI, an
  APIKeyHeader dependency doing a key lookup and a rate-limit count in the store, prices read
  from the store on every request, a pydantic response model), to show what caching and the
  compact path save.

The body to return is read from the file named by BENCH_BODY_FILE, its header fields (a JSON
list of [name, value]) from BENCH_HEADERS_FILE.
"""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path

from fastapi import Depends, FastAPI, HTTPException, Security
from fastapi.security import APIKeyHeader
from pydantic import BaseModel
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from shared.keys import hash_key
from shared.models import ApiKey
from shared.store.sqlite import SQLiteStore

BODY = Path(os.environ.get("BENCH_BODY_FILE", "/dev/null")).read_bytes()
_FIELDS = [(name.encode(), value.encode()) for name, value in
           json.loads(Path(os.environ.get("BENCH_HEADERS_FILE", "/dev/null")).read_text() or "[]")]
HEADERS = [(b"content-length", str(len(BODY)).encode()), *_FIELDS]


async def raw(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200, "headers": HEADERS})
    await send({"type": "http.response.body", "body": BODY})


_BARE_HEADERS = {name.decode(): value.decode() for name, value in _FIELDS if name != b"content-type"}


async def _bare_route(request: Request) -> Response:
    return Response(BODY, media_type="application/json", headers=_BARE_HEADERS)


bare = Starlette(routes=[Route("/v1/prices", _bare_route)])

# --- the seed-style FastAPI version ---------------------------------------------------------
# As the seed projects did it: every request looks its key up in the store, counts itself in
# the store, and reads the prices from the store; pydantic builds a verbose response.
fastapi = FastAPI()
_api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False)
_store = SQLiteStore(Path(os.environ.get("CRYPTOWATCH_DATA_DIR", "data")) / "cryptowatch.db")
# The seeds' store was DynamoDB, where FastAPI's worker threads never wait for each other. On
# SQLite they would (and sleep in its busy handler), which is not the seeds' cost: one lock
# serialises the store calls instead, giving the baseline its best case.
_store_lock = threading.Lock()


class CoinPrice(BaseModel):
    symbol: str
    currency: str
    price: float
    change_24h: float | None
    last_updated: int


class PricesResponse(BaseModel):
    prices: list[CoinPrice]


def _verify_key(key: str | None = Security(_api_key_header)) -> ApiKey:
    with _store_lock:
        record = _store.find_key_by_hash(hash_key(key or ""))
    if record is None:
        raise HTTPException(status_code=401, detail="Invalid API key")
    at = int(time.time())
    with _store_lock:
        count = _store.hit(record.id, at - at % 60, record.rate_limit or 100, 86_400)
    if count > (record.rate_limit or 100):
        raise HTTPException(status_code=429, detail="Rate limit exceeded")
    return record


@fastapi.get("/v1/prices", response_model=PricesResponse)
def _fastapi_prices(symbols: str = "BTC,ETH,SOL", key: ApiKey = Depends(_verify_key)) -> PricesResponse:
    wanted = {s.strip().upper() for s in symbols.split(",")}
    with _store_lock:
        latest = _store.latest_prices()
    return PricesResponse(prices=[
        CoinPrice(symbol=p.symbol, currency=p.currency, price=p.price, change_24h=p.change_24h,
                  last_updated=p.updated_at)
        for p in latest if p.symbol in wanted
    ])
