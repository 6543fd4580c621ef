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
from api.price_bodies import PriceQuery, remembered_query, respond
from api.services import Services
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

    def parse(request: Request) -> PriceQuery:
        symbol = params.symbol(request.path_params["symbol"])
        if symbol not in settings.supported_symbols:
            raise NotFound(f"{symbol} is not among the supported symbols", code="unknown_symbol")
        return PriceQuery((symbol,), *params.currency(request, settings), one_coin=True)

    await respond(services, scope, send, remembered_query(services, scope, parse))


routes = [path("/prices", list_prices), path("/prices/{symbol}", one_price)]
