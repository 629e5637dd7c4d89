"""How the served reference's operations take turns: one at a time on the portal's state,
except that an operation waiting on a peer (SEVIS) or on its own mail gives its turn away."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager


class Turns:
    """One operation at a time holds the turn; ``aside`` and ``wait_for`` let others run
    while the holder waits. Outside a turn (the portal in memory, one caller) both simply
    run or check: there is no one to give the turn to."""

    def __init__(self) -> None:
        self._condition = threading.Condition(threading.Lock())
        self._holder: int | None = None

    def __repr__(self) -> str:
        return f"Turns(held={self._holder is not None})"

    def held(self) -> bool:
        """Whether the calling thread holds the turn."""
        return self._holder == threading.get_ident()

    @contextmanager
    def turn(self) -> Iterator[None]:
        """Hold the turn for the block (at once, if this thread holds it already)."""
        if self.held():
            yield
            return
        with self._condition:
            self._holder = threading.get_ident()
            try:
                yield
            finally:
                self._holder = None
                self._condition.notify_all()

    @contextmanager
    def aside(self) -> Iterator[None]:
        """Give the turn away for the block (a call to a peer), and take it back after."""
        if not self.held():
            yield
            return
        self._holder = None
        self._condition.notify_all()
        self._condition.release()
        try:
            yield
        finally:
            self._condition.acquire()
            self._holder = threading.get_ident()

    def wait_for(self, ready: Callable[[], bool], timeout: float) -> bool:
        """Give the turn away until ``ready()`` (checked whenever a turn ends) or
        ``timeout`` seconds; whether it is ready."""
        if not self.held():
            return ready()
        self._holder = None
        try:
            return self._condition.wait_for(ready, timeout)
        finally:
            self._holder = threading.get_ident()


__all__ = ["Turns"]
