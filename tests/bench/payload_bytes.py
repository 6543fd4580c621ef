"""Bytes on the wire for a watch's price request: ours beside CoinGecko's /simple/price for the
same data, for 1, 3 and 10 symbols, and what a 304 costs; then the portfolio body (0.5 BTC and
10 AAPL) beside the seed's summary response for the same holdings.

    python -m tests.bench.payload_bytes

Ours: the real app under uvicorn on 127.0.0.1 over a keep-alive connection, status line and
headers counted as sent, body as sent. The requests a watch makes: `/v1/prices/BTC?vs=usd` for one
coin, `/v1/prices?symbols=...&vs=usd` for several, naming the currency as CoinGecko's request
does; below them the same data asked other ways (the several-symbol route for one coin, and no
`vs`, where our body names the default currency it chose). Theirs: the body CoinGecko
returns for `ids=...&vs_currencies=usd&include_24hr_change=true&include_last_updated_at=true`,
built in its documented shape (docs.coingecko.com/v3.0.1/reference/simple-price: per coin id,
`usd`, `usd_24h_change`, `last_updated_at`), numbers at the 15 significant digits of that
page's example, without whitespace. Body only: CoinGecko's response headers come from its CDN
and vary, and no public document lists them, so they are not counted (which favours them).
"""

from __future__ import annotations

import json
import socket
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from api.app import create_app
from shared.ids import now
from shared.keyring import issue_key
from shared.models import AssetKind, PricePoint, Scope, UpdateStatus
from shared.portfolio import MAX_ASSETS_PER_USER, HoldingSpec, new_holding
from shared.store.sqlite import SQLiteStore
from shared.symbols import COINS
from shared.users import create_user
from tests.conftest import settings_for
from tests.support.server import serve

#: symbol -> (USD price, 24h change %), at CoinGecko's precision.
QUOTES = {
    "BTC": (67187.3358936566, 3.63727894677354),
    "ETH": (3456.78912345671, -1.20394857612093),
    "SOL": (172.503928475612, 5.01928374650192),
    "XRP": (0.617283940192837, -0.384756102938475),
    "ADA": (0.452918374650192, 2.10293847561029),
    "DOGE": (0.163412983746501, 7.82736450192837),
    "DOT": (7.10293847561029, -2.93847561029384),
    "LTC": (84.1029384756102, 0.192837465019283),
    "LINK": (17.8293847561029, 4.38475610293847),
    "AVAX": (45.2938475610293, -3.01928374650192),
}
TARGET_RATIO = 0.40


def watch_requests() -> list[tuple[str, int]]:
    """(path, symbol count): the watch's own requests first, then the other ways to ask."""
    first = list(QUOTES)
    several = [(f"/v1/prices?symbols={','.join(first[:n])}&vs=usd", n) for n in (3, 10)]
    return [
        (f"/v1/prices/{first[0]}?vs=usd", 1),
        *several,
        (f"/v1/prices?symbols={first[0]}&vs=usd", 1),
        (f"/v1/prices/{first[0]}", 1),
        *((path.removesuffix("&vs=usd"), n) for path, n in several),
    ]


@dataclass(frozen=True)
class Exchange:
    status: int
    head: bytes  # status line and headers, with the blank line that ends them
    body: bytes

    def header(self, name: str) -> str:
        for line in self.head.decode("latin-1").split("\r\n")[1:]:
            key, _, value = line.partition(":")
            if key.lower() == name.lower():
                return value.strip()
        raise KeyError(name)


