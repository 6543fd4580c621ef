"""Fixtures every area shares: settings in a temporary data folder and a fresh SQLite store."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest

from shared.config import Settings
from shared.store.sqlite import SQLiteStore

#: Fixtures shared by several folders: `store` (every backend) and `dynamodb_local`.
pytest_plugins = ["tests.support.dynamodb_local", "tests.support.backends"]


def settings_for(data_dir: Path, **overrides: object) -> Settings:
    """Default settings with the store and files under `data_dir`."""
    base = Settings.from_env({"CRYPTOWATCH_DATA_DIR": str(data_dir)})
    return dataclasses.replace(base, **overrides)  # type: ignore[arg-type]


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return settings_for(tmp_path)


@pytest.fixture
def sqlite_store(settings: Settings) -> Iterator[SQLiteStore]:
    store = SQLiteStore(settings.sqlite_path)
    store.init()
    yield store
    store.close()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """One line per store backend for the contract suite, so a CI log shows it ran on each."""
    counts: dict[str, dict[str, int]] = {}
    for outcome in ("passed", "failed", "error", "skipped"):
        for report in terminalreporter.stats.get(outcome, []):
            nodeid = getattr(report, "nodeid", "")
            if getattr(report, "when", "call") != "call" and outcome == "passed":
                continue
            if nodeid.startswith("tests/contract/") and nodeid.endswith(("[sqlite]", "[dynamodb]")):
                backend = nodeid.rsplit("[", 1)[1].rstrip("]")
                counts.setdefault(backend, {}).setdefault(outcome, 0)
                counts[backend][outcome] += 1
    for backend, outcomes in sorted(counts.items()):
        summary = ", ".join(f"{n} {outcome}" for outcome, n in sorted(outcomes.items()))
        terminalreporter.write_line(f"store contract suite on {backend}: {summary}")
    fuzzed: dict[str, int] = {}  # requests per operation, recorded by tests/fuzz at teardown
    for reports in terminalreporter.stats.values():
        for report in reports:
            for name, value in getattr(report, "user_properties", []):
                if name == "fuzz_requests":
                    fuzzed.update(value)
    if fuzzed:
        terminalreporter.write_line(f"schemathesis: {sum(fuzzed.values())} requests over {len(fuzzed)} operations")
