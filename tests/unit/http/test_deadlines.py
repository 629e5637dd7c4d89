"""Every exchange has a total deadline, headers included, and a target that misbehaves at
the HTTP level is described as what it does (trickles, too many headers, hangs up)."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable, Iterator

import pytest

from harness.drivers.errors import TargetError, TargetFault
from harness.drivers.http import HttpPortal
from harness.targets import HttpSettings, PreflightError, preflight

Behaviour = Callable[[socket.socket, threading.Event], None]


def trickle_headers(connection: socket.socket, stop: threading.Event, every: float = 1.0) -> None:
    """The status line, then one header byte a second (or ``every`` seconds), 60 of them."""
    connection.sendall(b"HTTP/1.1 200 OK\r\n")
    for byte in b"X-Slow: " + b"a" * 60:
        if stop.wait(every):
            return
        try:
            connection.sendall(bytes([byte]))
        except OSError:
            return


def trickle_fast(connection: socket.socket, stop: threading.Event) -> None:
    """A trickle no read timeout ends: a byte every 0.2 s."""
    trickle_headers(connection, stop, every=0.2)


def too_many_headers(connection: socket.socket, stop: threading.Event) -> None:
    headers = b"".join(f"X-H{n}: v\r\n".encode() for n in range(150))
    connection.sendall(b"HTTP/1.1 200 OK\r\n" + headers + b"Content-Length: 2\r\n\r\n{}")


def hang_up(connection: socket.socket, stop: threading.Event) -> None:
    connection.recv(65536)  # read the request, answer nothing, close


@pytest.fixture
def raw_server() -> Iterator[Callable[[Behaviour], str]]:
    """A loopback server that treats every connection with one behaviour; stopped after."""
    stop = threading.Event()
    listeners: list[socket.socket] = []
    threads: list[threading.Thread] = []

    def serve(behaviour: Behaviour) -> str:
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        listener.settimeout(0.2)
        listeners.append(listener)

        def loop() -> None:
            while not stop.is_set():
                try:
                    connection, _ = listener.accept()
                except (TimeoutError, OSError):
                    continue
                handler = threading.Thread(target=answer, args=(connection,), daemon=True)
                handler.start()
                threads.append(handler)

        def answer(connection: socket.socket) -> None:
            with connection:
                behaviour(connection, stop)

        thread = threading.Thread(target=loop, daemon=True)
        thread.start()
        threads.append(thread)
        return f"http://127.0.0.1:{listener.getsockname()[1]}"

    yield serve
    stop.set()
    for thread in threads:
        thread.join(5)
    for listener in listeners:
        listener.close()


def test_trickled_headers_fail_within_the_timeout(raw_server: Callable[[Behaviour], str]) -> None:
    url = raw_server(trickle_headers)
    started = time.monotonic()
    with HttpPortal(url, timeout=1.0) as portal, pytest.raises(TargetError) as error:
        portal.harness_info()
    assert error.value.fault is TargetFault.TIMEOUT
    assert "no complete answer within 1.0s" in str(error.value)
    assert time.monotonic() - started < 20  # the trickle alone would last a minute


def test_a_short_deadline_is_kept_while_a_longer_one_is_pending(
    raw_server: Callable[[Behaviour], str],
) -> None:
    """The deadline thread sleeps until the earliest deadline it knows and is woken only by
    an earlier one: a 1 s exchange started while a 30 s one is in flight still ends in time."""
    first_request_arrived = threading.Event()

    def trickle_once_arrived(connection: socket.socket, stop: threading.Event) -> None:
        first_request_arrived.set()  # its sender registered its deadline before sending
        trickle_fast(connection, stop)

    url = raw_server(trickle_once_arrived)

    def long_exchange() -> None:
        with HttpPortal(url, timeout=30.0) as portal, contextlib.suppress(TargetError):
            portal.harness_info()

    waiting = threading.Thread(target=long_exchange, daemon=True)
    waiting.start()
    # the long exchange is in flight, its deadline the one the thread awaits
    assert first_request_arrived.wait(10)
    started = time.monotonic()
    with HttpPortal(url, timeout=1.0) as portal, pytest.raises(TargetError) as error:
        portal.harness_info()
    assert error.value.fault is TargetFault.TIMEOUT
    assert time.monotonic() - started < 10  # not the 30 s of the exchange before it


def test_more_than_100_headers_is_described_as_such(
    raw_server: Callable[[Behaviour], str],
) -> None:
    url = raw_server(too_many_headers)
    with pytest.raises(PreflightError, match="more than 100 header lines") as error:
        preflight(url, HttpSettings(timeout=2.0))
    assert "nothing is listening" not in str(error.value)


def test_a_portal_that_hangs_up_without_an_answer_is_described_as_such(
    raw_server: Callable[[Behaviour], str],
) -> None:
    url = raw_server(hang_up)
    with pytest.raises(PreflightError, match="closed it without an answer") as error:
        preflight(url, HttpSettings(timeout=2.0))
    assert "nothing is listening" not in str(error.value)


def test_a_url_without_a_scheme_says_so() -> None:
    from harness.targets import target_from_options

    with pytest.raises(PreflightError, match=r"no scheme.*http://127\.0\.0\.1:8000"):
        target_from_options("127.0.0.1:8000", None, HttpSettings())