class Connection:
    """One keep-alive HTTP/1.1 connection, reading each response exactly as sent."""

    def __init__(self, port: int, key: str) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.key = key
        self.buffer = b""

    def get(self, path: str, *extra: str) -> Exchange:
        lines = [f"GET {path} HTTP/1.1", "Host: 127.0.0.1", f"X-API-Key: {self.key}", *extra]
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        while b"\r\n\r\n" not in self.buffer:
            self.buffer += self.sock.recv(65_536)
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        exchange = Exchange(int(head.split(b" ", 2)[1]), head + b"\r\n\r\n", b"")
        length = int(exchange.header("content-length")) if exchange.status != 304 else 0
        while len(self.buffer) < length:
            self.buffer += self.sock.recv(65_536)
        body, self.buffer = self.buffer[:length], self.buffer[length:]
        return Exchange(exchange.status, exchange.head, body)

    def close(self) -> None:
        self.sock.close()


def coingecko_body(symbols: list[str], at: int) -> bytes:
    body = {
        COINS[symbol].coingecko: {"usd": price, "usd_24h_change": change, "last_updated_at": at}
        for symbol, (price, change) in ((s, QUOTES[s]) for s in symbols)
    }
    return json.dumps(body, separators=(",", ":")).encode()


def prepared_store(folder: Path, at: int) -> tuple[SQLiteStore, str]:
    store = SQLiteStore(folder / "cryptowatch.db")
    store.init()
    store.put_prices([PricePoint(s, "usd", p, c, at, "coingecko") for s, (p, c) in QUOTES.items()])
    store.record_update(UpdateStatus(True, "coingecko", at, at, len(QUOTES), last_success_at=at))
    return store, issue_key(store, Scope.WATCH, at, rate_limit=10**6).secret


#: The holdings of the portfolio rows: (symbol, kind, quantity, cost basis), with AAPL's price.
HOLDINGS = (("BTC", "crypto", "0.5", "20000"), ("AAPL", "stock", "10", "1500"))
AAPL = (189.84, 0.52)


def seed_summary_body(holdings: tuple[tuple[str, str, str, str], ...], at: int) -> bytes:
    """The seed's portfolio summary for the same holdings, as its FastAPI app would send it.
    The seed's code is not in this repository: this is rebuilt from what it offered (issue 14:
    assets with symbol, kind, quantity and cost basis; crypto and stock portfolios; a summary),
    in the shape such an app's pydantic response model gives (snake_case names, full floats,
    an ISO time, compact separators as FastAPI's JSONResponse writes them)."""
    quotes = {**QUOTES, "AAPL": AAPL}
    assets, totals = [], {"crypto": 0.0, "stock": 0.0}
    for number, (symbol, kind, quantity, cost) in enumerate(holdings, start=1):
        price, value = quotes[symbol][0], float(quantity) * quotes[symbol][0]
        totals[kind] += value
        assets.append({
            "id": number, "symbol": symbol, "asset_type": kind, "quantity": float(quantity),
            "purchase_price": float(cost), "current_price": price, "current_value": value,
            "profit_loss": value - float(cost), "profit_loss_percent": round((value / float(cost) - 1) * 100, 2),
        })
    total, cost = sum(totals.values()), sum(float(h[3]) for h in holdings)
    body = {
        "total_value": total, "crypto_value": totals["crypto"], "stock_value": totals["stock"],
        "total_cost": cost, "total_profit_loss": total - cost,
        "total_profit_loss_percent": round((total / cost - 1) * 100, 2), "assets": assets,
        "last_updated": datetime.fromtimestamp(at, UTC).isoformat(timespec="microseconds").replace("+00:00", ""),
    }
    return json.dumps(body, separators=(",", ":")).encode()


def portfolio_key(store: SQLiteStore, at: int) -> str:
    """A watch key of a user holding HOLDINGS, with AAPL priced."""
    store.put_prices([PricePoint("AAPL", "usd", AAPL[0], AAPL[1], at, "yahoo")])
    user = create_user(store, email="ada@example.com", name="Ada")
    for symbol, kind, quantity, cost in HOLDINGS:
        spec = HoldingSpec(symbol, AssetKind(kind), quantity, cost)
        store.add_holding(new_holding(spec, user.id, settings_for(Path(".")), at), MAX_ASSETS_PER_USER)
    return issue_key(store, Scope.WATCH, at, user_id=user.id, rate_limit=10**6).secret


