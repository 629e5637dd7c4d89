"""What one fuzz step came to, as a value two worlds' answers compare by: a kind, and for
anything but success what was said (a refusal code, an error's name), never an id."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class OutcomeKind(Enum):
    OK = "ok"  # the step was carried out
    REFUSED = "refused"  # the portal answered with a refusal page (``World.last_refusal``)
    RAISED = "raised"  # a portal or SEVIS refusal raised, or a step that could not be carried out
    TARGET_ERROR = "target error"  # the target could not be reached or answered garbage
    CRASHED = "crashed"  # a portal or the harness broke: a finding, not an answer


@dataclass(frozen=True, slots=True)
class Outcome:
    kind: OutcomeKind
    what: str = ""  # the refusal code or the error's name; "" when the step was carried out

    def __str__(self) -> str:
        return f"{self.kind.value}: {self.what}" if self.what else self.kind.value

    def __repr__(self) -> str:
        # Findings print outcomes as they always read: 'ok', 'refused: <code>'.
        return repr(str(self))

    @property
    def ok(self) -> bool:
        return self.kind is OutcomeKind.OK

    @property
    def carried_out(self) -> bool:
        """The step did what it says, or the portal refused it in an answer (a page)."""
        return self.kind in (OutcomeKind.OK, OutcomeKind.REFUSED)

    @property
    def failed_on_its_own(self) -> bool:
        """Raised or crashed: the step changed nothing a later check reads."""
        return self.kind in (OutcomeKind.RAISED, OutcomeKind.CRASHED)


OK = Outcome(OutcomeKind.OK)


def refused(code: str) -> Outcome:
    return Outcome(OutcomeKind.REFUSED, code)


def raised(what: str) -> Outcome:
    return Outcome(OutcomeKind.RAISED, what)


#: A step the harness could not carry out (a precondition did not hold, an email lacked a link).
NOT_CARRIED_OUT = raised("the step could not be carried out")
