"""The fake SEVIS's state and rules: students, program of study records, OPT requests,
employment and the event history. No I/O: the service drives these and the transport."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum

from simulators.common.clock import add_months
from simulators.common.domain import (
    LIMITS,
    EarlyCompletionReading,
    EducationLevel,
    EmploymentStatus,
    OptStatus,
    OptType,
    ProgramStatus,
)
from simulators.common.records import (
    AuthorizationRecord,
    EmploymentRecord,
    FieldChange,
    StudentRecord,
    UsAddress,
)
from simulators.common.seams import StudentChangeKind, Transmission, TransmissionKind
from simulators.sevis.errors import IllegalOptTransition, InvalidInput

#: The school a student is enrolled at when the caller names none.
DEFAULT_SCHOOL = "Harness University"

#: Where each OPT status may go through the ordinary path: USCIS receives and decides,
#: the DSO withdraws before a decision. The SRC's manual correction is not bound by it.
OPT_TRANSITIONS: dict[OptStatus, frozenset[OptStatus]] = {
    OptStatus.REQUESTED: frozenset({OptStatus.PENDING, OptStatus.WITHDRAWN}),
    OptStatus.PENDING: frozenset({OptStatus.APPROVED, OptStatus.DENIED, OptStatus.WITHDRAWN}),
    OptStatus.APPROVED: frozenset(),
    OptStatus.DENIED: frozenset({OptStatus.DELETED}),  # a denied STEM OPT is deleted (FAQ 8)
    OptStatus.WITHDRAWN: frozenset(),
    OptStatus.DELETED: frozenset(),
}

#: Statuses in which a request still counts against a new request of the same type.
LIVE_OPT_STATUSES = frozenset({OptStatus.REQUESTED, OptStatus.PENDING, OptStatus.APPROVED})


class EventName(str, Enum):
    """The names events carry in the SEVIS event history."""

    STUDENT_CREATED = "Student record created"
    PROGRAM_CREATED = "Program of study record created"
    PROGRAM_ENDED = "Program of study record ended"
    RECORD_COMPLETED = "Record completed"
    OPT_REQUESTED = "OPT requested"
    OPT_RECEIVED = "OPT request received by USCIS"
    OPT_APPROVED = "OPT approved"
    OPT_DENIED = "OPT denied"
    OPT_WITHDRAWN = "OPT request withdrawn"
    OPT_STATUS_CORRECTED = "OPT status corrected"
    STEM_OPT_DELETED = "STEM OPT deleted"
    EMAIL_CORRECTED = "Email address corrected"
    CONTACT_UPDATED = "Contact information updated"
    EMPLOYMENT_RESTORED = "Employment restored"
    STEM_EMPLOYER_ENTERED = "STEM employer entered"
    PORTAL_ACCOUNT_RESET = "Reset Portal Account"
    EMPLOYER_ADDED_IN_PORTAL = "Employer added in the portal"
    EMPLOYER_EDITED_IN_PORTAL = "Employer edited in the portal"
    EMPLOYER_DELETED_IN_PORTAL = "Employer deleted in the portal"
    CONTACT_CHANGED_IN_PORTAL = "Contact information changed in the portal"
    DATA_SENT_TO_PORTAL = "Data sent to SEVP Portal"


class TransmissionOutcome(str, Enum):
    """What SEVIS knows about a transmission. A silently lost one reads DELIVERED:
    SEVIS believes it was sent, exactly as a real sender would."""

    DELIVERED = "Delivered"
    FAILED = "Failed"


@dataclass(frozen=True)
class SevisEvent:
    """One line of a student's SEVIS event history."""

    sevis_id: str
    name: EventName
    at: datetime
    status: str  # the resulting status: OPT status, program status or transmission outcome
    performed_by: str  # a DSO's name or a PerformedBy value
    detail: str = ""
    program_id: str = ""
    request_id: str = ""
    transmission_id: str = ""
    transmission_kind: TransmissionKind | None = None
    outcome: TransmissionOutcome | None = None
    changes: tuple[FieldChange, ...] = ()

    def __repr__(self) -> str:
        extra = f" {self.transmission_id} {self.outcome.value}" if self.outcome else ""
        return (
            f"<SevisEvent {self.at:%Y-%m-%d %H:%M} {self.name.value!r} -> {self.status} "
            f"by {self.performed_by}{extra}>"
        )


