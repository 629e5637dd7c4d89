"""The moves of the differential machine: every sentence it plays after the start, each with
the argument values the reference would accept now.

A step draws two small integers: which move (an index into this fixed list, so a step keeps
its sentence when shrinking deletes steps before it) and which of its argument values. A
move the reference would refuse now gives way to one of those it would accept. Guards read
the model and the reference's calendar (``Now``), built once per step; no hypothesis
strategy is composed per step, which is where a step's time went (docs/fuzzing.md).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property
from typing import Any

from harness.fuzz import _sentences as s
from harness.fuzz._model import StudentModel
from harness.fuzz._sentences import PlayedStep, Sentence
from harness.world import ADDRESS_PROBLEMS, World
from simulators.common.clock import add_months
from simulators.common.domain import LIMITS, OptType

EMPLOYER_NAMES = ("Acme Robotics", "Cedar Labs", "Birch Analytics")
STEM_EMPLOYER_NAMES = ("Helix Bio", "Quanta Grid")
JOB_TITLES = ("Data Engineer", "Research Scientist")
TODAY_EMPLOYER = "Today Starts Inc."
#: Every name an employer of the first student can have in an example.
ALL_EMPLOYER_NAMES = (*EMPLOYER_NAMES, *STEM_EMPLOYER_NAMES, TODAY_EMPLOYER)

Arguments = Mapping[str, Any]
NO_ARGUMENTS: tuple[Arguments] = ({},)

#: How an example starts: one of five Given sentences.
STARTS: tuple[PlayedStep, ...] = (
    PlayedStep(s.PENDING, {"opt": "post-completion"}),
    PlayedStep(s.APPROVED, {"opt": "post-completion"}),
    PlayedStep(s.REGISTERED, {"opt": "post-completion"}),
    PlayedStep(s.LOGGED_IN, {"opt": "post-completion"}),
    PlayedStep(s.LOGGED_IN, {"opt": "STEM"}),
)


class Now:
    """What the guards of one step read: the model, and dates from the reference world,
    each computed once and only when a guard asks."""

    def __init__(self, model: StudentModel, reference: World) -> None:
        self.model = model
        self._reference = reference

    @cached_property
    def today(self) -> date:
        return self._reference.clock.today()

    @cached_property
    def opt_end(self) -> date | None:
        return self._reference.student.opt_end if self._reference.students else None

    @cached_property
    def opt_start(self) -> date | None:
        """The first request's start date (in SEVIS, our own simulator)."""
        world = self._reference
        if not world.students or not world.student.requests:
            return None
        request_id = next(iter(world.student.requests.values()))
        return world.sevis.opt_request(request_id).start_date

    def key(self) -> tuple[object, ...]:
        """The model's key and every date check: what all guards read, hashable."""
        return (
            self.model.key(),
            self.before_opt_start(),
            self.can_complete(30),
            self.can_complete(90),
            self.before_opt_end(),
            self.before_six_months("before"),
            self.before_six_months("after"),
        )

    def before_opt_start(self) -> bool:
        return self.opt_start is not None and self.today < self.opt_start + timedelta(days=7)

    def can_complete(self, days: int) -> bool:
        return self.opt_end is not None and self.today < self.opt_end - timedelta(days=days)

    def before_opt_end(self) -> bool:
        return self.opt_end is not None and self.today <= self.opt_end

    def before_six_months(self, side: str) -> bool:
        if self.opt_end is None:
            return False
        offset = -1 if side == "before" else 1
        months = LIMITS.access_after_opt_end_months
        return self.today < add_months(self.opt_end, months) + timedelta(days=offset)


@dataclass(frozen=True)
class Move:
    """A sentence and the argument values the reference would accept for it now (none: the
    move is not possible now)."""

    sentence: Sentence
    arguments: Callable[[Now], tuple[Arguments, ...]]

    def __repr__(self) -> str:
        return f"Move({self.sentence!r})"


