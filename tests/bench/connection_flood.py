"""What a worker of `cryptowatch serve` (shipped settings) goes through under the two connection
floods of issue 11, measured from outside over loopback:

    python -m tests.bench.connection_flood [--header-connections 5] [--slow-connections 1100]

1. Header flood: connections that each send an endless header line, 64 KB at a time, up to
   10 MB each, all kept open: the worker's resident memory before, at its peak and after, and
   what each connection was answered.
2. Slow-client flood, with the server's open-file limit at 1,024 (`ulimit -n 1024`): that many
   connections sending nothing, half a request line or one header line, held open; while they
   are, /health and a watch's /v1/prices/BTC are timed on fresh connections; then how many of
   the slow ones the server still holds after REQUEST_TIMEOUT_SECONDS and a margin.

Bounded: at most a few hundred MB sent and ~30 s in all.
"""

from __future__ import annotations

import argparse
import contextlib
import socket
import statistics
import tempfile
import time
from pathlib import Path

import httpx

from shared.config import Settings
from tests.support.serve_process import ServeProcess, running_serve

START = b"GET /v1/prices/BTC HTTP/1.1\r\nHost: 127.0.0.1\r\n"
CHUNK = b"a" * 65_536
MB = 1024 * 1024


def header_flood(server: ServeProcess, connections: int) -> str:
    before, peak = server.rss_bytes(), 0
    flood = [socket.create_connection(("127.0.0.1", server.port), timeout=5) for _ in range(connections)]
    sent = dict.fromkeys(flood, 0)
    open_ = set(flood)
    for sock in flood:
        sock.sendall(START + b"X-Filler: ")
    for _ in range(10 * MB // len(CHUNK)):
        for sock in list(open_):
            try:
                sock.sendall(CHUNK)
                sent[sock] += len(CHUNK)
            except OSError:
                open_.discard(sock)
        peak = max(peak, server.rss_bytes())
        if not open_:
            break
    answers = []
    for sock in flood:
        with contextlib.suppress(OSError):
            answers.append(sock.recv(200).split(b"\r\n", 1)[0].decode() or "closed")
        sock.close()
    time.sleep(0.5)
    after = server.rss_bytes()
    return (
        f"header flood: {connections} connections, {max(sent.values()) / 1024:.0f} KB taken at most from one; "
        f"answers {sorted(set(answers))}\n"
        f"  worker RSS: before {before / MB:.0f} MB, peak {peak / MB:.0f} MB, after {after / MB:.0f} MB"
    )


def closed(sock: socket.socket) -> bool:
    """The server has closed it (after a 408, or without a word)."""
    sock.settimeout(0.01)
    try:
        while sock.recv(65_536):
            pass
        return True
    except TimeoutError:
        return False
    except OSError:
        return True


def slow_flood(server: ServeProcess, connections: int, timeout: float) -> str:
    kinds = [b"", b"GET /v1/pri", START]
    flood = []
    for number in range(connections):
        sock = socket.create_connection(("127.0.0.1", server.port), timeout=5)
        if kinds[number % 3]:
            sock.sendall(kinds[number % 3])
        flood.append(sock)
    files = server.open_files()
    timings: dict[str, list[float]] = {"/health": [], "/v1/prices/BTC": []}
    failures = 0
    for _ in range(10):
        for path, headers in (("/health", {}), ("/v1/prices/BTC", {"X-API-Key": server.key})):
            started = time.monotonic()
            try:
                ok = httpx.get(server.url + path, headers=headers, timeout=5).status_code == 200
            except httpx.HTTPError:
                ok = False
            failures += not ok
            timings[path].append((time.monotonic() - started) * 1000)
    time.sleep(timeout + 2)
    still_open = sum(not closed(sock) for sock in flood)
    for sock in flood:
        sock.close()
    lines = [f"slow-client flood: {connections} connections, server open-file limit 1024; "
             f"server held {files} descriptors during it"]
    for path, values in timings.items():
        lines.append(f"  {path}: median {statistics.median(values):.1f} ms, max {max(values):.1f} ms "
                     f"over {len(values)} requests")
    lines.append(f"  failed requests: {failures}; slow connections still open {timeout + 2:g} s later: {still_open}")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--header-connections", type=int, default=5)
    parser.add_argument("--slow-connections", type=int, default=1100)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, running_serve(Path(folder), file_limit=1024) as server:
        print(header_flood(server, args.header_connections), flush=True)
        print(slow_flood(server, args.slow_connections, Settings().request_timeout_seconds), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
