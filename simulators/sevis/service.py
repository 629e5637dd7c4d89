"""The fake SEVIS's operations: what schools, DSOs, USCIS, the SRC and the portal do to
student records, and every transmission that follows, recorded in the event history."""

from __future__ import annotations

import copy
import csv
import io
import secrets
from collections.abc import Iterable
from dataclasses import fields, replace
from datetime import date, datetime, time, timedelta, timezone

from simulators.common.clock import Clock
from simulators.common.domain import (
    EMAIL_PATTERN,
    PHONE_PATTERN,
    SEVIS_ID_PATTERN,
    EducationLevel,
    EmploymentStatus,
    OptStatus,
    OptType,
    PerformedBy,
    ProgramStatus,
)
from simulators.common.readings import REFERENCE_READINGS, Readings
from simulators.common.records import (
    AuthorizationRecord,
    EmploymentRecord,
    FieldChange,
    NewStudent,
    StudentRecord,
    UsAddress,
)
from simulators.common.seams import (
    PortalTransport,
    StudentChange,
    StudentChangeKind,
    Transmission,
    TransmissionFailed,
    TransmissionKind,
)
from simulators.sevis import errors
from simulators.sevis.models import (
    DEFAULT_SCHOOL,
    EventName,
    OptRequest,
    ProgramOfStudy,
    SevisEvent,
    Student,
    StudentChangeRow,
    TransmissionOutcome,
    TransmissionRecord,
    address_text,
    parse_address_text,
)
from simulators.sevis.src import SrcDesk
from simulators.sevis.transport import NullTransport

_SYSTEM = PerformedBy.SYSTEM_INTERFACE.value
_DHS = PerformedBy.DHS_OFFICIAL.value
_USCIS = PerformedBy.USCIS.value
_SRC = PerformedBy.SRC.value

#: Contact fields a portal change may name: a whole address (``address_text`` format,
#: as the reference portal sends it) or one part of it (``us_address.zip_code``).
_ADDRESS_PARTS = tuple(f.name for f in fields(UsAddress))
_ADDRESSES = ("us_address", "mailing_address")
CONTACT_FIELDS: frozenset[str] = frozenset(
    {"phone", "email", *_ADDRESSES}
    | {f"{which}.{part}" for which in _ADDRESSES for part in _ADDRESS_PARTS}
)

CHANGE_LIST_COLUMNS = (
    "sevis_id",
    "student_name",
    "changed_at",
    "kind",
    "field",
    "old_value",
    "new_value",
    "change_id",
)