def _when(guard: Callable[[StudentModel], bool]) -> Callable[[Now], tuple[Arguments, ...]]:
    """A move without arguments, possible when ``guard`` holds for the model."""
    return lambda now: NO_ARGUMENTS if guard(now.model) else ()


def _each(
    name: str, values: tuple[Any, ...], guard: Callable[[Now, Any], bool] = lambda now, v: True
) -> Callable[[Now], tuple[Arguments, ...]]:
    """A move with one argument, possible with each value for which ``guard`` holds."""
    choices = tuple({name: value} for value in values)
    return lambda now: tuple(c for c in choices if guard(now, c[name]))


def _visible_employer(now: Now, name: str) -> bool:
    return now.model.in_portal and name in now.model.employers


def _job_titles(now: Now) -> tuple[Arguments, ...]:
    if not now.model.in_portal:
        return ()
    return tuple(
        {"name": name, "title": title}
        for name in ALL_EMPLOYER_NAMES
        if name in now.model.employers
        for title in JOB_TITLES
    )


def _six_months(now: Now) -> tuple[Arguments, ...]:
    if not now.model.approved:
        return ()
    return tuple(
        {"side": side, "which": "authorized OPT end"}
        for side in ("before", "after")
        if now.before_six_months(side)
    )


def _stem_employer_possible(now: Now, name: str) -> bool:
    m = now.model
    stem_on = m.stem_pending or (OptType.STEM in m.approved and not m.program_changed)
    return stem_on and name not in m.employers and name not in m.deleted


