"""Running the API under uvicorn, one process or several workers sharing one socket.

uvicorn binds the shared socket of several workers with `proto` 0, so asyncio leaves Nagle's
algorithm on for every accepted connection and each keep-alive request waits ~40 ms for the
peer's delayed ACK (uvicorn issue #3149). The socket is rebuilt here as TCP, which turns
TCP_NODELAY back on: with two workers that is the difference between ~700 and thousands of
requests per second.

Connections are served by `api.http_guard` (head size cap, request deadline, connection cap),
and the settings decide what uvicorn logs: `serve`, and `python -m api.server` that the
benchmarks start, read the same ones, so a benchmark measures what `serve` ships. The access
log (a line per request) is off unless ACCESS_LOG is set: formatting and writing it cost the
watch path about a third of its throughput (docs/benchmarks.md).
"""

from __future__ import annotations

import dataclasses
import logging
import resource
import socket
from typing import Any

import uvicorn
from uvicorn.supervisors import Multiprocess

from api.http_guard import ConnectionLimits
from shared.config import Settings

log = logging.getLogger("cryptowatch.api")

#: Descriptors a worker needs besides its connections: the store's files, logs, the listener.
FILE_RESERVE = 128


class NoDelayConfig(uvicorn.Config):
    """A Config whose shared socket is a TCP socket as far as asyncio can tell, and whose
    connections are served by the guarded protocol with `limits`. No `server: uvicorn` field:
    it tells an attacker which server to look up, and costs every watch answer 17 bytes."""

    def __init__(self, app: Any, *, limits: ConnectionLimits | None = None, **kwargs: Any) -> None:
        self.limits = limits or ConnectionLimits()
        super().__init__(app, http="api.http_guard:GuardedHttpToolsProtocol", server_header=False, **kwargs)

    def bind_socket(self) -> socket.socket:
        sock = super().bind_socket()
        if sock.family in (socket.AF_INET, socket.AF_INET6) and sock.proto == 0:
            sock = socket.socket(sock.family, sock.type, socket.IPPROTO_TCP, fileno=sock.detach())
            sock.set_inheritable(True)
        return sock


def usable_connections(wanted: int) -> int:
    """Raise this process's open-file limit (workers inherit it) so `wanted` connections fit
    beside the worker's own files; when the hard limit is lower, cap connections below it, so
    the cap, not the descriptor table, is what a flood runs into."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    needed = wanted + FILE_RESERVE
    if soft == resource.RLIM_INFINITY or soft >= needed:
        return wanted
    raised = needed if hard == resource.RLIM_INFINITY else min(needed, hard)
    resource.setrlimit(resource.RLIMIT_NOFILE, (raised, hard))
    if raised < needed:
        log.warning("MAX_CONNECTIONS=%d needs %d open files, the limit is %d: serving at most %d connections",
                    wanted, needed, raised, raised - FILE_RESERVE)
    return max(1, raised - FILE_RESERVE)


def run(app: str, *, host: str, port: int, settings: Settings, workers: int = 1, factory: bool = False) -> None:
    """Serve the ASGI app named by `app` ("module:attribute") until told to stop."""
    limits = ConnectionLimits.from_settings(settings)
    limits = dataclasses.replace(limits, max_connections=usable_connections(limits.max_connections))
    config = NoDelayConfig(
        app, limits=limits, host=host, port=port, workers=workers, factory=factory,
        log_level=settings.log_level.lower(), access_log=settings.access_log,
    )
    server = uvicorn.Server(config)
    if config.workers > 1:
        Multiprocess(config, sockets=[config.bind_socket()]).run()
    else:
        server.run()


def main() -> None:
    """`python -m api.server APP --port P [--workers N] [--factory]`: any ASGI app on the same
    server settings as `cryptowatch serve` (read from the environment as it reads them), so
    benchmarks compare like with like and measure what `serve` ships."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m api.server")
    parser.add_argument("app")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--factory", action="store_true")
    args = parser.parse_args()
    run(args.app, host=args.host, port=args.port, workers=args.workers, factory=args.factory,
        settings=Settings.from_env())


if __name__ == "__main__":
    main()
