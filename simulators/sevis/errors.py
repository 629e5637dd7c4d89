"""Why the fake SEVIS refuses an operation: one base error, subclasses that only set a code.

The hierarchy::

    SevisError
    ├── UnknownStudent            student-not-found
    ├── DuplicateStudent          duplicate-student
    ├── InvalidSevisId            invalid-sevis-id
    ├── InvalidInput              invalid-input
    ├── NoChange                  no-change
    ├── UnknownOptRequest         opt-request-not-found
    ├── IllegalOptTransition      illegal-opt-transition
    ├── ConflictingOptRequest     conflicting-opt-request
    ├── ProgramNotActive          program-not-active
    ├── UnknownEmployment         employment-not-found
    ├── DuplicateEmployment       duplicate-employment
    ├── EmploymentNotDeleted      employment-not-deleted
    ├── NoStemRequest             no-stem-request
    ├── ResetNotOffered           reset-portal-account-not-offered
    ├── NothingToRetransmit       nothing-to-retransmit
    ├── UnknownChangeField        unknown-change-field
    ├── UnknownTicket             ticket-not-found
    └── TicketClosed              ticket-closed
"""

from __future__ import annotations

from typing import ClassVar


class SevisError(Exception):
    """SEVIS refused an operation; ``code`` is stable, ``detail`` is for people."""

    code: ClassVar[str] = "sevis-error"

    def __init__(self, detail: str = "") -> None:
        super().__init__(f"{self.code}: {detail}" if detail else self.code)
        self.detail = detail


class UnknownStudent(SevisError):
    code = "student-not-found"


class DuplicateStudent(SevisError):
    code = "duplicate-student"


class InvalidSevisId(SevisError):
    code = "invalid-sevis-id"


class InvalidInput(SevisError):
    code = "invalid-input"


class NoChange(SevisError):
    code = "no-change"


class UnknownOptRequest(SevisError):
    code = "opt-request-not-found"


class IllegalOptTransition(SevisError):
    code = "illegal-opt-transition"


class ConflictingOptRequest(SevisError):
    code = "conflicting-opt-request"


class ProgramNotActive(SevisError):
    code = "program-not-active"


class UnknownEmployment(SevisError):
    code = "employment-not-found"


class DuplicateEmployment(SevisError):
    code = "duplicate-employment"


class EmploymentNotDeleted(SevisError):
    code = "employment-not-deleted"


class NoStemRequest(SevisError):
    code = "no-stem-request"


class ResetNotOffered(SevisError):
    code = "reset-portal-account-not-offered"


class NothingToRetransmit(SevisError):
    code = "nothing-to-retransmit"


class UnknownChangeField(SevisError):
    code = "unknown-change-field"


class UnknownTicket(SevisError):
    code = "ticket-not-found"


class TicketClosed(SevisError):
    code = "ticket-closed"
