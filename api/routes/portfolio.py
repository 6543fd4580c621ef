"""The portfolio routes: the owner manages their holdings and reads their worth with a key of
theirs (a watch key owned by them); the operator reads anyone's.

    /v1/portfolio                  the watch body (api/portfolio_body.py), ETag/304
    /v1/portfolio/summary          each holding valued, the subtotals
    /v1/portfolio/assets           list, add
    /v1/portfolio/assets/{id}      change the quantity and cost basis, remove
    /admin/users/{id}/portfolio    the summary of any user

Another owner's holding is a 404, exactly like a missing one. Quantities travel as exact
decimal text (`docs/portfolio.md`)."""

from __future__ import annotations

from typing import TypeVar

from starlette.requests import Request
from starlette.types import Receive, Scope, Send

from api import params
from api.operations import operation, path
from api.portfolio import forget, holdings_of, valued
from api.portfolio_body import encode_portfolio, portfolio_data
from api.responses import header, send_cached_body
from api.routes.admin_users import user_or_404
from api.routes.watch_alerts import owner
from api.services import Services
from api.storecall import call
from shared.errors import NotFound
from shared.ids import now
from shared.models import Holding
from shared.portfolio import MAX_ASSETS_PER_USER, HoldingSpec, changed_holding, new_holding
from shared.shapes.base import shape
from shared.shapes.portfolio import (
    Asset,
    AssetChange,
    AssetCreate,
    Assets,
    AssetValue,
    Portfolio,
    PortfolioSummary,
)
from shared.store.base import Store
from shared.valuation import Valuation

NO_STORE = {"Cache-Control": "no-store"}
A = TypeVar("A", bound=Asset)


def asset(holding: Holding, model: type[A], **computed: object) -> A:
    """A holding as the API shows it: quantities as exact decimal text."""
    cost = holding.cost_basis
    return shape(model, holding, quantity=format(holding.quantity, "f"),
                 cost_basis=None if cost is None else format(cost, "f"), **computed)


def summary_of(user_id: str, worth: Valuation, stale: bool) -> PortfolioSummary:
    return PortfolioSummary(
        user_id=user_id,
        currency=worth.currency,
        total=float(worth.total),
        crypto=float(worth.crypto),
        stock=float(worth.stock),
        change_24h=worth.change_24h,
        profit=None if worth.profit is None else float(worth.profit),
        priced_at=worth.priced_at,
        stale=stale,
        closed=worth.closed,
        simulated=worth.simulated,
        unpriced=worth.unpriced,
        holdings=[
            asset(
                held.holding,
                AssetValue,
                price=None if held.point is None else held.point.price,
                change_24h=None if held.point is None else held.point.change_24h,
                value=None if held.value is None else float(held.value),
                profit=None if held.profit is None else float(held.profit),
                closed=held.point is not None and held.point.closed,
            )
            for held in worth.holdings
        ],
    )


async def summary_for(request: Request, user_id: str) -> PortfolioSummary:
    services: Services = request.app.state.services
    currency, _ = params.currency(request, services.settings)
    worth, stale, _ = await valued(services, user_id, currency)
    return summary_of(user_id, worth, stale)


@operation(
    "GET", "The key owner's portfolio for a watch: total, 24 h change, profit or loss (at most 60 bytes)",
    response=Portfolio, raw=True, cached=True, params=(params.VS,), errors=(400,),
)
async def watch_body(scope: Scope, receive: Receive, send: Send) -> None:
    services: Services = scope["app"].state.services
    request = Request(scope)
    user_id = owner(request)
    currency, stated = params.currency(request, services.settings)
    worth, stale, seconds = await valued(services, user_id, currency)
    body, etag = encode_portfolio(portfolio_data(worth, stated, stale))
    await send_cached_body(send, body, etag, header(scope, b"if-none-match"), seconds)


@operation(
    "GET", "The key owner's holdings valued: each one, the crypto and stock subtotals",
    response=PortfolioSummary, params=(params.VS,), errors=(400,), headers=NO_STORE,
)
async def summary(request: Request) -> PortfolioSummary:
    return await summary_for(request, owner(request))


@operation("GET", "The key owner's holdings", response=Assets, headers=NO_STORE)
async def listing(request: Request) -> Assets:
    services: Services = request.app.state.services
    return Assets(items=[asset(holding, Asset) for holding in await holdings_of(services, owner(request))])


@operation(
    "POST", f"Add a holding (at most {MAX_ASSETS_PER_USER} per user, one per symbol and kind)",
    body=AssetCreate, response=Asset, status=201, errors=(409,),
)
async def add(request: Request, body: AssetCreate) -> Asset:
    services: Services = request.app.state.services
    user_id = owner(request)
    spec = HoldingSpec(body.symbol, body.kind, body.quantity, body.cost_basis, body.currency)
    holding = new_holding(spec, user_id, services.settings, now())
    stored = await call(services.store, services.store.add_holding, holding, MAX_ASSETS_PER_USER)
    forget(services, user_id)
    return asset(stored, Asset)


def own_holding(store: Store, user_id: str, holding_id: str) -> Holding:
    holding = store.get_holding(user_id, holding_id)
    if holding is None:
        raise NotFound(f"no asset {holding_id!r} in this portfolio", code="asset_not_found")
    return holding


def change_own(store: Store, user_id: str, holding_id: str, body: AssetChange) -> Holding:
    changed = changed_holding(own_holding(store, user_id, holding_id), body.quantity, body.cost_basis, now())
    stored = store.update_holding(changed)
    if stored is None:  # removed meanwhile
        raise NotFound(f"no asset {holding_id!r} in this portfolio", code="asset_not_found")
    return stored


@operation(
    "PUT", "Change a holding's quantity and cost basis (its symbol and kind stay)",
    body=AssetChange, response=Asset, errors=(404,),
)
async def change(request: Request, body: AssetChange) -> Asset:
    services: Services = request.app.state.services
    user_id = owner(request)
    asset_id = request.path_params["asset_id"]
    stored = await call(services.store, change_own, services.store, user_id, asset_id, body)
    forget(services, user_id)
    return asset(stored, Asset)


@operation("DELETE", "Remove a holding", status=204, errors=(404,))
async def remove(request: Request) -> None:
    services: Services = request.app.state.services
    user_id = owner(request)
    asset_id = request.path_params["asset_id"]
    if not await call(services.store, services.store.delete_holding, user_id, asset_id):
        raise NotFound(f"no asset {asset_id!r} in this portfolio", code="asset_not_found")
    forget(services, user_id)


@operation(
    "GET", "A user's holdings valued, with the crypto and stock subtotals",
    response=PortfolioSummary, params=(params.VS,), errors=(400, 404), headers=NO_STORE,
)
async def admin_summary(request: Request) -> PortfolioSummary:
    services: Services = request.app.state.services
    user = await call(services.store, user_or_404, services.store, request.path_params["user_id"])
    return await summary_for(request, user.id)


watch_routes = [
    path("/portfolio", watch_body),
    path("/portfolio/summary", summary),
    path("/portfolio/assets", listing, add),
    path("/portfolio/assets/{asset_id}", change, remove),
]
admin_routes = [path("/users/{user_id}/portfolio", admin_summary)]
