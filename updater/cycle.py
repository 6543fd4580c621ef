"""One refresh cycle: fetch, validate, write, record, then the further steps.

Sources are tried in order (CoinGecko, then Binance) until one gives believable prices. The
prices are written in one store call and the outcome in a second one, so a failed cycle writes
no prices at all and the last good ones stay in place. Steps given to the cycle (alert
evaluation, outbox delivery) run afterwards on every cycle, even a failed one: notifications
already queued must still go out while the upstream is down. Before them, simulated and real
history are kept apart (`updater.demo_history`): a fresh demo gets a day of simulated history,
and real prices replace a pair's simulated history. Real prices are judged for jumps against
real ones only, simulated against simulated.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

import httpx

from shared.config import Settings
from shared.ids import now
from shared.models import SIMULATED_SOURCE, PricePoint, UpdateError, UpdateStatus
from shared.store.base import Store
from updater.demo_history import BACKFILL_STEP, backfill, forget_simulated
from updater.sources import PriceSource, SourceError, build_client, source_chain
from updater.sources.demo import DemoSource
from updater.sources.http import DEFAULT_RETRY, RetryPolicy
from updater.step import Step
from updater.steps import cycle_steps
from updater.validate import last_good, validate

log = logging.getLogger(__name__)

#: What went wrong with one source (or the write): its kind, and the text for admins and logs.
Problem = tuple[UpdateError, str]


def _reference(before: Sequence[PricePoint], source: PriceSource, at: int) -> dict[tuple[str, str], float]:
    """The prices a source's jumps are judged by: real ones for a real source, simulated ones
    for the demo (one never judges the other)."""
    simulated = source.name == SIMULATED_SOURCE
    return last_good([p for p in before if (p.source == SIMULATED_SOURCE) == simulated], at)


async def _fetch(
    sources: Sequence[PriceSource], settings: Settings, before: Sequence[PricePoint], at: int
) -> tuple[PriceSource | None, list[PricePoint], list[Problem]]:
    """(the source that answered, its believable prices, what went wrong on the way)."""
    problems: list[Problem] = []
    for source in sources:
        try:
            fetched = await source.fetch(settings.supported_symbols, settings.vs_currencies)
        except SourceError as error:
            problems.append((error.code, str(error)))
            log.warning("%s", error)
            continue
        except Exception as error:  # noqa: BLE001 - a broken source must not stop the fallback
            problems.append((UpdateError.INTERNAL_ERROR, f"{source.name}: unexpected {type(error).__name__}: {error}"))
            log.exception("%s failed unexpectedly", source.name)
            continue
        checked = validate(fetched, _reference(before, source, at), settings.max_price_jump)
        if checked.accepted:
            return source, checked.accepted, problems
        first = checked.rejected[0]
        rejected = (
            f"{source.name}: all {len(checked.rejected)} prices rejected "
            f"(e.g. {first.point.symbol}/{first.point.currency}: {first.reason})"
        )
        problems.append((UpdateError.INVALID_DATA, rejected))
    return None, [], problems


async def refresh(
    store: Store,
    settings: Settings,
    sources: Sequence[PriceSource],
    *,
    steps: Sequence[Step] = (),
    clock: Callable[[], int] = now,
) -> UpdateStatus:
    """Run one cycle and return the status as stored. When a fallback source saved the cycle,
    the status is ok and its `error` says why the sources before it were passed over;
    `error_code` is the kind of the last problem in `error`."""
    started = clock()
    before = store.latest_prices()
    answered, prices, problems = await _fetch(sources, settings, before, started)
    if prices:
        try:
            store.put_prices(prices)
        except Exception as error:  # noqa: BLE001 - recorded as the cycle's failure
            log.exception("writing prices failed")
            problems.append((UpdateError.STORE_ERROR, f"store: {type(error).__name__}: {error}"))
            answered, prices = None, []
    finished = clock()
    ok = answered is not None
    status = store.record_update(
        UpdateStatus(
            ok=ok,
            source=answered.name if answered else ",".join(source.name for source in sources),
            started_at=started,
            finished_at=finished,
            symbols_updated=len({point.symbol for point in prices}),
            error="; ".join(text for _, text in problems) or None,
            last_success_at=finished if ok else None,
            error_code=problems[-1][0] if problems else None,
        )
    )
    if prices:
        _keep_history_apart(store, settings, answered, before, prices)
    for step in steps:
        try:
            await step(store, settings, prices, started)
        except Exception:  # noqa: BLE001 - one step failing must not skip the next or the loop
            log.exception("cycle step %s failed", getattr(step, "__name__", step))
    return status


def _keep_history_apart(
    store: Store,
    settings: Settings,
    answered: PriceSource | None,
    before: Sequence[PricePoint],
    prices: Sequence[PricePoint],
) -> None:
    """A fresh demo gets a day of simulated history; real prices replace simulated history
    (`updater.demo_history`). Its failure costs history only, never the cycle."""
    try:
        if isinstance(answered, DemoSource):
            backfill(store, answered, prices, max(BACKFILL_STEP, settings.update_interval_seconds))
        else:
            forget_simulated(store, before, prices)
    except Exception:  # noqa: BLE001 - the prices are written; history is a nicety
        log.exception("keeping simulated and real history apart failed")


async def run_cycle(
    settings: Settings,
    store: Store,
    source_name: str | None = None,
    *,
    steps: Sequence[Step] | None = None,
    client: httpx.AsyncClient | None = None,
    retry: RetryPolicy = DEFAULT_RETRY,
) -> UpdateStatus:
    """One cycle with the configured (or named) source chain: the entry point the CLI, the
    local loop and the Lambda handler share. `steps` defaults to the standard ones (pass `()`
    for none). Without `client`, one is made and closed."""
    name = source_name or settings.price_source
    chosen = cycle_steps() if steps is None else steps
    if client is None:
        async with build_client(settings) as own:
            return await run_cycle(settings, store, name, steps=chosen, client=own, retry=retry)
    return await refresh(store, settings, source_chain(name, settings, client, retry), steps=chosen)
