"""One injectable clock: every simulator and the reference portal read time from it.

Nothing in the project calls the wall clock for domain time; tests and scenarios
move a ``SimulatedClock`` instead, so that 14 days, 90 days or six months pass in
microseconds and every run is repeatable.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import MAXYEAR, MINYEAR, date, datetime, timedelta, timezone
from typing import Protocol

#: The default start of simulated time: a Monday morning, UTC.
DEFAULT_START = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)


class Clock(Protocol):
    """Anything that tells the current time (timezone-aware, UTC)."""

    def now(self) -> datetime: ...


def today(clock: Clock) -> date:
    """The calendar day of ``clock`` (UTC)."""
    return clock.now().date()


class SimulatedClock:
    """A clock that only moves when told to. Listeners hear every move."""

    def __init__(self, start: datetime = DEFAULT_START) -> None:
        self._now = _as_utc(start)
        self._listeners: list[Callable[[datetime, datetime], None]] = []

    def __repr__(self) -> str:
        return f"SimulatedClock({self._now.isoformat()})"

    def now(self) -> datetime:
        return self._now

    def today(self) -> date:
        return self._now.date()

    def advance(self, delta: timedelta) -> datetime:
        """Move forward by ``delta`` (never backwards) and tell the listeners."""
        if delta < timedelta(0):
            raise ValueError(f"a clock cannot move backwards (asked to move by {delta})")
        return self.set(self._now + delta)

    def set(self, moment: datetime) -> datetime:
        """Jump to ``moment``; a jump backwards is refused, as real time never does it."""
        moment = _as_utc(moment)
        if moment < self._now:
            raise ValueError(
                f"a clock cannot move backwards (now {self._now.isoformat()}, "
                f"asked for {moment.isoformat()})"
            )
        before, self._now = self._now, moment
        for listener in list(self._listeners):
            listener(before, moment)
        return moment

    def on_move(self, listener: Callable[[datetime, datetime], None]) -> None:
        """Call ``listener(before, after)`` after every move."""
        self._listeners.append(listener)


def _as_utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def add_months(day: date, months: int) -> date:
    """``day`` plus calendar months, clamped to the month's last day (Aug 31 + 6 = Feb 28/29)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    if not MINYEAR <= year <= MAXYEAR:
        raise OverflowError(f"{day.isoformat()} plus {months} months is not a representable date")
    for candidate in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable: every month has 28 days")
