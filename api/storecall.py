"""Run a store call the right way for its backend: inline when it costs microseconds (SQLite
on a local file), in a worker thread when it crosses a network (DynamoDB), so the event loop
never waits on a socket."""

from __future__ import annotations

from collections.abc import Callable
from typing import ParamSpec, TypeVar

from starlette.concurrency import run_in_threadpool

from shared.store.base import Store

P = ParamSpec("P")
R = TypeVar("R")


async def call(store: Store, fn: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
    if store.inline_calls:
        return fn(*args, **kwargs)
    return await run_in_threadpool(fn, *args, **kwargs)


async def slow_call(fn: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
    """A call that costs CPU time whatever the store (hashing a password, tens of ms): always
    in a worker thread, so other requests go on meanwhile."""
    return await run_in_threadpool(fn, *args, **kwargs)