class SevisService:
    """One fake SEVIS: students, programs, OPT, DSO / USCIS / SRC actions, transmissions.

    Rules worth knowing (each is documented where it is enforced):
    - A snapshot sent to the portal holds the current program only, its Approved
      authorizations and its Active employers.
    - Status changes transmit at once; DSO data edits wait for the daily sync, which
      ``run_daily_sync`` performs and ``on_clock_moved`` runs at every midnight crossed.
    - A transport failure never fails the SEVIS action: it is recorded as Failed.
    """

    def __init__(
        self,
        clock: Clock,
        transport: PortalTransport | None = None,
        *,
        id_prefix: str | None = None,
        readings: Readings = REFERENCE_READINGS,
    ) -> None:
        self.clock = clock
        self.transport: PortalTransport = transport if transport is not None else NullTransport()
        #: The portal's readings: SEVIS reads FAQ 8's early completion as the portal does.
        self.readings = readings
        # A random prefix keeps ids unique across SEVIS instances feeding one portal
        # (parallel runs); pass one for repeatable ids.
        self.id_prefix = id_prefix if id_prefix is not None else secrets.token_hex(3).upper()
        self._counters: dict[str, int] = {}
        self._students: dict[str, Student] = {}
        self._requests: dict[str, OptRequest] = {}
        self._seen_changes: set[str] = set()
        self._change_rows: list[StudentChangeRow] = []
        self._reset_hidden_for_all = False
        self._reset_hidden: set[str] = set()
        self.src = SrcDesk(self, new_ticket_id=lambda: self._new_id("SRC"))

    def __repr__(self) -> str:
        return f"SevisService({len(self._students)} students, transport={self.transport!r})"

    def use_readings(self, readings: Readings) -> None:
        """Read what the sources leave open as the portal does (its declared readings)."""
        self.readings = readings

    def connect(self, transport: PortalTransport) -> None:
        """Transmit to the portal through ``transport`` from now on. The portal is built
        around this SEVIS (it reports student changes here), so the transport to it can
        only come after: this is the one place it is given."""
        self.transport = transport

    def reset(self) -> None:
        """Forget every record, keeping the clock, transport, prefix and settings."""
        self.__init__(  # type: ignore[misc]
            self.clock,
            self.transport,
            id_prefix=self.id_prefix,
            readings=self.readings,
        )

    # -- reading -------------------------------------------------------------------
    def sevis_ids(self) -> list[str]:
        return list(self._students)

    def snapshot(self, sevis_id: str) -> StudentRecord:
        """The record as SEVIS would send it to the portal now."""
        return self._student(sevis_id).snapshot()

    def programs(self, sevis_id: str) -> list[ProgramOfStudy]:
        """Every program record of the student, oldest first (copies: edit through SEVIS)."""
        return copy.deepcopy(self._student(sevis_id).programs)

    def program_statuses(self, sevis_id: str) -> list[tuple[str, ProgramStatus]]:
        """Each program record's id and status, oldest first: a cheap read (no copies)."""
        return [(p.program_id, p.status) for p in self._student(sevis_id).programs]

    def current_program(self, sevis_id: str) -> ProgramOfStudy:
        return copy.deepcopy(self._student(sevis_id).current_program)

    def opt_request(self, request_id: str) -> AuthorizationRecord:
        return self._request(request_id).to_record()

    def opt_requests(self, sevis_id: str) -> list[AuthorizationRecord]:
        """Every OPT request of the student, across all program records."""
        student = self._student(sevis_id)
        return [r.to_record() for p in student.programs for r in p.requests]

    def opt_request_statuses(self, sevis_id: str) -> list[tuple[str, OptStatus]]:
        """Each OPT request's id and status, across all program records: a cheap read."""
        student = self._student(sevis_id)
        return [(r.request_id, r.status) for p in student.programs for r in p.requests]

    def event_history(self, sevis_id: str) -> list[SevisEvent]:
        return list(self._student(sevis_id).events)

    def transmissions(self, sevis_id: str | None = None) -> list[TransmissionRecord]:
        """What SEVIS sent, with what it knows of each outcome, in sending order."""
        if sevis_id is not None:
            return list(self._student(sevis_id).transmissions)
        every = [t for s in self._students.values() for t in s.transmissions]
        return sorted(every, key=lambda t: (t.transmission.sent_at, t.transmission_id))

    def pending_sync(self, sevis_id: str) -> list[str]:
        """The DSO edits waiting for the next daily sync."""
        return list(self._student(sevis_id).pending_sync)

    # -- enrolment -----------------------------------------------------------------
    def enroll_student(
        self, new: NewStudent, *, school: str = DEFAULT_SCHOOL, performed_by: str = _DHS
    ) -> str:
        """Create the student record and its first, Active program record."""
        if not SEVIS_ID_PATTERN.fullmatch(new.sevis_id):
            raise errors.InvalidSevisId(f"{new.sevis_id!r} is not N followed by 10 digits")
        if new.sevis_id in self._students:
            raise errors.DuplicateStudent(f"{new.sevis_id} is already enrolled")
        problems = _contact_problems(new.email, new.us_address, new.phone, new.mailing_address)
        if not new.given_name.strip() and not new.surname.strip():
            problems.append("a name is required")
        if not school.strip():
            problems.append("a school is required")
        if problems:
            raise errors.InvalidInput("; ".join(problems))
        student = Student(
            sevis_id=new.sevis_id,
            given_name=new.given_name,
            surname=new.surname,
            birth_date=new.birth_date,
            email=new.email,
            us_address=new.us_address,
            phone=new.phone,
            mailing_address=new.mailing_address,
        )
        self._students[student.sevis_id] = student
        self._record(student, EventName.STUDENT_CREATED, ProgramStatus.ACTIVE.value, performed_by)
        self._open_program(student, school, new.education_level, performed_by, "initial record")
        return student.sevis_id

    # -- OPT lifecycle -------------------------------------------------------------
    def request_opt(
        self,
        sevis_id: str,
        opt_type: OptType,
        start_date: date,
        end_date: date,
        *,
        dso: str = _DHS,
    ) -> str:
        """A DSO recommends OPT: the request is Requested until USCIS receives it.

        One live (Requested, Pending or Approved) request per OPT type per program.
        """
        student = self._student(sevis_id)
        program = self._active_program(student)
        if end_date < start_date:
            raise errors.InvalidInput(f"OPT end {end_date} is before its start {start_date}")
        live = program.live_request(opt_type)
        if live is not None:
            raise errors.ConflictingOptRequest(
                f"{sevis_id} already has {opt_type.label} request {live.request_id} "
                f"({live.status.value})"
            )
        request = OptRequest(
            request_id=self._new_id("OPT"),
            sevis_id=sevis_id,
            program_id=program.program_id,
            opt_type=opt_type,
            status=OptStatus.REQUESTED,
            start_date=start_date,
            end_date=end_date,
            requested_at=self.clock.now(),
        )
        program.requests.append(request)
        self._requests[request.request_id] = request
        self._record_opt(
            student,
            request,
            EventName.OPT_REQUESTED,
            dso,
            f"{opt_type.label} {start_date}..{end_date}",
        )
        return request.request_id

    def uscis_receive(self, request_id: str) -> None:
        student, request = self._request_in_active_program(request_id)
        request.move_to(OptStatus.PENDING)
        self._record_opt(student, request, EventName.OPT_RECEIVED, _USCIS)

    def uscis_approve(self, request_id: str) -> None:
        """USCIS approves: the status change to Approved transmits the record (FAQ 7)."""
        student, request = self._request_in_active_program(request_id)
        request.move_to(OptStatus.APPROVED)
        self._record_opt(student, request, EventName.OPT_APPROVED, _USCIS)
        self._transmit_opt_approval(student)

    def uscis_deny(self, request_id: str) -> None:
        """USCIS denies; a denied STEM OPT is then deleted in SEVIS and the portal (FAQ 8)."""
        student, request = self._request_in_active_program(request_id)
        request.move_to(OptStatus.DENIED)
        self._record_opt(student, request, EventName.OPT_DENIED, _USCIS)
        if request.opt_type is OptType.STEM:
            self._delete_stem_opt(student, request)

    def withdraw_opt(self, request_id: str, *, dso: str = _DHS) -> None:
        """Withdraw a request USCIS has not decided yet."""
        student, request = self._request_in_active_program(request_id)
        request.move_to(OptStatus.WITHDRAWN)
        self._record_opt(student, request, EventName.OPT_WITHDRAWN, dso)

    def correct_opt_status(
        self, request_id: str, status: OptStatus, *, note: str = "", performed_by: str = _SRC
    ) -> None:
        """The SRC's manual correction (e.g. Pending -> Approved after USCIS approved).

        To the portal it is the same as a USCIS decision (FAQ 7): Approved transmits
        OPT_APPROVED; a STEM OPT corrected to Denied is deleted (FAQ 8).
        """
        student, request = self._request_in_active_program(request_id)
        before = request.status
        request.correct_to(status)
        detail = f"{before.value} -> {status.value}" + (f": {note}" if note else "")
        self._record_opt(student, request, EventName.OPT_STATUS_CORRECTED, performed_by, detail)
        if status is OptStatus.APPROVED:
            self._transmit_opt_approval(student)
        elif status is OptStatus.DENIED and request.opt_type is OptType.STEM:
            self._delete_stem_opt(student, request)

    def _transmit_opt_approval(self, student: Student) -> TransmissionRecord:
        return self._transmit(student, TransmissionKind.OPT_APPROVED)

    def _delete_stem_opt(self, student: Student, request: OptRequest) -> None:
        program = student.current_program
        request.move_to(OptStatus.DELETED)
        removed = [e for e in program.employment.values() if e.opt_type is OptType.STEM]
        for employment in removed:
            del program.employment[employment.employment_id]
        names = ", ".join(e.employer_name for e in removed) or "none"
        self._record_opt(
            student, request, EventName.STEM_OPT_DELETED, _DHS, f"STEM employment removed: {names}"
        )
        self._transmit(student, TransmissionKind.STEM_DENIED)

    # -- DSO actions ---------------------------------------------------------------
    def reset_portal_account_offered(self, sevis_id: str) -> bool:
        """Whether SEVIS shows the Reset Portal Account action for this student.

        Rule: the current program has an Approved OPT authorization and its portal
        access window is still open (today is on or before six months after the OPT
        end date). The fault switch ``hide_reset_portal_account`` hides it anyway
        (FAQ 5: "the reset portal button does not appear").
        """
        student = self._student(sevis_id)
        return not self._reset_hidden_for(sevis_id) and self._portal_access_open(student)

    def hide_reset_portal_account(self, sevis_id: str | None = None) -> None:
        """Fault switch: hide the action for one student, or for all with None (FAQ 5)."""
        if sevis_id is None:
            self._reset_hidden_for_all = True
        else:
            self._student(sevis_id)
            self._reset_hidden.add(sevis_id)

    def show_reset_portal_account(self, sevis_id: str | None = None) -> None:
        """Undo ``hide_reset_portal_account`` for one student, or for all with None."""
        if sevis_id is None:
            self._reset_hidden_for_all = False
            self._reset_hidden.clear()
        else:
            self._reset_hidden.discard(sevis_id)

    def reset_portal_account(self, sevis_id: str, dso: str) -> TransmissionRecord:
        """The DSO's Reset Portal Account: unlocks the account and, through the portal,
        re-sends the account creation email (FAQ 3, 7). Refused when not offered."""
        student = self._student(sevis_id)
        if self._reset_hidden_for(sevis_id):
            raise errors.ResetNotOffered(
                f"the Reset Portal Account action does not appear for {sevis_id}; "
                "send the details and screenshots to the SRC (FAQ 5)"
            )
        return self._reset_portal_account(student, dso)

    def unlock_portal_account_by_src(self, sevis_id: str) -> TransmissionRecord:
        """The SRC resets the account on the student's behalf: the hidden button does not
        stop it, but a student with no open portal access has nothing to unlock."""
        return self._reset_portal_account(self._student(sevis_id), _SRC)

    def _reset_portal_account(self, student: Student, performed_by: str) -> TransmissionRecord:
        if not self._portal_access_open(student):
            raise errors.ResetNotOffered(
                f"{student.sevis_id} has no approved OPT with open portal access "
                "in the current program"
            )
        self._record(
            student,
            EventName.PORTAL_ACCOUNT_RESET,
            student.current_program.status.value,
            performed_by,
        )
        return self._transmit(student, TransmissionKind.RESET_PORTAL_ACCOUNT)

    def correct_email(self, sevis_id: str, email: str, dso: str) -> None:
        """The DSO corrects the email the portal uses (FAQ 7); reaches the portal with
        the daily sync, or at once with a following Reset Portal Account."""
        student = self._student(sevis_id)
        if not EMAIL_PATTERN.fullmatch(email):
            raise errors.InvalidInput(f"{email!r} is not an email address")
        if email == student.email:
            raise errors.NoChange(f"{sevis_id} already has email {email}")
        change = FieldChange("email", student.email, email)
        student.email = email
        self._record_dso_edit(student, EventName.EMAIL_CORRECTED, dso, (change,))

    def update_contact(
        self,
        sevis_id: str,
        dso: str,
        *,
        us_address: UsAddress | None = None,
        mailing_address: UsAddress | None = None,
        phone: str | None = None,
    ) -> None:
        """The DSO updates address or phone; queued for the daily sync."""
        student = self._student(sevis_id)
        problems = []
        if us_address is not None:
            problems += [f"US address: {p}" for p in us_address.problems()]
        if mailing_address is not None:
            problems += [f"mailing address: {p}" for p in mailing_address.problems()]
        if phone is not None and not PHONE_PATTERN.fullmatch(phone):
            problems.append(f"{phone!r} is not a phone number")
        if problems:
            raise errors.InvalidInput("; ".join(problems))
        changes: list[FieldChange] = []
        if us_address is not None and us_address != student.us_address:
            changes += _address_changes("us_address", student.us_address, us_address)
            student.us_address = us_address
        if mailing_address is not None and mailing_address != student.mailing_address:
            changes += _address_changes("mailing_address", student.mailing_address, mailing_address)
            student.mailing_address = mailing_address
        if phone is not None and phone != student.phone:
            changes.append(FieldChange("phone", student.phone, phone))
            student.phone = phone
        if not changes:
            raise errors.NoChange(f"nothing to update for {sevis_id}")
        self._record_dso_edit(student, EventName.CONTACT_UPDATED, dso, tuple(changes))

    def complete_record(self, sevis_id: str, completed_on: date, dso: str) -> None:
        """The DSO completes the record, e.g. the student stopped OPT early (FAQ 8)."""
        student = self._student(sevis_id)
        program = self._active_program(student)
        program.status = ProgramStatus.COMPLETED
        program.completed_on = completed_on
        self._record(
            student,
            EventName.RECORD_COMPLETED,
            program.status.value,
            dso,
            f"completed on {completed_on}",
            program_id=program.program_id,
        )
        self._transmit(student, TransmissionKind.RECORD_COMPLETED)

    def transfer(self, sevis_id: str, new_school: str, dso: str) -> str:
        """Transfer to another school: a new program record with no OPT (FAQ 8).
        Returns the new program id."""
        student = self._student(sevis_id)
        program = self._active_program(student)
        if not new_school.strip():
            raise errors.InvalidInput("a school is required")
        if new_school == program.school:
            raise errors.NoChange(f"{sevis_id} is already at {new_school}")
        return self._replace_program(
            student, new_school, program.education_level, dso, f"transfer to {new_school}"
        )

    def change_education_level(self, sevis_id: str, level: EducationLevel, dso: str) -> str:
        """Change of education level: a new program record with no OPT (FAQ 8).
        Returns the new program id."""
        student = self._student(sevis_id)
        program = self._active_program(student)
        if level is program.education_level:
            raise errors.NoChange(f"{sevis_id} is already at level {level.value}")
        return self._replace_program(
            student,
            program.school,
            level,
            dso,
            f"education level {program.education_level.value} -> {level.value}",
        )

    def _replace_program(
        self, student: Student, school: str, level: EducationLevel, dso: str, reason: str
    ) -> str:
        old = student.current_program
        old.status = ProgramStatus.ENDED
        old.ended_on = self.clock.now().date()
        ended_opt = ", ".join(r.request_id for r in old.approved_authorizations()) or "none"
        self._record(
            student,
            EventName.PROGRAM_ENDED,
            old.status.value,
            dso,
            f"{reason}; OPT ended: {ended_opt}",
            program_id=old.program_id,
        )
        new = self._open_program(student, school, level, dso, reason)
        self._transmit(student, TransmissionKind.PROGRAM_CHANGED)
        return new.program_id

    def deleted_employment(self, sevis_id: str) -> list[EmploymentRecord]:
        """What the student deleted in the portal, for the DSO to retrieve (FAQ 2)."""
        return self._student(sevis_id).current_program.deleted_employment()

    def restore_employment(self, sevis_id: str, employment_id: str, dso: str) -> EmploymentRecord:
        """Bring back the original record (same id, name, dates, address); queued for the
        daily sync. The student must not re-add it themselves (FAQ 2)."""
        student = self._student(sevis_id)
        program = student.current_program
        employment = program.employment.get(employment_id)
        if employment is None:
            raise errors.UnknownEmployment(
                f"{sevis_id} has no employment {employment_id} in program {program.program_id}"
            )
        if employment.status is not EmploymentStatus.DELETED:
            raise errors.EmploymentNotDeleted(f"employment {employment_id} is not deleted")
        restored = employment.with_status(EmploymentStatus.ACTIVE)
        program.employment[employment_id] = restored
        change = FieldChange("employer", "", restored.employer_name)
        self._record_dso_edit(
            student,
            EventName.EMPLOYMENT_RESTORED,
            dso,
            (change,),
            f"employment {employment_id} restored",
        )
        return restored

    def enter_stem_employer(
        self, sevis_id: str, employment: EmploymentRecord, dso: str
    ) -> EmploymentRecord:
        """The DSO enters a STEM employer from Form I-983; it reaches the portal with the
        daily sync, i.e. the day after. Needs a live STEM request in the current program.
        An employment entered without an id gets a real one: every employment SEVIS transmits
        carries the id the portal keys it on (the contract's employment_id)."""
        student = self._student(sevis_id)
        program = self._active_program(student)
        if not employment.employment_id:
            employment = replace(employment, employment_id=self._new_id("EMP"))
        if program.live_request(OptType.STEM) is None:
            raise errors.NoStemRequest(f"{sevis_id} has no requested, pending or approved STEM OPT")
        problems = employment.problems()
        if problems:
            raise errors.InvalidInput("; ".join(problems))
        if employment.employment_id in program.employment:
            raise errors.DuplicateEmployment(f"employment {employment.employment_id} exists")
        entered = replace(employment, opt_type=OptType.STEM, status=EmploymentStatus.ACTIVE)
        program.employment[entered.employment_id] = entered
        change = FieldChange("employer", "", entered.employer_name)
        self._record_dso_edit(
            student,
            EventName.STEM_EMPLOYER_ENTERED,
            dso,
            (change,),
            f"employment {entered.employment_id}",
        )
        return entered

    def _record_dso_edit(
        self,
        student: Student,
        name: EventName,
        dso: str,
        changes: tuple[FieldChange, ...],
        detail: str = "",
    ) -> None:
        self._record(
            student,
            name,
            student.current_program.status.value,
            dso,
            detail or "queued for the daily sync",
            changes=changes,
        )
        student.pending_sync.append(name.value)

    # -- transmissions -------------------------------------------------------------
    def run_daily_sync(self, at: datetime | None = None) -> list[TransmissionRecord]:
        """Send one DAILY_SYNC per student with DSO edits since the last sync.

        The queue is emptied whatever the outcome: a failed sync shows as Failed in
        the event history and is the DSO's cue to ask the SRC to re-transmit (FAQ 7).
        """
        sent = []
        for student in self._students.values():
            if student.pending_sync:
                edits = "; ".join(student.pending_sync)
                student.pending_sync = []
                sent.append(
                    self._transmit(student, TransmissionKind.DAILY_SYNC, at=at, detail=edits)
                )
        return sent

    def on_clock_moved(self, before: datetime, after: datetime) -> None:
        """Run the daily sync of each midnight crossed: register with ``SimulatedClock.on_move``.

        The first midnight's sync empties every queue and nothing queues an edit while the
        clock moves, so the later midnights have nothing to send: only the first one runs,
        which keeps a move of months as cheap as a move of a day."""
        if after.date() <= before.date() or not self._edits_queued():
            return
        midnight = datetime.combine(before.date() + timedelta(days=1), time(0), tzinfo=timezone.utc)
        self.run_daily_sync(at=midnight)

    def _edits_queued(self) -> bool:
        return any(student.pending_sync for student in self._students.values())

    def retransmit(self, sevis_id: str, *, performed_by: str = _SRC) -> TransmissionRecord:
        """Re-send the latest failed transmission (or the latest one) with the current
        snapshot and a new transmission id: what the SRC does after a ticket (FAQ 7)."""
        student = self._student(sevis_id)
        if not student.transmissions:
            raise errors.NothingToRetransmit(f"nothing was ever sent for {sevis_id}")
        failed = [t for t in student.transmissions if t.outcome is TransmissionOutcome.FAILED]
        original = failed[-1] if failed else student.transmissions[-1]
        return self._transmit(
            student,
            original.transmission.kind,
            performed_by=performed_by,
            retransmission_of=original.transmission_id,
            detail=f"re-transmission of {original.transmission_id}",
        )

    def _transmit(
        self,
        student: Student,
        kind: TransmissionKind,
        *,
        at: datetime | None = None,
        performed_by: str = _SYSTEM,
        retransmission_of: str = "",
        detail: str = "",
    ) -> TransmissionRecord:
        transmission = Transmission(
            transmission_id=self._new_id("TX"),
            kind=kind,
            sent_at=at or self.clock.now(),
            record=student.snapshot(),
        )
        # Any failure of the link is the portal's or the network's, never SEVIS's:
        # the action that caused the transmission has already happened.
        try:
            self.transport.deliver(transmission)
        except TransmissionFailed as exc:
            outcome, reason = TransmissionOutcome.FAILED, str(exc) or "transmission failed"
        except Exception as exc:
            outcome, reason = TransmissionOutcome.FAILED, f"{type(exc).__name__}: {exc}"
        else:
            outcome, reason = TransmissionOutcome.DELIVERED, ""
        record = TransmissionRecord(transmission, outcome, reason, retransmission_of)
        student.transmissions.append(record)
        text = "; ".join(part for part in (kind.value, detail, reason) if part)
        self._record(
            student,
            EventName.DATA_SENT_TO_PORTAL,
            outcome.value,
            performed_by,
            text,
            at=transmission.sent_at,
            program_id=transmission.record.program_id,
            transmission_id=transmission.transmission_id,
            transmission_kind=kind,
            outcome=outcome,
        )
        return record

    # -- portal -> SEVIS -----------------------------------------------------------
    def receive_student_change(self, change: StudentChange) -> None:
        """A change the student made in the portal, applied at once (StudentChangeSink).

        Idempotent on ``change_id``. Employer changes carry the employer record (its
        ``employment_id`` is the portal's); contact changes carry FieldChanges named
        ``phone``, ``email`` or ``us_address.<part>`` / ``mailing_address.<part>``.
        """
        if change.change_id in self._seen_changes:
            return
        student = self._student(change.sevis_id)
        program = student.current_program
        if change.kind is StudentChangeKind.CONTACT_CHANGED:
            rows = self._apply_contact_change(student, change)
            name = EventName.CONTACT_CHANGED_IN_PORTAL
        else:
            employer = change.employer
            if employer is None:
                raise errors.InvalidInput(f"{change.kind.value} change carries no employer")
            rows = self._apply_employer_change(program, change.kind, employer, change.changes)
            name = {
                StudentChangeKind.EMPLOYER_ADDED: EventName.EMPLOYER_ADDED_IN_PORTAL,
                StudentChangeKind.EMPLOYER_EDITED: EventName.EMPLOYER_EDITED_IN_PORTAL,
                StudentChangeKind.EMPLOYER_DELETED: EventName.EMPLOYER_DELETED_IN_PORTAL,
            }[change.kind]
        self._seen_changes.add(change.change_id)
        self._record(
            student,
            name,
            program.status.value,
            _SYSTEM,
            f"portal change {change.change_id}"
            + (f", employment {change.employer.employment_id}" if change.employer else ""),
            at=change.at,
            changes=rows,
        )
        self._change_rows.extend(
            StudentChangeRow(
                sevis_id=student.sevis_id,
                student_name=student.full_name,
                changed_at=change.at,
                kind=change.kind,
                field=row.field,
                old_value=row.old_value,
                new_value=row.new_value,
                change_id=change.change_id,
            )
            for row in rows
        )

    def _apply_employer_change(
        self,
        program: ProgramOfStudy,
        kind: StudentChangeKind,
        employer: EmploymentRecord,
        described: tuple[FieldChange, ...],
    ) -> tuple[FieldChange, ...]:
        existing = program.employment.get(employer.employment_id)
        if kind is StudentChangeKind.EMPLOYER_ADDED:
            if not program.approved_authorizations():
                # the portal still shows an older program (a transfer or level change whose
                # transmission failed): the new record has no OPT to employ anyone under
                raise errors.ProgramNotActive(
                    f"program {program.program_id} has no approved OPT to add an employer to"
                )
            if existing is not None:
                raise errors.DuplicateEmployment(
                    f"employment {employer.employment_id} already exists"
                )
            problems = employer.problems()
            if problems:
                raise errors.InvalidInput("; ".join(problems))
            added = employer.with_status(EmploymentStatus.ACTIVE)
            program.employment[added.employment_id] = added
            return (FieldChange("employer", "", added.employer_name),)
        if existing is None or existing.status is not EmploymentStatus.ACTIVE:
            raise errors.UnknownEmployment(
                f"no active employment {employer.employment_id} in program {program.program_id}"
            )
        if kind is StudentChangeKind.EMPLOYER_DELETED:
            program.employment[existing.employment_id] = existing.with_status(
                EmploymentStatus.DELETED
            )
            return (FieldChange("employer", existing.employer_name, ""),)
        edited = employer.with_status(EmploymentStatus.ACTIVE)
        problems = edited.problems()
        if problems:
            raise errors.InvalidInput("; ".join(problems))
        program.employment[edited.employment_id] = edited
        return described or _record_changes(existing, edited)

    def _apply_contact_change(
        self, student: Student, change: StudentChange
    ) -> tuple[FieldChange, ...]:
        if not change.changes:
            raise errors.InvalidInput("a contact change names no field")
        unknown = [c.field for c in change.changes if c.field not in CONTACT_FIELDS]
        if unknown:
            raise errors.UnknownChangeField(
                f"unknown contact fields {unknown}; known: {sorted(CONTACT_FIELDS)}"
            )
        email, phone = student.email, student.phone
        addresses: dict[str, UsAddress | None] = {
            "us_address": student.us_address,
            "mailing_address": student.mailing_address,
        }
        for item in change.changes:
            if item.field == "email":
                email = item.new_value
            elif item.field == "phone":
                phone = item.new_value
            elif item.field in _ADDRESSES:
                addresses[item.field] = parse_address_text(item.new_value)
            else:
                which, part = item.field.split(".", 1)
                parts = _parts(addresses[which])
                parts[part] = item.new_value
                addresses[which] = UsAddress(**parts)
        us_address, mailing = addresses["us_address"], addresses["mailing_address"]
        if us_address is None:
            raise errors.InvalidInput("the US address is required and cannot be removed")
        problems = _contact_problems(email, us_address, phone, mailing)
        if problems:
            raise errors.InvalidInput("; ".join(problems))
        student.email, student.phone = email, phone
        student.us_address, student.mailing_address = us_address, mailing
        return change.changes

    def student_change_list(
        self, since: datetime | None = None, *, sevis_id: str | None = None
    ) -> list[StudentChangeRow]:
        """What students changed in the portal (FAQ 10), at or after ``since``."""
        return [
            row
            for row in self._change_rows
            if (since is None or row.changed_at >= since)
            and (sevis_id is None or row.sevis_id == sevis_id)
        ]

    def student_change_list_csv(
        self, since: datetime | None = None, *, sevis_id: str | None = None
    ) -> str:
        """The same list as a CSV download, one row per changed field."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(CHANGE_LIST_COLUMNS)
        for row in self.student_change_list(since, sevis_id=sevis_id):
            writer.writerow(
                [
                    row.sevis_id,
                    row.student_name,
                    row.changed_at.isoformat(),
                    row.kind.value,
                    row.field,
                    row.old_value,
                    row.new_value,
                    row.change_id,
                ]
            )
        return out.getvalue()

    # -- internals -----------------------------------------------------------------
    def _new_id(self, kind: str) -> str:
        self._counters[kind] = self._counters.get(kind, 0) + 1
        return f"{kind}-{self.id_prefix}-{self._counters[kind]:06d}"

    def _student(self, sevis_id: str) -> Student:
        try:
            return self._students[sevis_id]
        except KeyError:
            raise errors.UnknownStudent(f"no student {sevis_id!r} in SEVIS") from None

    def _request(self, request_id: str) -> OptRequest:
        try:
            return self._requests[request_id]
        except KeyError:
            raise errors.UnknownOptRequest(f"no OPT request {request_id!r}") from None

    def _request_in_active_program(self, request_id: str) -> tuple[Student, OptRequest]:
        """USCIS, DSO and SRC act only on requests of the student's Active program: a
        transfer or level change ended the old program's OPT (FAQ 8)."""
        request = self._request(request_id)
        student = self._student(request.sevis_id)
        program = self._active_program(student)
        if program.program_id != request.program_id:
            raise errors.ProgramNotActive(
                f"OPT request {request_id} belongs to ended program {request.program_id}"
            )
        return student, request

    def _active_program(self, student: Student) -> ProgramOfStudy:
        program = student.current_program
        if not program.is_active:
            raise errors.ProgramNotActive(
                f"{student.sevis_id}'s program {program.program_id} is {program.status.value}"
            )
        return program

    def _reset_hidden_for(self, sevis_id: str) -> bool:
        return self._reset_hidden_for_all or sevis_id in self._reset_hidden

    def _portal_access_open(self, student: Student) -> bool:
        ends = student.current_program.portal_access_ends(self.readings.early_completion)
        return ends is not None and self.clock.now().date() <= ends

    def _open_program(
        self,
        student: Student,
        school: str,
        level: EducationLevel,
        performed_by: str,
        reason: str,
    ) -> ProgramOfStudy:
        program = ProgramOfStudy(
            program_id=self._new_id("PGM"),
            school=school,
            education_level=level,
            status=ProgramStatus.ACTIVE,
            started_on=self.clock.now().date(),
        )
        student.programs.append(program)
        self._record(
            student,
            EventName.PROGRAM_CREATED,
            program.status.value,
            performed_by,
            f"{reason}: {level.value} at {school}",
            program_id=program.program_id,
        )
        return program

    def _record_opt(
        self,
        student: Student,
        request: OptRequest,
        name: EventName,
        performed_by: str,
        detail: str = "",
    ) -> None:
        self._record(
            student,
            name,
            request.status.value,
            performed_by,
            detail or request.opt_type.label,
            program_id=request.program_id,
            request_id=request.request_id,
        )

    def _record(
        self,
        student: Student,
        name: EventName,
        status: str,
        performed_by: str,
        detail: str = "",
        *,
        at: datetime | None = None,
        program_id: str = "",
        request_id: str = "",
        transmission_id: str = "",
        transmission_kind: TransmissionKind | None = None,
        outcome: TransmissionOutcome | None = None,
        changes: Iterable[FieldChange] = (),
    ) -> SevisEvent:
        event = SevisEvent(
            sevis_id=student.sevis_id,
            name=name,
            at=at or self.clock.now(),
            status=status,
            performed_by=performed_by,
            detail=detail,
            program_id=program_id or (student.programs[-1].program_id if student.programs else ""),
            request_id=request_id,
            transmission_id=transmission_id,
            transmission_kind=transmission_kind,
            outcome=outcome,
            changes=tuple(changes),
        )
        student.events.append(event)
        return event


