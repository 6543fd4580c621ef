"""Stocks on the watch price routes: served like coins, a closed market's last close marked."""

from __future__ import annotations

import orjson

from shared.ids import now
from shared.models import PricePoint
from tests.api.conftest import WatchService
from tests.api.test_watch_api import assert_error, get


def put_stock(service: WatchService, symbol: str, price: float, *, closed: bool = False) -> None:
    service.store.put_prices([PricePoint(symbol, "usd", price, 1.25, now(), "yahoo", closed=closed)])


def test_a_stock_is_served_like_a_coin(watch_service: WatchService) -> None:
    put_stock(watch_service, "AAPL", 189.84)

    several = get(watch_service, "/v1/prices?symbols=BTC,AAPL&vs=usd")
    one = get(watch_service, "/v1/prices/AAPL?vs=usd")

    assert several.status_code == 200 and one.status_code == 200
    assert orjson.loads(several.content)["p"]["AAPL"] == [189.84, 1.25]
    assert orjson.loads(one.content)["p"] == [189.84, 1.25]
    assert "m" not in orjson.loads(one.content)
    again = get(watch_service, "/v1/prices/AAPL?vs=usd", **{"If-None-Match": one.headers["etag"]})
    assert again.status_code == 304


def test_a_closed_market_is_marked_on_its_stocks(watch_service: WatchService) -> None:
    put_stock(watch_service, "BRK-B", 412.5, closed=True)

    several = orjson.loads(get(watch_service, "/v1/prices?symbols=BTC,BRK-B&vs=usd").content)
    one = orjson.loads(get(watch_service, "/v1/prices/brk-b?vs=usd").content)

    assert several["m"] == ["BRK-B"] and several["p"]["BRK-B"] == [412.5, 1.25]
    assert one["m"] == 1


def test_a_stock_nobody_prices_is_unknown(watch_service: WatchService) -> None:
    assert_error(get(watch_service, "/v1/prices/TSLA"), 404, "unknown_symbol")
    body = orjson.loads(get(watch_service, "/v1/prices?symbols=BTC,TSLA&vs=usd").content)
    assert body["u"] == ["TSLA"]
