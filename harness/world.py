"""The world a scenario plays in: one clock, a fake SEVIS, a mail store and a portal
reached only through its driver. Steps speak the domain; the world carries it out.

A ``World`` knows the students it plays (``StudentActor``): their passwords, sessions
and the employers they reported, so that a step can say "the student" and mean one
person across Given, When and Then.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from functools import partial
from typing import TypeVar

from fixtures.factories import DataFactory
from fixtures.notices import DEFAULT_CATALOG, LINK_PATHS, BodyItem, Notice, NoticeCatalog, NoticeId
from harness.drivers.base import PortalDriver
from harness.evidence import Evidence
from simulators.common.clock import SimulatedClock, add_months
from simulators.common.contract import (
    ContactUpdate,
    EmployerEdit,
    EmployerInput,
    EmployerView,
    ErrorCode,
    PortalError,
)
from simulators.common.domain import LIMITS, EducationLevel, OptStatus, OptType
from simulators.common.records import NewStudent, UsAddress
from simulators.mail import Folder, MailStore, StoredMessage
from simulators.sevis import IssueReport, ReportOutcome, SevisService
from simulators.sevis.transport import FaultyTransport

T = TypeVar("T")

#: The DSO every scenario's school has; their mailbox proves no portal email reaches DSOs.
DSO_NAME = "Dana Official"
DSO_EMAIL = "dana.official@dso.example.edu"
#: A password that meets every policy the sources give (12+, letter, digit, special).
FIRST_PASSWORD = "Opt-Portal-2026!"


class ScenarioFailure(AssertionError):
    """A check of a scenario failed; the message says what was expected and what was seen."""


@dataclass
class StudentActor:
    """One student the scenario plays, and what that student knows."""

    new: NewStudent
    email: str  # where the student reads mail and what they log in with
    password: str = ""
    session: str | None = None
    passwords: list[str] = field(default_factory=list)
    requests: dict[OptType, str] = field(default_factory=dict)
    opt_start: date | None = None
    opt_end: date | None = None
    employers: dict[str, EmployerView] = field(default_factory=dict)  # by name, as last seen
    deleted: dict[str, EmployerView] = field(default_factory=dict)  # as seen before deletion
    earlier_sessions: list[str] = field(default_factory=list)
    rejected_password: str = ""  # a password a failed reset did not set
    completed_on: date | None = None
    unemployment_seen: int = 0
    old_phone: str = ""
    new_phone: str = ""
    old_address: UsAddress | None = None
    emails_seen: dict[str, int] = field(default_factory=dict)  # notice words -> count

    @property
    def sevis_id(self) -> str:
        return self.new.sevis_id

    @property
    def full_name(self) -> str:
        return f"{self.new.given_name} {self.new.surname}"

    def __repr__(self) -> str:
        return f"StudentActor({self.sevis_id}, {self.email!r})"


class World:
    """Everything one scenario touches; built fresh for every scenario."""

    def __init__(
        self,
        *,
        clock: SimulatedClock,
        sevis: SevisService,
        transport: FaultyTransport,
        mail: MailStore,
        portal: PortalDriver,
        data: DataFactory,
        notices: NoticeCatalog = DEFAULT_CATALOG,
        evidence: Evidence | None = None,
    ) -> None:
        self.clock = clock
        self.sevis = sevis
        self.transport = transport
        self.mail = mail
        self.portal = portal
        self.data = data
        self.notices = notices
        self.evidence = evidence or Evidence()
        self.students: list[StudentActor] = []
        self.last_refusal: PortalError | None = None
        self.last_report_outcome: ReportOutcome | None = None  # the SRC's latest answer
        #: Seconds to wait for a student's email before reading the mailbox: 0 in memory,
        #: where mail is filed before the portal returns; over the wire a vendor may send later.
        self.mail_wait = 0.0
        self.mail.create_mailbox(DSO_EMAIL)
        clock.on_move(self._tell_everyone_the_time)

    # -- who --------------------------------------------------------------------------
    @property
    def student(self) -> StudentActor:
        if not self.students:
            raise ScenarioFailure("the scenario has no student yet: start with a Given step")
        return self.students[0]

    @property
    def other_student(self) -> StudentActor:
        if len(self.students) < 2:
            raise ScenarioFailure("the scenario has no other student yet")
        return self.students[1]

    # -- refusals ---------------------------------------------------------------------
    def attempt(self, action: Callable[[], T]) -> T | None:
        """Run a portal action a scenario expects may be refused; keep the refusal."""
        self.last_refusal = None
        try:
            return action()
        except PortalError as refusal:
            self.last_refusal = refusal
            self.evidence.note(f"portal refused: {refusal.code.value} {refusal.detail}")
            return None

    def expect_refusal(self, code: ErrorCode) -> None:
        refusal, self.last_refusal = self.last_refusal, None
        if refusal is None:
            raise ScenarioFailure(f"expected the portal to refuse with {code.value!r}; it accepted")
        if refusal.code is not code:
            raise ScenarioFailure(
                f"expected the portal to refuse with {code.value!r}; it refused with "
                f"{refusal.code.value!r} ({refusal.detail})"
            )

    # -- SEVIS: enrolment and OPT -----------------------------------------------------
    def enroll_student(self) -> StudentActor:
        new = self.data.student()
        self.mail.create_mailbox(new.email)
        self.sevis.enroll_student(new)
        actor = StudentActor(new=new, email=new.email)
        self.students.append(actor)
        self.evidence.note(f"SEVIS enrolled {actor.sevis_id} ({actor.email})")
        return actor

    def mistype_email(self, student: StudentActor) -> None:
        """Someone at the school typed the student's email into SEVIS wrongly (FAQ 7)."""
        local, _, domain = student.email.partition("@")
        self.sevis.correct_email(student.sevis_id, f"{local}x@{domain}", DSO_NAME)

    def request_opt(self, student: StudentActor, opt_type: OptType, *, pending: bool) -> str:
        if opt_type is OptType.STEM and student.opt_end is not None:
            start = student.opt_end + timedelta(days=1)
            end = start + timedelta(days=24 * 365 // 12 - 1)
        else:
            start, end = self.data.opt_period(opt_type, self.clock.today())
        request_id = self.sevis.request_opt(student.sevis_id, opt_type, start, end, dso=DSO_NAME)
        student.requests[opt_type] = request_id
        if pending:
            self.sevis.uscis_receive(request_id)
        return request_id

    def approve_by_uscis(self, student: StudentActor, opt_type: OptType) -> None:
        request_id = student.requests[opt_type]
        self.sevis.uscis_approve(request_id)
        self._remember_authorization(student, request_id)

    def approve_by_src_correction(self, student: StudentActor, opt_type: OptType) -> None:
        request_id = student.requests[opt_type]
        self.sevis.src.correct_opt_status(request_id, OptStatus.APPROVED)
        self._remember_authorization(student, request_id)

    def deny_by_uscis(self, student: StudentActor, opt_type: OptType) -> None:
        self.sevis.uscis_deny(student.requests[opt_type])

    def _remember_authorization(self, student: StudentActor, request_id: str) -> None:
        record = self.sevis.opt_request(request_id)
        student.opt_start = min(filter(None, (student.opt_start, record.start_date)))
        student.opt_end = max(filter(None, (student.opt_end, record.end_date)))

    # -- mail -------------------------------------------------------------------------
    def notice(self, words: str) -> Notice:
        """The catalogued notice a step names in words ("account creation")."""
        try:
            return self.notices[NoticeId(words.strip().replace(" ", "-"))]
        except ValueError:
            known = ", ".join(n.notice_id.value.replace("-", " ") for n in self.notices)
            raise ScenarioFailure(
                f"no notice called {words!r} in the catalog; known: {known}"
            ) from None

    def emails(
        self, student: StudentActor, notice: Notice, folder: Folder | None = None
    ) -> list[StoredMessage]:
        if self.mail_wait > 0:  # returns as soon as one matches; waits in full for none
            self.mail.wait_for_messages(
                self.mail_wait, recipient=student.email, subject=notice.subject, folder=folder
            )
        return list(
            self.mail.messages(recipient=student.email, subject=notice.subject, folder=folder)
        )

    def newest_email(self, student: StudentActor, notice: Notice) -> StoredMessage:
        found = self.emails(student, notice)
        if not found:
            raise ScenarioFailure(
                f"no {notice.notice_id.value!r} email (subject {notice.subject!r}) reached "
                f"{student.email}; its mailbox holds: {self._mailbox_summary(student.email)}"
            )
        return found[-1]

    def link_token(self, message: StoredMessage, item: BodyItem) -> str:
        token = message.link_parameter("token", path=LINK_PATHS[item])
        if not token:
            raise ScenarioFailure(
                f"the email {message.subject!r} has no {item.value}: {message.links}"
            )
        return token

    def portal_emails(self) -> list[StoredMessage]:
        """Every message the portal sent, by its sender, in every mailbox."""
        senders = {notice.sender.lower() for notice in self.notices}
        return [m for m in self.mail.messages() if m.sender.lower() in senders]

    def _mailbox_summary(self, address: str) -> str:
        subjects = [
            f"{m.folder.value}: {m.subject!r}" for m in self.mail.messages(recipient=address)
        ]
        bounces = [f"bounce: {b.reason}" for b in self.mail.bounces(recipient=address)]
        return "; ".join(subjects + bounces) or "nothing"

    def final_state(self) -> list[str]:
        """What a failure's evidence shows besides the trace: every student's mail and
        bounces, and their SEVIS event history with each transmission's outcome."""
        lines = []
        for student in self.students:
            lines.append(f"mailbox {student.email}: {self._mailbox_summary(student.email)}")
            try:
                events = self.sevis.event_history(student.sevis_id)
            except Exception as error:  # a broken simulator must not hide the failure
                lines.append(f"SEVIS event history of {student.sevis_id} unavailable: {error}")
                continue
            for event in events:
                outcome = f" [{event.outcome.value}]" if event.outcome else ""
                lines.append(
                    f"SEVIS {student.sevis_id} {event.at:%Y-%m-%d %H:%M} {event.name.value} -> "
                    f"{event.status} by {event.performed_by}{outcome}"
                )
        return lines

    # -- the student in the portal --------------------------------------------------------
    def register(
        self,
        student: StudentActor,
        *,
        token: str | None = None,
        sevis_id: str | None = None,
        password: str = FIRST_PASSWORD,
    ) -> None:
        if token is None:
            message = self.newest_email(student, self.notice("account creation"))
            token = self.link_token(message, BodyItem.REGISTRATION_LINK)
        self.portal.register(token, sevis_id or student.sevis_id, password)
        student.password = password
        student.passwords.append(password)

    def log_in(
        self, student: StudentActor, *, password: str | None = None, attest: bool = True
    ) -> None:
        session = self.portal.login(
            student.email, password if password is not None else student.password
        )
        if student.session:
            student.earlier_sessions.append(student.session)
        student.session = session
        if attest:
            self.portal.attest(session)

    def session_of(self, student: StudentActor) -> str:
        if student.session is None:
            self.log_in(student)
        assert student.session is not None
        return student.session

    def fail_logins(self, student: StudentActor, times: int) -> None:
        for attempt in range(times):
            self.attempt(partial(self.portal.login, student.email, f"Wrong-{attempt}-Password!"))

    def reset_password_by_email(
        self, student: StudentActor, notice_words: str, new_password: str
    ) -> None:
        message = self.newest_email(student, self.notice(notice_words))
        token = self.link_token(message, BodyItem.RESET_LINK)
        self.portal.complete_password_reset(token, new_password)
        student.password = new_password
        student.passwords.append(new_password)

    def new_password(self, student: StudentActor) -> str:
        return f"Reset-{len(student.passwords)}-Portal-2026!"

    def employers(self, student: StudentActor) -> list[EmployerView]:
        seen = self.portal.employers(self.session_of(student))
        student.employers = {e.employer_name: e for e in seen}
        return seen

    def employer_named(self, student: StudentActor, name: str) -> EmployerView:
        found = [e for e in self.employers(student) if e.employer_name == name]
        if not found:
            names = [e.employer_name for e in self.employers(student)] or "none"
            raise ScenarioFailure(f"the student does not see the employer {name!r}; sees: {names}")
        return found[0]

    def employer_input(self, student: StudentActor, name: str, **changes: object) -> EmployerInput:
        start = max(student.opt_start or self.clock.today(), self.clock.today())
        entered = self.data.employer(start, name=name)
        return replace(entered, **changes)  # type: ignore[arg-type]

    def add_employer(self, student: StudentActor, employer: EmployerInput) -> EmployerView:
        view = self.portal.add_employer(self.session_of(student), employer)
        student.employers[view.employer_name] = view
        return view

    def edit_employer(self, student: StudentActor, name: str, edit: EmployerEdit) -> EmployerView:
        employer = self.employer_named(student, name)
        return self.portal.edit_employer(self.session_of(student), employer.employer_id, edit)

    def delete_employer(self, student: StudentActor, name: str, *, confirmed: bool) -> None:
        employer = student.employers.get(name) or self.employer_named(student, name)
        self.portal.delete_employer(
            self.session_of(student), employer.employer_id, never_worked_confirmed=confirmed
        )

    def update_contact(self, student: StudentActor, update: ContactUpdate) -> None:
        self.portal.update_contact(self.session_of(student), update)

    # -- SEVIS: DSO and SRC -----------------------------------------------------------
    def report_to_src(
        self,
        student: StudentActor,
        description: str,
        *,
        names: bool = True,
        sevis_ids: bool = True,
        screenshots: tuple[str, ...] = (),
        sender: str = DSO_EMAIL,
    ) -> None:
        report = IssueReport(
            sender=sender,
            description=description,
            student_names=(student.full_name,) if names else (),
            sevis_ids=(student.sevis_id,) if sevis_ids else (),
            screenshots=screenshots,
        )
        self.last_report_outcome = self.sevis.src.submit_report(report)
        self.evidence.note(f"SRC answered: {self.last_report_outcome.reply}")

    def correct_email(self, student: StudentActor) -> None:
        """The DSO puts the student's working address into SEVIS (a new one if the old
        mailbox was closed)."""
        if not self.mail.has_mailbox(student.email):
            student.email = self.data.email(student.new.given_name, student.new.surname)
            self.mail.create_mailbox(student.email)
        self.sevis.correct_email(student.sevis_id, student.email, DSO_NAME)

    # -- time -------------------------------------------------------------------------
    def advance(self, delta: timedelta) -> None:
        self.clock.advance(delta)

    def advance_to(self, day: date) -> None:
        """Move to 09:00 on ``day`` (a working morning)."""
        self.clock.set(datetime.combine(day, time(9, 0), tzinfo=self.clock.now().tzinfo))

    def advance_logging_in(self, student: StudentActor, day: date, every_days: int = 30) -> None:
        """Move to ``day`` with the student logging in every ``every_days`` days, as an
        active student does; the inactivity lock then never interferes."""
        while self.clock.today() + timedelta(days=every_days) < day:
            self.advance(timedelta(days=every_days))
            self.attempt(lambda: self.log_in(student))  # refused once access has closed
        self.advance_to(day)

    def next_morning(self) -> None:
        """Move past midnight to the next working morning: SEVIS runs its daily sync."""
        self.advance_to(self.clock.today() + timedelta(days=1))

    def access_closes_on(self, end: date) -> date:
        return add_months(end, LIMITS.access_after_opt_end_months)

    def _tell_everyone_the_time(self, before: datetime, after: datetime) -> None:
        self.sevis.on_clock_moved(before, after)
        self.portal.set_time(after)
        self.evidence.note(f"clock moved {before:%Y-%m-%d %H:%M} -> {after:%Y-%m-%d %H:%M}")


ADDRESS_PROBLEMS: dict[str, Callable[[UsAddress], UsAddress]] = {
    "a ZIP code of 4 digits": lambda a: UsAddress(
        a.street, a.city, a.state, a.zip_code[:4], a.other
    ),
    "a state that does not exist": lambda a: UsAddress(a.street, a.city, "XX", a.zip_code, a.other),
    "a street of 65 characters": lambda a: UsAddress(
        "9" * 65, a.city, a.state, a.zip_code, a.other
    ),
    "no street": lambda a: UsAddress("", a.city, a.state, a.zip_code, a.other),
}

LEVEL_AFTER: dict[EducationLevel, EducationLevel] = {
    EducationLevel.ASSOCIATE: EducationLevel.BACHELORS,
    EducationLevel.BACHELORS: EducationLevel.MASTERS,
    EducationLevel.MASTERS: EducationLevel.DOCTORATE,
    EducationLevel.DOCTORATE: EducationLevel.DOCTORATE,
}
