"""Lambda entry point of the updater (template.yaml: `updater.lambda_handler.handler`, on an
EventBridge schedule `rate(5 minutes)` with reserved concurrency 1): one refresh cycle per tick,
with the same steps as the local loop (alert evaluation, outbox delivery).

A failed cycle raises after its status is stored, so Lambda counts an error and the
UpdaterErrors alarm sees it. Every run also prints the age of the last good prices as a
CloudWatch embedded-metric line (no API call, no extra permission), which the
UpdaterStaleness alarm watches: it catches an updater that fails *and* one that stopped running.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from typing import Any

from shared.config import Settings
from shared.emf import NAMESPACE, emf_line
from shared.ids import now
from shared.models import UpdateStatus
from shared.store import open_store
from shared.store.base import Store
from updater.cycle import run_cycle
from updater.steps import cycle_steps

METRIC_NAMESPACE = NAMESPACE


class UpdateFailed(RuntimeError):
    """The cycle ran but no source gave believable prices (or the store refused them)."""


@functools.cache
def runtime() -> tuple[Settings, Store]:
    """Settings and store, made on the first invocation and kept for the execution environment
    (no network here: the DynamoDB client is made on first use)."""
    settings = Settings.from_env()
    logging.getLogger().setLevel(settings.log_level)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    return settings, open_store(settings)


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    settings, store = runtime()
    started = time.monotonic()
    try:
        status = asyncio.run(run_cycle(settings, store, steps=cycle_steps()))
    except Exception:
        emit_metrics(settings, None, time.monotonic() - started)
        raise
    emit_metrics(settings, status, time.monotonic() - started)
    if not status.ok:
        raise UpdateFailed(f"update failed (tried {status.source}): {status.error}")
    return summary(status)


def summary(status: UpdateStatus) -> dict[str, Any]:
    return {
        "ok": status.ok,
        "source": status.source,
        "symbols_updated": status.symbols_updated,
        "started_at": status.started_at,
        "finished_at": status.finished_at,
        "last_success_at": status.last_success_at,
        "passed_over": status.error,
    }


def emit_metrics(settings: Settings, status: UpdateStatus | None, seconds: float) -> None:
    """One CloudWatch embedded-metric-format line on stdout. PricesAgeSeconds is left out while
    no cycle ever succeeded: missing data is what the staleness alarm treats as stale."""
    values: dict[str, float] = {
        "UpdateSucceeded": 1 if status is not None and status.ok else 0,
        "CycleSeconds": round(seconds, 3),
    }
    units = {"UpdateSucceeded": "Count", "CycleSeconds": "Seconds"}
    if status is not None and status.last_success_at is not None:
        values["PricesAgeSeconds"] = max(0, now() - status.last_success_at)
        units["PricesAgeSeconds"] = "Seconds"
    print(emf_line({"Environment": settings.environment}, values, units), flush=True)