@dataclass(frozen=True)
class TransmissionRecord:
    """One transmission SEVIS sent and what SEVIS knows of its fate."""

    transmission: Transmission
    outcome: TransmissionOutcome
    reason: str = ""
    retransmission_of: str = ""

    @property
    def transmission_id(self) -> str:
        return self.transmission.transmission_id

    def __repr__(self) -> str:
        return (
            f"<TransmissionRecord {self.transmission_id} {self.transmission.kind.value} "
            f"{self.outcome.value}{': ' + self.reason if self.reason else ''}>"
        )


@dataclass(frozen=True)
class StudentChangeRow:
    """One row of the downloadable list of what students changed in the portal (FAQ 10)."""

    sevis_id: str
    student_name: str
    changed_at: datetime
    kind: StudentChangeKind
    field: str
    old_value: str
    new_value: str
    change_id: str = ""


@dataclass
class OptRequest:
    """An OPT request in SEVIS; once Approved it is the student's authorization."""

    request_id: str
    sevis_id: str
    program_id: str
    opt_type: OptType
    status: OptStatus
    start_date: date
    end_date: date
    requested_at: datetime

    def __repr__(self) -> str:
        return (
            f"<OptRequest {self.request_id} {self.opt_type.value} {self.status.value} "
            f"{self.start_date}..{self.end_date}>"
        )

    def move_to(self, target: OptStatus) -> None:
        """Take the ordinary path to ``target``, or refuse (the SRC uses ``correct_to``)."""
        if target not in OPT_TRANSITIONS[self.status]:
            raise IllegalOptTransition(
                f"OPT request {self.request_id} cannot go from {self.status.value} "
                f"to {target.value}"
            )
        self.status = target

    def correct_to(self, target: OptStatus) -> None:
        """The SRC's manual correction: any status except Deleted, never a no-op."""
        if self.status is OptStatus.DELETED or target is OptStatus.DELETED:
            raise IllegalOptTransition(
                f"OPT request {self.request_id}: a deleted STEM OPT cannot be corrected"
            )
        if target is self.status:
            raise IllegalOptTransition(f"OPT request {self.request_id} is already {target.value}")
        self.status = target

    def to_record(self) -> AuthorizationRecord:
        return AuthorizationRecord(
            authorization_id=self.request_id,
            opt_type=self.opt_type,
            status=self.status,
            start_date=self.start_date,
            end_date=self.end_date,
        )


@dataclass
class ProgramOfStudy:
    """One program of study record; a student has one current record at a time.

    Employment belongs to the program: a transfer or level change starts a new record
    with no OPT and no employers (FAQ 8).
    """

    program_id: str
    school: str
    education_level: EducationLevel
    status: ProgramStatus
    started_on: date
    ended_on: date | None = None
    completed_on: date | None = None
    requests: list[OptRequest] = field(default_factory=list)
    employment: dict[str, EmploymentRecord] = field(default_factory=dict)

    def __repr__(self) -> str:
        return (
            f"<ProgramOfStudy {self.program_id} {self.status.value} "
            f"{self.education_level.value} at {self.school!r}: "
            f"{len(self.requests)} OPT, {len(self.employment)} employment>"
        )

    @property
    def is_active(self) -> bool:
        return self.status is ProgramStatus.ACTIVE

    def approved_authorizations(self) -> list[OptRequest]:
        return [r for r in self.requests if r.status is OptStatus.APPROVED]

    def live_request(self, opt_type: OptType) -> OptRequest | None:
        for request in self.requests:
            if request.opt_type is opt_type and request.status in LIVE_OPT_STATUSES:
                return request
        return None

    def active_employment(self) -> list[EmploymentRecord]:
        return [e for e in self.employment.values() if e.status is EmploymentStatus.ACTIVE]

    def deleted_employment(self) -> list[EmploymentRecord]:
        return [e for e in self.employment.values() if e.status is EmploymentStatus.DELETED]

    def portal_access_ends(self, reading: EarlyCompletionReading) -> date | None:
        """The last day the portal shows this program, or None without an approved OPT.

        Access ends six months after the OPT end date (FAQ 8, release 1.10). For a
        record completed early, which end date counts is not stated: ``reading`` picks.
        """
        approved = self.approved_authorizations()
        if not approved:
            return None
        opt_end = max(a.end_date for a in approved)
        if (
            reading is EarlyCompletionReading.COMPLETION_DATE
            and self.completed_on is not None
            and self.completed_on < opt_end
        ):
            opt_end = self.completed_on
        return add_months(opt_end, LIMITS.access_after_opt_end_months)


