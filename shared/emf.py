"""CloudWatch embedded metric format: a log line on stdout that CloudWatch Logs turns into
metrics, so a Lambda function publishes them with no API call and no extra permission.

A metric's value may be a list (at most 100 values, each one sample), which lets one line carry
many requests' latencies.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping

NAMESPACE = "Cryptowatch"
MAX_VALUES = 100  # per metric in one line (the format's limit)


def emf_line(
    dimensions: Mapping[str, str],
    values: Mapping[str, float | list[float]],
    units: Mapping[str, str],
    at: float | None = None,
) -> str:
    """One EMF record: `values` by metric name, each with its unit in `units`, under one set of
    dimensions (their names and values), at `at` epoch seconds (now by default)."""
    record = {
        "_aws": {
            "Timestamp": int((time.time() if at is None else at) * 1000),
            "CloudWatchMetrics": [
                {
                    "Namespace": NAMESPACE,
                    "Dimensions": [list(dimensions)],
                    "Metrics": [{"Name": name, "Unit": units[name]} for name in values],
                }
            ],
        },
        **dimensions,
        **values,
    }
    return json.dumps(record, separators=(",", ":"))
