"""Serve an ASGI app with uvicorn in a background thread on loopback, for tests and the CLI.

Start and stop are both bounded: a server that will not start raises, and one that will
not stop is abandoned (daemon thread) rather than hanging the caller.
"""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

import uvicorn

from simulators.common.loopback import LOOPBACK


class ServeError(RuntimeError):
    """The app could not be served (it did not start in time, or its thread died)."""


@dataclass
class ServedApp:
    """A running server; ``url`` has no trailing slash."""

    url: str
    host: str
    port: int
    server: uvicorn.Server = field(repr=False)
    thread: threading.Thread = field(repr=False)
    sock: socket.socket = field(repr=False)

    def stop(self, timeout: float = 5.0) -> None:
        """Ask the server to exit, force it after half the wait, and always return."""
        self.server.should_exit = True
        self.thread.join(timeout / 2)
        if self.thread.is_alive():
            self.server.force_exit = True
            self.thread.join(timeout / 2)
        self.sock.close()

    @property
    def running(self) -> bool:
        return self.thread.is_alive()

    def __enter__(self) -> ServedApp:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def serve_in_thread(
    app: Any,
    *,
    host: str = LOOPBACK,
    port: int = 0,
    startup_timeout: float = 10.0,
    log_level: str = "warning",
) -> ServedApp:
    """Serve ``app`` until ``stop()``; returns once the server accepts connections.

    The socket is bound here (port 0 picks a free one) and handed to uvicorn, so there is
    no window in which another process can take the port between choosing and binding.
    """
    # proto=IPPROTO_TCP matters: asyncio sets TCP_NODELAY on accepted connections only
    # when the listening socket says TCP, and without it every keep-alive answer waits
    # about 40 ms for the peer's delayed ACK (Nagle).
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
        sock.listen(128)
    except OSError:
        sock.close()  # a taken port raises (EADDRINUSE) without leaking the socket
        raise
    bound_port = sock.getsockname()[1]
    config = uvicorn.Config(
        app,
        log_level=log_level,
        lifespan="auto",
        access_log=False,
        timeout_graceful_shutdown=1,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run,
        kwargs={"sockets": [sock]},
        name=f"uvicorn-{host}:{bound_port}",
        daemon=True,
    )
    served = ServedApp(f"http://{host}:{bound_port}", host, bound_port, server, thread, sock)
    thread.start()
    deadline = time.monotonic() + startup_timeout
    while not server.started:
        if not thread.is_alive():
            sock.close()
            raise ServeError(f"the server thread for {served.url} died during start-up")
        if time.monotonic() > deadline:
            served.stop(timeout=2.0)
            raise ServeError(f"the server at {served.url} did not start in {startup_timeout}s")
        time.sleep(0.005)
    return served
