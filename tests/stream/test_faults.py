"""The stream stays up: dropped and refused connections, silence, Binance's pings, the 24-hour
cut and shutdown notices, and garbage on the wire. After each fault a crossing still fires, once.
"""

from __future__ import annotations

import random
import time
from dataclasses import replace

import orjson

from shared.models import StreamState
from shared.store.sqlite import SQLiteStore
from tests.stream.conftest import Harness, wait_live
from tests.support.binance_stream import mini_ticker, running_binance_stream
from tests.support.sqlite_lock import write_locked
from tests.support.stream_runner import running_stream
from tests.support.wait import wait_for
from updater.stream.runner import RECONNECT_BASE, RECONNECT_CAP, reconnect_delay

BTC = "btcusdt@miniTicker"


def fires_once(harness: Harness, price: float = 101_000.0) -> None:
    """A crossing of the 100,000 alert now gives exactly one email."""
    harness.fake.tick("BTCUSDT", price)
    wait_for(lambda: len(harness.mails()) == 1, timeout=5, what="the alert email")
    time.sleep(0.3)
    assert len(harness.mails()) == 1


def test_a_dropped_connection_comes_back_and_still_fires(harness: Harness) -> None:
    harness.alert(100_000.0)
    with running_stream(harness.settings, harness.store) as runner:
        wait_live(runner, harness.fake, {BTC})
        harness.fake.tick("BTCUSDT", 99_000.0)

        harness.fake.drop()
        wait_for(lambda: harness.fake.accepted == 2, what="a reconnection")
        wait_live(runner, harness.fake, {BTC})
        assert runner.board.reconnects == 1

        fires_once(harness)


def test_refused_handshakes_are_retried_with_growing_delays(harness: Harness) -> None:
    harness.alert(100_000.0)
    harness.fake.refuse(2)
    started = time.monotonic()
    with running_stream(harness.settings, harness.store) as runner:
        wait_for(lambda: runner.board.state == StreamState.DOWN, what="the first refusal")
        status = harness.store.stream_status
        wait_for(lambda: (s := status()) is not None and s.state == StreamState.DOWN, what="DOWN in the store")
        assert "503" in (status().error or "")  # type: ignore[union-attr]

        wait_live(runner, harness.fake, {BTC})
        # two failures: at least half of 1 s, then half of 2 s
        assert time.monotonic() - started >= RECONNECT_BASE / 2 + RECONNECT_BASE
        assert harness.fake.refused == 2
        fires_once(harness)


def test_reconnect_delays_double_up_to_the_cap_with_jitter() -> None:
    draw = random.Random(7).random
    for failures in range(1, 12):
        step = min(RECONNECT_CAP, RECONNECT_BASE * 2 ** (failures - 1))
        delays = [reconnect_delay(failures, draw) for _ in range(200)]
        assert all(step / 2 <= delay <= step for delay in delays)
        assert max(delays) - min(delays) > step / 4  # spread, so clients cut together do not return together


def test_a_silent_connection_is_replaced(harness: Harness) -> None:
    harness.alert(100_000.0)
    harness.settings = replace(harness.settings, stream_silence_seconds=0.5)
    with running_stream(harness.settings, harness.store) as runner:
        wait_live(runner, harness.fake, {BTC})
        wait_for(lambda: harness.fake.accepted >= 2, what="a new connection after the silence")
        wait_for(lambda: "no message for 0.5 s" in (runner.board.error or ""), what="the reason")


def test_pings_are_answered(harness: Harness) -> None:
    harness.alert(100_000.0)
    with running_stream(harness.settings, harness.store) as runner:
        wait_live(runner, harness.fake, {BTC})
        wait_for(lambda: harness.fake.pongs >= 3, what="three pongs")  # a ping every 0.3 s
        assert harness.fake.accepted == 1


def test_the_connection_is_renewed_before_the_server_cuts_it(harness: Harness) -> None:
    """The server drops a connection after 2.5 s (Binance: 24 h); renewing after 1 s opens the next
    one first, so the stream is never down and never counts a reconnection."""
    harness.alert(100_000.0)
    harness.settings = replace(harness.settings, stream_renew_seconds=1)
    with running_binance_stream(lifetime=2.5) as fake:
        harness.settings = replace(harness.settings, binance_ws_url=fake.url)
        harness.fake = fake
        with running_stream(harness.settings, harness.store) as runner:
            wait_live(runner, fake, {BTC})
            seen = set()
            deadline = time.monotonic() + 3.5
            while time.monotonic() < deadline:
                seen.add(runner.board.state)
                fake.tick("BTCUSDT", 99_000.0)
                time.sleep(0.05)
            assert fake.accepted >= 3
            assert seen == {StreamState.LIVE} and runner.board.reconnects == 0
            fires_once(harness)