def exchange(connection: Connection, path: str) -> tuple[Exchange, Exchange]:
    """A 200, then the 304 its ETag earns."""
    ours = connection.get(path)
    again = connection.get(path, f"If-None-Match: {ours.header('etag')}")
    assert (ours.status, again.status, again.body) == (200, 304, b""), (path, ours)
    return ours, again


def main() -> None:
    at = now()
    with tempfile.TemporaryDirectory() as folder:
        store, key = prepared_store(Path(folder), at)
        owner = portfolio_key(store, at)
        with serve(create_app(settings_for(Path(folder)), store)) as server:
            connection, holder = Connection(server.port, key), Connection(server.port, owner)
            try:
                rows = [(path, *exchange(connection, path), coingecko_body(list(QUOTES)[:count], at))
                        for path, count in watch_requests()]
                watch = exchange(holder, "/v1/portfolio?vs=usd")
                summary = holder.get("/v1/portfolio/summary?vs=usd")
            finally:
                connection.close()
                holder.close()
    print(report(rows))
    print()
    print(portfolio_report(watch, summary, seed_summary_body(HOLDINGS, at)))


def portfolio_report(watch: tuple[Exchange, Exchange], summary: Exchange, seed: bytes) -> str:
    ours, again = watch
    lines = [
        f"portfolio of {', '.join(f'{q} {s}' for s, _, q, _ in HOLDINGS)}:",
        f"{'request':<34} {'body':>6} {'headers':>8} {'total':>6} {'seed body':>10} {'body ratio':>11}",
        f"{'/v1/portfolio?vs=usd':<34} {len(ours.body):>6} {len(ours.head):>8} {len(ours.head) + len(ours.body):>6}"
        f" {len(seed):>10} {len(ours.body) / len(seed):>10.0%}",
        f"{'  same, 304':<34} {0:>6} {len(again.head):>8} {len(again.head):>6}",
        f"{'/v1/portfolio/summary?vs=usd':<34} {len(summary.body):>6} {len(summary.head):>8}"
        f" {len(summary.head) + len(summary.body):>6} {len(seed):>10} {len(summary.body) / len(seed):>10.0%}",
        f"watch body ({len(ours.body)} bytes, limit 60): {ours.body.decode()}",
        f"seed summary ({len(seed)} bytes): {seed.decode()}",
    ]
    return "\n".join(lines)


def report(rows: list[tuple[str, Exchange, Exchange, bytes]]) -> str:
    width = max(len(path) for path, *_ in rows)
    lines = [
        f"{'request':<{width}} {'our body':>9} {'our headers':>12} {'our total':>10} {'CG body':>8}"
        f" {'body ratio':>11} {'304 total':>10} {'304 body':>9}",
    ]
    for path, ours, again, theirs in rows:
        ratio = len(ours.body) / len(theirs)
        lines.append(
            f"{path:<{width}} {len(ours.body):>9} {len(ours.head):>12} {len(ours.head) + len(ours.body):>10}"
            f" {len(theirs):>8} {ratio:>10.0%}{' ' if ratio <= TARGET_RATIO else '*'} {len(again.head):>10}"
            f" {len(again.body):>9}"
        )
    lines.append(f"target: our body <= {TARGET_RATIO:.0%} of CoinGecko's (* = missed); a 304 carries no body")
    lines.append("our headers: " + ", ".join(
        line.split(":")[0] for line in rows[0][1].head.decode("latin-1").split("\r\n")[1:] if line
    ))
    lines.append(f"our 1-symbol body: {rows[0][1].body.decode()}")
    lines.append(f"our 3-symbol body: {rows[1][1].body.decode()}")
    lines.append(f"CoinGecko 1-symbol body: {rows[0][3].decode()}")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
