"""The local scheduler: a cycle now, then one at every wall-clock multiple of the interval.

Aligned ticks (12:00, 12:05, ...) keep the refresh where watches expect it, whatever time the
process started. A failing cycle is logged and the loop goes on; SIGTERM or SIGINT stop it at
once, cancelling a cycle in flight (its writes are single store calls, so nothing is left
half done).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

from shared.config import Settings
from shared.ids import next_tick
from shared.store.base import Store
from updater.cycle import run_cycle
from updater.sources import build_client
from updater.sources.http import DEFAULT_RETRY, RetryPolicy
from updater.step import Step
from updater.steps import cycle_steps

log = logging.getLogger(__name__)
T = TypeVar("T")


async def _unless_stopped(work: Awaitable[T], stop: asyncio.Event) -> tuple[bool, T | None]:
    """(True, result) when `work` finished first; (False, None) when `stop` was set first, in
    which case `work` is cancelled."""
    task = asyncio.ensure_future(work)
    stopped = asyncio.ensure_future(stop.wait())
    await asyncio.wait({task, stopped}, return_when=asyncio.FIRST_COMPLETED)
    stopped.cancel()
    if not task.done():
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        return False, None
    return True, task.result()


async def run_loop(
    settings: Settings,
    store: Store,
    stop: asyncio.Event,
    *,
    source_name: str | None = None,
    steps: Sequence[Step] | None = None,
    retry: RetryPolicy = DEFAULT_RETRY,
    clock: Callable[[], float] = time.time,
    interval: float | None = None,
) -> int:
    """Run cycles until `stop` is set; returns how many cycles completed. `steps` defaults to
    the standard ones (made once, so they keep state across cycles), `interval` (seconds) to
    UPDATE_INTERVAL_SECONDS."""
    interval = interval or settings.update_interval_seconds
    steps = cycle_steps() if steps is None else steps
    completed = 0
    async with build_client(settings) as client:
        while not stop.is_set():
            cycle = run_cycle(settings, store, source_name, steps=steps, client=client, retry=retry)
            try:
                finished, status = await _unless_stopped(cycle, stop)
            except Exception:  # noqa: BLE001 - e.g. the store is down: try again next tick
                log.exception("update cycle crashed; next attempt at the next tick")
            else:
                if not finished:
                    break
                completed += 1
                if status is not None and status.ok:
                    log.info("updated %d symbols from %s", status.symbols_updated, status.source)
                elif status is not None:
                    log.error("update failed: %s", status.error)
            wait = next_tick(clock(), interval) - clock()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=wait)
    log.info("updater stopped after %d cycles", completed)
    return completed


def serve_loop(settings: Settings, store: Store, source_name: str | None = None) -> int:
    """Run the loop in this process until SIGTERM or SIGINT."""

    async def main() -> int:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        return await run_loop(settings, store, stop, source_name=source_name)

    return asyncio.run(main())