# Two employers of one name make "the employer X" ambiguous: the step library takes the
# first the portal lists, and portals order same-day namesakes by their own random ids.
MOVES: tuple[Move, ...] = (
    # SEVIS and USCIS
    Move(s.USCIS_APPROVES, _when(lambda m: m.first_request_pending)),
    Move(
        s.PENDING_PAST_START,
        lambda now: (
            NO_ARGUMENTS
            if now.model.first_request_pending
            and not now.model.past_start
            and now.before_opt_start()
            else ()
        ),
    ),
    Move(
        s.SRC_CORRECTS,
        _each("status", ("Approved",), lambda now, _: now.model.first_request_pending),
    ),
    Move(
        s.STEM_PENDING,
        _when(
            lambda m: (
                m.post_completion_approved and OptType.STEM not in m.requested and not m.completed
            )
        ),
    ),
    Move(s.STEM_DENIED, _when(lambda m: m.stem_pending and not m.program_changed)),
    Move(s.TRANSMISSION_FAILS, _when(lambda m: m.armed_faults < 2)),
    Move(s.TRANSMISSION_TWICE, _when(lambda m: m.armed_faults < 2)),
    Move(s.DAILY_SYNC, lambda now: NO_ARGUMENTS),
    # the DSO
    Move(s.DSO_RESETS, _when(lambda m: bool(m.approved) and not m.program_changed)),
    Move(s.EMAIL_TYPO, _when(lambda m: not m.email_typo)),
    Move(s.EMAIL_CORRECTED, _when(lambda m: m.email_typo)),
    Move(
        s.DSO_RESTORES,
        _each(
            "name",
            ALL_EMPLOYER_NAMES,
            lambda now, name: name in now.model.deleted and name not in now.model.employers,
        ),
    ),
    Move(s.DSO_STEM_EMPLOYER, _each("name", STEM_EMPLOYER_NAMES, _stem_employer_possible)),
    Move(s.TRANSFER, _when(lambda m: not m.program_changed)),
    Move(s.LEVEL_CHANGE, _when(lambda m: not m.program_changed)),
    Move(
        s.COMPLETED_EARLY,
        _each(
            "days",
            (30, 90),
            lambda now, days: (
                now.model.post_completion_approved
                and not now.model.completed
                and now.can_complete(days)
            ),
        ),
    ),
    # the SRC
    Move(s.REPORT_FAILED_TRANSMISSION, _when(lambda m: m.transmitted and not m.ticket_open)),
    Move(s.SRC_RETRANSMITS, _when(lambda m: m.ticket_open)),
    Move(s.SRC_RESETS, _when(lambda m: m.ticket_open and bool(m.approved))),
    # the student
    Move(
        s.REGISTERS,
        _each(
            "notice",
            ("account creation",),
            lambda now, _: not now.model.registered and bool(now.model.approved),
        ),
    ),
    Move(s.LOGS_IN, _when(lambda m: m.registered and not m.locked)),
    Move(s.WRONG_PASSWORD, _each("times", ("1", "3"), lambda now, _: now.model.registered)),
    Move(s.RESET_BUTTON, _when(lambda m: m.registered)),
    Move(
        s.FOLLOWS_RESET_LINK,
        _each("notice", ("password reset",), lambda now, _: now.model.reset_requested),
    ),
    Move(
        s.ADDS_EMPLOYER,
        _each(
            "name",
            EMPLOYER_NAMES,
            lambda now, name: now.model.in_portal and name not in now.model.employers,
        ),
    ),
    Move(
        s.REPORTS_EMPLOYER_TODAY,
        _when(lambda m: m.in_portal and TODAY_EMPLOYER not in m.employers),
    ),
    Move(s.DELETES_CONFIRMING, _each("name", ALL_EMPLOYER_NAMES, _visible_employer)),
    Move(s.DELETES_UNCONFIRMED, _each("name", ALL_EMPLOYER_NAMES, _visible_employer)),
    Move(s.CHANGES_JOB_TITLE, _job_titles),
    Move(s.CHANGES_PHONE, _when(lambda m: m.in_portal)),
    Move(
        s.CHANGES_ADDRESS_BADLY,
        _each("problem", tuple(sorted(ADDRESS_PROBLEMS)), lambda now, _: now.model.in_portal),
    ),
    Move(
        s.ANOTHER_STUDENT,
        _each("opt", ("post-completion",), lambda now, _: not now.model.other_student),
    ),
    Move(
        s.OTHER_DELETES,
        _each(
            "name",
            ALL_EMPLOYER_NAMES,
            lambda now, name: now.model.other_student and _visible_employer(now, name),
        ),
    ),
    # the clock
    Move(s.DAYS_PASS, _each("days", (1, 13, 30, 91))),
    Move(s.DAYS_PASS_LOGGING_IN, _each("days", (30, 200))),
    Move(
        s.OPT_END_PASSED,
        lambda now: (
            NO_ARGUMENTS if now.model.post_completion_approved and now.before_opt_end() else ()
        ),
    ),
    Move(s.SIX_MONTHS, _six_months),
)

#: The largest number of argument values a move has (the range of the second draw).
MOST_VARIANTS = max(len(ALL_EMPLOYER_NAMES) * len(JOB_TITLES), len(ADDRESS_PROBLEMS), 4)


def choose(move: int, variant: int, now: Now) -> PlayedStep:
    """The step for a draw: move ``move`` if it is possible now, else one of the possible
    moves (``move`` modulo their number); then its ``variant``-th argument value (modulo)."""
    arguments = MOVES[move].arguments(now)
    sentence = MOVES[move].sentence
    if not arguments:
        possible = possible_moves(now)
        sentence, arguments = possible[move % len(possible)]
    return PlayedStep(sentence, arguments[variant % len(arguments)])


_POSSIBLE: dict[tuple[object, ...], list[tuple[Sentence, tuple[Arguments, ...]]]] = {}


def possible_moves(now: Now) -> list[tuple[Sentence, tuple[Arguments, ...]]]:
    """Every move possible now with its argument values, in the order of ``MOVES``; kept
    per guard key, since examples pass through the same few model states again and again."""
    key = now.key()
    found = _POSSIBLE.get(key)
    if found is None:
        if len(_POSSIBLE) > 50_000:  # bounded, for runs of millions of steps
            _POSSIBLE.clear()
        found = _POSSIBLE[key] = [(m.sentence, a) for m in MOVES if (a := m.arguments(now))]
    return found