@dataclass
class Student:
    """A student's SEVIS record: biographic and contact data, programs, history."""

    sevis_id: str
    given_name: str
    surname: str
    birth_date: date
    email: str
    us_address: UsAddress
    phone: str
    mailing_address: UsAddress | None = None
    programs: list[ProgramOfStudy] = field(default_factory=list)
    events: list[SevisEvent] = field(default_factory=list)
    transmissions: list[TransmissionRecord] = field(default_factory=list)
    pending_sync: list[str] = field(default_factory=list)  # DSO edits awaiting the daily sync

    def __repr__(self) -> str:
        program = self.programs[-1] if self.programs else None
        return f"<Student {self.sevis_id} {self.full_name!r} current={program!r}>"

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.surname}".strip()

    @property
    def current_program(self) -> ProgramOfStudy:
        """The latest program record: the only one that may be Active."""
        return self.programs[-1]

    def active_programs(self) -> list[ProgramOfStudy]:
        return [p for p in self.programs if p.is_active]

    def snapshot(self) -> StudentRecord:
        """What SEVIS sends the portal: the current program only, its approved
        authorizations and its active employers (never pending or deleted ones)."""
        program = self.current_program
        return StudentRecord(
            sevis_id=self.sevis_id,
            given_name=self.given_name,
            surname=self.surname,
            birth_date=self.birth_date,
            email=self.email,
            us_address=self.us_address,
            phone=self.phone,
            mailing_address=self.mailing_address,
            program_id=program.program_id,
            program_status=program.status,
            education_level=program.education_level,
            completed_on=program.completed_on,
            authorizations=tuple(r.to_record() for r in program.approved_authorizations()),
            employers=tuple(program.active_employment()),
        )


def address_text(address: UsAddress | None) -> str:
    """An address on one line, as the portal's History page and change rows write it:
    ``street, [other, ]city, ST 12345``; empty for no address."""
    if address is None:
        return ""
    parts = [address.street, address.other, address.city, f"{address.state} {address.zip_code}"]
    return ", ".join(p for p in parts if p)


def parse_address_text(text: str) -> UsAddress | None:
    """Read ``address_text`` back: the only way a whole address travels in a FieldChange.

    Three parts are street, city, "ST ZIP"; four add the other line. Anything else is
    ambiguous (a comma inside a part) and refused rather than guessed.
    """
    if not text.strip():
        return None
    parts = [p.strip() for p in text.split(",")]
    state_zip = parts[-1].split()
    if len(parts) not in (3, 4) or len(state_zip) != 2:
        raise InvalidInput(
            f"cannot read the address {text!r}: expected 'street, [other, ]city, ST 12345'"
        )
    street, *other, city = parts[:-1]
    return UsAddress(
        street=street,
        city=city,
        state=state_zip[0],
        zip_code=state_zip[1],
        other=other[0] if other else "",
    )
