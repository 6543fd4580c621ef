"""Running the API under uvicorn, one process or several workers sharing one socket.

uvicorn binds the shared socket of several workers with `proto` 0, so asyncio leaves Nagle's
algorithm on for every accepted connection and each keep-alive request waits ~40 ms for the
peer's delayed ACK (uvicorn issue #3149). The socket is rebuilt here as TCP, which turns
TCP_NODELAY back on: with two workers that is the difference between ~700 and thousands of
requests per second.
"""

from __future__ import annotations

import socket

import uvicorn
from uvicorn.supervisors import Multiprocess


class NoDelayConfig(uvicorn.Config):
    """A Config whose shared socket is a TCP socket as far as asyncio can tell."""

    def bind_socket(self) -> socket.socket:
        sock = super().bind_socket()
        if sock.family in (socket.AF_INET, socket.AF_INET6) and sock.proto == 0:
            sock = socket.socket(sock.family, sock.type, socket.IPPROTO_TCP, fileno=sock.detach())
            sock.set_inheritable(True)
        return sock


def run(
    app: str, *, host: str, port: int, workers: int = 1, factory: bool = False,
    log_level: str = "info", access_log: bool = True,
) -> None:
    """Serve the ASGI app named by `app` ("module:attribute") until told to stop."""
    config = NoDelayConfig(
        app, host=host, port=port, workers=workers, factory=factory, log_level=log_level, access_log=access_log
    )
    server = uvicorn.Server(config)
    if config.workers > 1:
        Multiprocess(config, sockets=[config.bind_socket()]).run()
    else:
        server.run()


def main() -> None:
    """`python -m api.server APP --port P [--workers N] [--factory]`: any ASGI app on the same
    server settings as `cryptowatch serve`, so benchmarks compare like with like."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m api.server")
    parser.add_argument("app")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--factory", action="store_true")
    parser.add_argument("--log-level", default="warning")
    args = parser.parse_args()
    run(args.app, host=args.host, port=args.port, workers=args.workers, factory=args.factory,
        log_level=args.log_level, access_log=False)


if __name__ == "__main__":
    main()
