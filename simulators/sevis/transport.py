"""The SEVIS -> portal transport seam: a recorder, a null sink, and a wrapper that
injects the faults a real link has (fail, drop, duplicate, delay, reorder)."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from enum import Enum

from simulators.common.seams import PortalTransport, Transmission, TransmissionFailed


class NullTransport:
    """Accepts every transmission and forgets it: SEVIS with no portal attached."""

    def __repr__(self) -> str:
        return "NullTransport()"

    def deliver(self, transmission: Transmission) -> None:
        return None


class RecordingTransport:
    """Keeps every delivered transmission, in order, duplicates included.

    ``applied()`` is what an idempotent portal would act on: the first delivery of
    each transmission id, which is what the portal contract promises to honour.
    """

    def __init__(self) -> None:
        self.delivered: list[Transmission] = []

    def __repr__(self) -> str:
        return f"RecordingTransport({len(self.delivered)} delivered)"

    def deliver(self, transmission: Transmission) -> None:
        self.delivered.append(transmission)

    def ids(self) -> list[str]:
        return [t.transmission_id for t in self.delivered]

    def applied(self) -> list[Transmission]:
        seen: set[str] = set()
        first: list[Transmission] = []
        for transmission in self.delivered:
            if transmission.transmission_id not in seen:
                seen.add(transmission.transmission_id)
                first.append(transmission)
        return first

    def for_student(self, sevis_id: str) -> list[Transmission]:
        return [t for t in self.delivered if t.record.sevis_id == sevis_id]

    def clear(self) -> None:
        self.delivered.clear()


class Fault(str, Enum):
    """What ``FaultyTransport`` does to one transmission."""

    FAIL = "fail"  # refused: SEVIS sees TransmissionFailed
    DROP = "drop"  # lost silently: SEVIS believes it was sent
    DUPLICATE = "duplicate"  # delivered twice with the same transmission id
    DELAY = "delay"  # held until release_delayed()


class TransportAction(str, Enum):
    """What really happened on the link, as opposed to what SEVIS believes."""

    DELIVERED = "delivered"
    FAILED = "failed"
    DROPPED = "dropped"
    DUPLICATED = "duplicated"
    DELAYED = "delayed"
    RELEASED = "released"


@dataclass(frozen=True)
class TransportLogEntry:
    transmission_id: str
    action: TransportAction
    detail: str = ""


class FaultyTransport:
    """Wraps a transport and injects faults into the next transmissions, in the order asked.

    ``fail_next(1); drop_next(1)`` fails the next transmission and drops the one after.
    ``log`` tells the truth about each transmission, for tests and evidence: SEVIS
    itself only ever knows "delivered" or "failed", as a real sender would.
    """

    def __init__(self, inner: PortalTransport) -> None:
        self.inner = inner
        self.log: list[TransportLogEntry] = []
        self._faults: deque[Fault] = deque()
        self._held: list[Transmission] = []
        self._reorder_size = 0
        self._reorder_batch: list[Transmission] = []

    def __repr__(self) -> str:
        faults = ",".join(f.value for f in self._faults) or "none"
        return f"FaultyTransport(next faults: {faults}; held: {len(self._held)})"

    # -- arming faults -------------------------------------------------------------
    def fail_next(self, n: int = 1) -> None:
        self._arm(Fault.FAIL, n)

    def drop_next(self, n: int = 1) -> None:
        self._arm(Fault.DROP, n)

    def duplicate_next(self, n: int = 1) -> None:
        self._arm(Fault.DUPLICATE, n)

    def delay_next(self, n: int = 1) -> None:
        self._arm(Fault.DELAY, n)

    def reorder_next(self, n: int = 2) -> None:
        """Hold the next ``n`` transmissions, then deliver them newest first."""
        if n < 2:
            raise ValueError(f"reordering needs at least two transmissions, not {n}")
        self._reorder_size = n
        self._reorder_batch = []

    def clear_faults(self) -> None:
        self._faults.clear()
        self._reorder_size = 0

    def _arm(self, fault: Fault, n: int) -> None:
        if n < 1:
            raise ValueError(f"a fault applies to at least one transmission, not {n}")
        self._faults.extend([fault] * n)

    # -- the seam ------------------------------------------------------------------
    @property
    def held(self) -> list[Transmission]:
        """Transmissions delayed and not yet released, oldest first."""
        return list(self._held)

    def deliver(self, transmission: Transmission) -> None:
        fault = self._faults.popleft() if self._faults else None
        if fault is Fault.FAIL:
            self._note(transmission, TransportAction.FAILED, "injected failure")
            raise TransmissionFailed(f"injected failure of {transmission.transmission_id}")
        if fault is Fault.DROP:
            self._note(transmission, TransportAction.DROPPED)
            return
        if fault is Fault.DELAY:
            self._held.append(transmission)
            self._note(transmission, TransportAction.DELAYED)
            return
        if self._reorder_size:
            self._hold_for_reorder(transmission)
            return
        self.inner.deliver(transmission)
        self._note(transmission, TransportAction.DELIVERED)
        if fault is Fault.DUPLICATE:
            self.inner.deliver(transmission)
            self._note(transmission, TransportAction.DUPLICATED)

    def release_delayed(self, *, reverse: bool = False) -> list[Transmission]:
        """Deliver the held transmissions (newest first with ``reverse``: a reorder).

        The sender has long moved on, so a failure here is logged, never raised.
        """
        batch, self._held = self._held, []
        if reverse:
            batch.reverse()
        for transmission in batch:
            self._deliver_late(transmission)
        return batch

    def _hold_for_reorder(self, transmission: Transmission) -> None:
        self._reorder_batch.append(transmission)
        self._note(transmission, TransportAction.DELAYED, "held for reordering")
        if len(self._reorder_batch) >= self._reorder_size:
            batch, self._reorder_batch, self._reorder_size = self._reorder_batch, [], 0
            for held in reversed(batch):
                self._deliver_late(held)

    def _deliver_late(self, transmission: Transmission) -> None:
        try:
            self.inner.deliver(transmission)
        except Exception as exc:
            self._note(transmission, TransportAction.FAILED, f"on release: {exc}")
        else:
            self._note(transmission, TransportAction.RELEASED)

    def _note(self, transmission: Transmission, action: TransportAction, detail: str = "") -> None:
        self.log.append(TransportLogEntry(transmission.transmission_id, action, detail))
