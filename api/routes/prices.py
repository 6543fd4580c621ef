"""Watch price routes: compact bodies from the in-process PriceBook, ETag/304, and a
Cache-Control max-age that tells the watch when new data can exist.

Both are plain ASGI endpoints rather than Starlette request/response functions: they are what
every watch polls, and building a Request and a Response for a body that is already encoded
cost more than the rest of the route. Errors still leave as exceptions, which the app's
handlers turn into the usual JSON."""

from __future__ import annotations

from starlette.requests import Request
from starlette.types import Receive, Scope, Send

from api import params
from api.operations import operation, path
from api.price_bodies import EncodedPrices, PriceQuery, remembered_query, respond, send_prices, snapshot
from api.services import Services
from shared.cache import PriceSnapshot
from shared.errors import NotFound
from shared.shapes.prices import Price, Prices


@operation(
    "GET", "Latest prices for several symbols, compact", response=Prices, raw=True, cached=True,
    params=(params.SYMBOLS, params.VS), errors=(400,),
)
async def list_prices(scope: Scope, receive: Receive, send: Send) -> None:
    services: Services = scope["app"].state.services
    settings = services.settings

    def parse(request: Request) -> PriceQuery:
        return PriceQuery(params.symbols(request, settings), *params.currency(request, settings), one_coin=False)

    await respond(services, scope, send, remembered_query(services, scope, parse))


@operation(
    "GET", "Latest price of one symbol, compact", response=Price, raw=True, cached=True,
    params=(params.SYMBOL_IN_PATH, params.VS), errors=(400, 404),
)
async def one_price(scope: Scope, receive: Receive, send: Send) -> None:
    services: Services = scope["app"].state.services
    settings = services.settings

    snap = await snapshot(services)

    def parse(request: Request) -> PriceQuery:
        symbol = params.symbol(request.path_params["symbol"])
        if not (symbol in settings.supported_symbols or symbol in settings.stock_symbols or priced(snap, symbol)):
            raise NotFound(f"{symbol} is neither a supported coin nor a priced stock", code="unknown_symbol")
        return PriceQuery((symbol,), *params.currency(request, settings), one_coin=True)

    await send_prices(services, snap, scope, send, remembered_query(services, scope, parse))


def priced(snap: PriceSnapshot[EncodedPrices], symbol: str) -> bool:
    """A stock someone holds has a price once the updater has fetched it."""
    return any(held == symbol for held, _ in snap.prices)


routes = [path("/prices", list_prices), path("/prices/{symbol}", one_price)]