def _contact_problems(
    email: str, us_address: UsAddress, phone: str, mailing: UsAddress | None
) -> list[str]:
    problems = []
    if not EMAIL_PATTERN.fullmatch(email):
        problems.append(f"{email!r} is not an email address")
    problems += [f"US address: {p}" for p in us_address.problems()]
    if mailing is not None:
        problems += [f"mailing address: {p}" for p in mailing.problems()]
    if not PHONE_PATTERN.fullmatch(phone):
        problems.append(f"{phone!r} is not a phone number")
    return problems


def _parts(address: UsAddress | None) -> dict[str, str]:
    if address is None:
        return dict.fromkeys(_ADDRESS_PARTS, "")
    return {part: getattr(address, part) for part in _ADDRESS_PARTS}


def _address_changes(which: str, old: UsAddress | None, new: UsAddress) -> list[FieldChange]:
    before = _parts(old)
    return [
        FieldChange(f"{which}.{part}", before[part], value)
        for part, value in _parts(new).items()
        if before[part] != value
    ]


def _record_changes(old: EmploymentRecord, new: EmploymentRecord) -> tuple[FieldChange, ...]:
    found = []
    for item in fields(EmploymentRecord):
        before, after = getattr(old, item.name), getattr(new, item.name)
        if before != after:
            found.append(FieldChange(item.name, _text(before), _text(after)))
    return tuple(found)


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, UsAddress):
        return address_text(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if hasattr(value, "value"):
        return str(value.value)
    return str(value)
