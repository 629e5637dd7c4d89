"""The fuzzer's model: what the machine has done so far, in the domain's words. Rule
preconditions read this model only, never a portal; it learns from the reference's
answers (accepted or refused), so it never depends on the target under test."""

from __future__ import annotations

from dataclasses import dataclass, field

from simulators.common.domain import OptType


@dataclass
class StudentModel:
    """The first student of an example, as the machine believes it to be."""

    requested: set[OptType] = field(default_factory=set)
    approved: set[OptType] = field(default_factory=set)
    denied: set[OptType] = field(default_factory=set)
    past_start: bool = False  # the clock moved past the OPT start while still pending
    registered: bool = False
    logged_in: bool = False
    locked: bool = False
    reset_requested: bool = False  # a password reset email waits to be followed
    email_typo: bool = False
    employers: set[str] = field(default_factory=set)  # believed visible, by name
    deleted: set[str] = field(default_factory=set)  # deleted with confirmation, restorable
    program_changed: bool = False  # transfer or change of education level
    completed: bool = False
    ticket_open: bool = False
    transmitted: bool = False  # SEVIS sent something to the portal at least once
    armed_faults: int = 0
    other_student: bool = False
    days_moved: int = 0

    @property
    def first_request_pending(self) -> bool:
        return (
            bool(self.requested)
            and not (self.approved | self.denied)
            and not (self.program_changed)
        )

    @property
    def stem_pending(self) -> bool:
        return OptType.STEM in self.requested and not (
            {OptType.STEM} & (self.approved | self.denied)
        )

    @property
    def post_completion_approved(self) -> bool:
        return OptType.POST_COMPLETION in self.approved and not self.program_changed

    @property
    def in_portal(self) -> bool:
        """Logged in and attested: the student's pages are open to them."""
        return self.logged_in and not self.locked

    def key(self) -> tuple[object, ...]:
        """Everything a move's guard may read, hashable: equal keys, equal guards."""
        return (
            frozenset(self.requested), frozenset(self.approved), frozenset(self.denied),
            self.past_start, self.registered, self.logged_in, self.locked,
            self.reset_requested, self.email_typo, frozenset(self.employers),
            frozenset(self.deleted), self.program_changed, self.completed, self.ticket_open,
            self.transmitted, self.armed_faults, self.other_student,
        )  # fmt: skip

    def state(self) -> tuple[str, ...]:
        """A small abstraction of the model, for the coverage summary (states, transitions)."""
        opt = ",".join(
            f"{kind.value}:{'approved' if kind in self.approved else 'denied' if kind in self.denied else 'pending'}"
            for kind in sorted(self.requested, key=lambda k: k.value)
        )
        flags = [
            name
            for name, on in (
                ("registered", self.registered),
                ("logged-in", self.logged_in),
                ("locked", self.locked),
                ("typo", self.email_typo),
                ("new-program", self.program_changed),
                ("completed", self.completed),
                ("ticket", self.ticket_open),
                ("fault-armed", self.armed_faults > 0),
                ("deleted", bool(self.deleted)),
                ("other-student", self.other_student),
            )
            if on
        ]
        employers = f"employers:{min(len(self.employers), 3)}"
        return (opt or "no-opt", employers, *flags)

    def __repr__(self) -> str:
        return f"StudentModel({' '.join(self.state())})"