def test_a_server_shutdown_notice_moves_to_a_new_connection(harness: Harness) -> None:
    harness.alert(100_000.0)
    with running_stream(harness.settings, harness.store) as runner:
        wait_live(runner, harness.fake, {BTC})
        harness.fake.announce_shutdown()
        wait_for(lambda: harness.fake.accepted == 2 and harness.fake.live() == 1, what="the move")
        assert runner.board.reconnects == 0
        fires_once(harness)


GARBAGE: list[str | bytes] = [
    "not json",
    b"\x00\xff binary",
    "[1, 2, 3]",
    '{"stream": "btcusdt@miniTicker", "data": "nope"}',
    '{"e": "24hrMiniTicker", "E": 1, "s": "BTCUSDT", "c": 101000, "o": "1"}',  # c not a string
    '{"e": "24hrMiniTicker", "E": "soon", "s": "BTCUSDT", "c": "101000", "o": "1"}',
    '{"e": "24hrMiniTicker", "E": 1, "s": "BTC/USDT", "c": "101000", "o": "1"}',
    '{"e": "24hrMiniTicker", "E": 1, "s": "BTCUSDT", "c": "NaN", "o": "1"}',
    '{"e": "outboundAccountPosition", "E": 1}',
    '{"code": 3, "msg": "Invalid JSON: expected value at line 1 column 1"}',
]


def test_malformed_and_unbelievable_prices_are_dropped_and_counted(harness: Harness) -> None:
    harness.alert(100_000.0)
    with running_stream(harness.settings, harness.store) as runner:
        wait_live(runner, harness.fake, {BTC})
        harness.fake.tick("BTCUSDT", 99_000.0)  # the reference price for the jump check
        for message in GARBAGE:
            harness.fake.send_raw(message)
        for price in (0.0, -5.0, 99_000_000.0):  # not positive, not positive, a 1000x jump
            harness.fake.send_raw(orjson.dumps({"stream": BTC, "data": mini_ticker("BTCUSDT", price)}))
        wait_for(lambda: runner.board.rejected == len(GARBAGE) + 3, what="every bad message counted")

        assert runner.board.state == StreamState.LIVE and harness.fake.accepted == 1
        assert harness.mails() == []
        fires_once(harness)


def test_a_flood_of_ticks_costs_a_few_evaluations_a_second(harness: Harness) -> None:
    ticks = 2_000
    harness.alert(100_000.0)
    # The crossing ends the first alert; this one keeps BTC subscribed, so the ticks after it are
    # still read however slowly the machine gets through them.
    harness.alert(1_000_000.0)
    with running_stream(harness.settings, harness.store) as runner:
        wait_live(runner, harness.fake, {BTC})
        rounds = []
        evaluate = runner.evaluator.evaluate
        runner.evaluator.evaluate = lambda batch, at: rounds.append(len(batch)) or evaluate(batch, at)  # type: ignore[method-assign]
        before = runner.board.messages
        started = time.monotonic()
        for step in range(ticks):
            harness.fake.tick("BTCUSDT", 90_000.0 + 10 * step / ticks * 1_100)  # ends at 100,989
        wait_for(lambda: runner.board.messages - before == ticks, what="every tick read")
        seconds = time.monotonic() - started

        wait_for(lambda: len(harness.mails()) == 1, timeout=5, what="the one email")
        per_second = harness.settings.stream_evaluations_per_second
        assert len(rounds) <= per_second * (seconds + 1.5) + 1
        assert len(rounds) < ticks / 10


def test_a_crossing_while_the_store_is_locked_fires_once_it_is_free(harness: Harness) -> None:
    """The trigger cannot be written while another process holds SQLite's write lock: the prices
    wait for the next round instead of being dropped."""
    harness.alert(100_000.0)
    impatient = SQLiteStore(harness.settings.sqlite_path, busy_timeout_seconds=0.1)
    with running_stream(harness.settings, impatient) as runner:
        wait_live(runner, harness.fake, {BTC})
        with write_locked(harness.settings.sqlite_path):
            harness.fake.tick("BTCUSDT", 101_000.0)
            harness.fake.tick("BTCUSDT", 99_500.0)  # back below before the store is free
            time.sleep(1.0)
            assert harness.mails() == []
        wait_for(lambda: len(harness.mails()) == 1, timeout=5, what="the email once the lock is gone")
        time.sleep(0.3)
        assert harness.mails() == ["BTC is above 100000 USD: now 101000 USD"]
    impatient.close()
