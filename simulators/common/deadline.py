"""A total deadline for one conversation with a peer (SMTP, SEVIS, a portal under test): a
per-read timeout never trips on a peer that trickles a byte at a time, so at the deadline
the conversation's socket is shut down instead.

One thread keeps every deadline of the process. It sleeps until the earliest and is woken
only when a new one comes before that: a conversation that ends in time costs no thread
switch (finished ones are dropped when it next wakes)."""

from __future__ import annotations

import contextlib
import heapq
import itertools
import math
import socket
import threading
import time
from collections.abc import Callable
from types import TracebackType


class ConversationDeadline:
    """``with ConversationDeadline(seconds, socket_of):`` bounds the whole block: at the
    deadline the socket ``socket_of()`` returns is shut down, which ends any blocked read
    or write with an ``OSError``; ``cut`` then says the deadline, not the peer, ended it.
    Never a cut after the block: its socket may go back to a pool. No socket yet (still
    connecting): nothing to cut; the connect timeout bounds that part."""

    def __init__(self, seconds: float, socket_of: Callable[[], socket.socket | None]) -> None:
        self.seconds = seconds
        self._socket_of = socket_of
        self.deadline = math.inf
        self.done = False
        self._cut = False

    def __repr__(self) -> str:
        return f"ConversationDeadline({self.seconds}s, cut={self.cut})"

    @property
    def cut(self) -> bool:
        return self._cut

    def __enter__(self) -> ConversationDeadline:
        self.deadline = time.monotonic() + self.seconds
        self.done = False
        _DEADLINES.keep(self)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        _DEADLINES.release(self)

    def _shut(self) -> None:
        """Called by the deadline thread, under its lock, while the block still runs."""
        sock = self._socket_of()
        if sock is None:
            return
        self._cut = True
        with contextlib.suppress(OSError):  # already closed: nothing left to cut
            sock.shutdown(socket.SHUT_RDWR)


class _Deadlines:
    def __init__(self) -> None:
        self._pending: list[tuple[float, int, ConversationDeadline]] = []
        self._order = itertools.count()
        self._wake = threading.Condition()
        self._thread: threading.Thread | None = None
        self._sleeping_until = math.inf  # when the thread wakes by itself

    def keep(self, conversation: ConversationDeadline) -> None:
        with self._wake:
            entry = (conversation.deadline, next(self._order), conversation)
            heapq.heappush(self._pending, entry)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="deadlines", daemon=True)
                self._thread.start()
            elif conversation.deadline < self._sleeping_until:
                self._wake.notify()

    def release(self, conversation: ConversationDeadline) -> None:
        with self._wake:  # the thread cuts under this lock: none after this
            conversation.done = True

    def _run(self) -> None:
        with self._wake:
            while True:
                while self._pending and self._pending[0][2].done:
                    heapq.heappop(self._pending)
                if not self._pending:
                    self._sleeping_until = math.inf
                    self._wake.wait(60)
                    if not self._pending:
                        self._thread = None
                        return
                    continue
                deadline, _, conversation = self._pending[0]
                wait = deadline - time.monotonic()
                if wait > 0:
                    self._sleeping_until = deadline
                    self._wake.wait(wait)
                    continue
                heapq.heappop(self._pending)
                conversation._shut()


_DEADLINES = _Deadlines()

__all__ = ["ConversationDeadline"]
