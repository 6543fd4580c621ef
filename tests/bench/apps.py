"""Baselines served beside the real watch path, each returning the same bytes.

- raw: an ASGI callable with no framework at all, the ceiling.
- bare: a Starlette route returning the bytes, the framework floor our path is measured against.
- fastapi: the same endpoint written the way the seed projects wrote theirs (FastAPI, an
  APIKeyHeader dependency, a pydantic response model), to show what the compact path saves.

The body to return is read from the file named by BENCH_BODY_FILE.
"""

from __future__ import annotations

import os
from pathlib import Path

from fastapi import Depends, FastAPI, HTTPException, Security
from fastapi.security import APIKeyHeader
from pydantic import BaseModel
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

BODY = Path(os.environ.get("BENCH_BODY_FILE", "/dev/null")).read_bytes()
HEADERS = [(b"content-type", b"application/json"), (b"content-length", str(len(BODY)).encode())]


async def raw(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200, "headers": HEADERS})
    await send({"type": "http.response.body", "body": BODY})


async def _bare_route(request: Request) -> Response:
    return Response(BODY, media_type="application/json")


bare = Starlette(routes=[Route("/v1/prices", _bare_route)])

# --- the seed-style FastAPI version ---------------------------------------------------------
fastapi = FastAPI()
_api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False)
_KNOWN_KEYS = {os.environ.get("BENCH_API_KEY", "")}


class CoinPrice(BaseModel):
    symbol: str
    price: float
    change_24h: float | None
    last_updated: int


class PricesResponse(BaseModel):
    currency: str
    prices: list[CoinPrice]


def _verify_key(key: str | None = Security(_api_key_header)) -> str:
    if key not in _KNOWN_KEYS:
        raise HTTPException(status_code=401, detail="Invalid API key")
    return key


_SEED_PRICES = PricesResponse(
    currency="usd",
    prices=[
        CoinPrice(symbol="BTC", price=97123.4567, change_24h=-1.2345, last_updated=1763790000),
        CoinPrice(symbol="ETH", price=3456.789, change_24h=0.85, last_updated=1763790000),
        CoinPrice(symbol="SOL", price=245.1234, change_24h=3.1, last_updated=1763790000),
    ],
)


@fastapi.get("/v1/prices", response_model=PricesResponse)
async def _fastapi_prices(symbols: str = "BTC,ETH,SOL", key: str = Depends(_verify_key)) -> PricesResponse:
    wanted = {s.strip().upper() for s in symbols.split(",")}
    return PricesResponse(currency="usd", prices=[p for p in _SEED_PRICES.prices if p.symbol in wanted])
