"""The world a scenario plays in: one clock, a fake SEVIS, a mail store and a portal
reached only through its driver. Steps speak the domain; the world carries it out.

A ``World`` knows the students it plays (``StudentActor``): their passwords, sessions
and the employers they reported, so that a step can say "the student" and mean one
person across Given, When and Then.
"""

from __future__ import annotations

import time as wall_clock
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from functools import partial
from typing import TYPE_CHECKING, TypeVar, cast

from harness.drivers.base import PortalDriver
from harness.evidence import Evidence
from harness.untouched import Untouched
from simulators.common.clock import SimulatedClock, add_months
from simulators.common.contract import (
    AuthorizationView,
    ContactUpdate,
    EmployerEdit,
    EmployerInput,
    EmployerView,
    ErrorCode,
    HistoryEntry,
    PortalError,
    StudentProfile,
    UnemploymentView,
)
from simulators.common.domain import LIMITS, EducationLevel, OptStatus, OptType
from simulators.common.notices import (
    DEFAULT_CATALOG,
    LINK_PATHS,
    BodyItem,
    Notice,
    NoticeCatalog,
    NoticeId,
)
from simulators.common.readings import NARROW_SPECIAL_CHARACTERS, REFERENCE_READINGS, Readings
from simulators.common.records import (
    AuthorizationRecord,
    EmploymentRecord,
    NewStudent,
    StudentRecord,
    UsAddress,
)
from simulators.common.seams import Transmission
from simulators.mail import Folder, MailStore, StoredMessage
from simulators.sevis import (
    IssueReport,
    ProgramOfStudy,
    ReportOutcome,
    Resolution,
    SevisEvent,
    SevisService,
    StudentChangeRow,
    Ticket,
    TransmissionRecord,
)
from simulators.sevis.transport import FaultyTransport

if TYPE_CHECKING:  # Faker loads when a scenario's data is made, not with the plugin
    from fixtures.factories import DataFactory

T = TypeVar("T")
N = TypeVar("N")

#: The DSO every scenario's school has; their mailbox proves no portal email reaches DSOs.
DSO_NAME = "Dana Official"
DSO_EMAIL = "dana.official@dso.example.edu"
#: Added to a declared mail delay before an email counts as never sent: the delay runs from
#: the send, the wait from the answer, and a shared machine's scheduling is noisy.
MAIL_DELAY_GRACE = 0.25
#: When a step reads an email of a kind the student has none of, it waits at least this
#: long over the wire (the wait ends when it comes, and without it the step fails anyway):
#: a portal may mail after it answers, as the reference's password reset does.
AWAITED_MAIL_PATIENCE = 3.0


#: The word a student's first password is made from (see ``harness_password``).
FIRST_PASSWORD_WORD = "Opt"


def password_special_character(readings: Readings = REFERENCE_READINGS) -> str:
    """A special character the portal's declared set allows: one of the narrow official set
    when the declared set has one (so that either reading accepts it), else the first one."""
    declared = readings.password_special_characters
    return next((c for c in NARROW_SPECIAL_CHARACTERS if c in declared), declared[0])


def harness_password(word: str, readings: Readings = REFERENCE_READINGS) -> str:
    """A password every allowed policy accepts: 12+ characters, letters, digits, and
    specials only from the narrow official set (or the declared set), no SEVIS ID."""
    special = password_special_character(readings)
    return f"{word}{special}Portal{special}2026"


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
    earlier_sessions: list[str] = field(default_factory=list)
    session_used_at: datetime | None = None  # the clock when the session was last used
    session_started_at: datetime | None = None  # ... and when it began (the login)
    rejected_password: str = ""  # a password a failed reset did not set (masked in evidence)
    completed_on: date | None = None
    last_link: FollowedLink | None = None  # the emailed link the student followed last

    @property
    def sevis_id(self) -> str:
        return self.new.sevis_id

    @property
    def full_name(self) -> str:
        return f"{self.new.given_name} {self.new.surname}"

    def __repr__(self) -> str:
        return f"StudentActor({self.sevis_id}, {self.email!r})"


@dataclass(frozen=True)
class FollowedLink:
    """An emailed link as the student followed it: "the same link" follows it again."""

    item: BodyItem  # a registration link or a (password or account) reset link
    token: str = field(repr=False)


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
        mail_wait: float = 0.0,
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
        #: What the latest attempted write could touch, for expect_refusal to compare.
        self.untouched: tuple[StudentActor, Untouched] | None = None
        self.last_report_outcome: ReportOutcome | None = None  # the SRC's latest answer
        self.outsider_outcome = "not tried"  # what the portal made of an outsider's request
        #: Seconds to wait for a student's email before reading the mailbox: 0 in memory,
        #: where mail is filed before the portal returns; over the wire a vendor may send later.
        #: A portal that declares a mail delay (readings.mail_delay_ms) is waited for longer.
        self.mail_wait = mail_wait
        #: What the portal reads where the sources leave a choice open (use_readings).
        self.readings: Readings = REFERENCE_READINGS
        #: Arrival numbers of the mail store: before the latest Given/When step began, and
        #: the one a mail lookup of the running step reads after (see begin_step).
        self._action_mark = 0
        self._lookup_mark = 0
        self._notes: dict[type, object] = {}
        self.mail.create_mailbox(DSO_EMAIL)
        clock.on_move(self._tell_everyone_the_time)

    # -- readings and steps ------------------------------------------------------------
    def use_readings(self, readings: Readings) -> None:
        """Hold the portal to its declared readings: its subjects and sender, its password
        policy, its link lifetimes, how late its mail may come."""
        self.readings = readings
        self.sevis.use_readings(readings)  # SEVIS reads FAQ 8 as the portal does
        self.notices = readings.notices(self.notices)
        differ = {
            key: value
            for key, value in readings.declaration().items()
            if value != REFERENCE_READINGS.declaration()[key]
        }
        self.evidence.note(f"readings in force: the reference's, and {differ or 'no other'}")

    def settle_mail(self) -> None:
        """Wait until mail sent before now has had the declared delay (and a grace) to come;
        no wait for a portal that declares none."""
        if self.readings.mail_delay_ms > 0:
            wall_clock.sleep(self.readings.mail_delay_seconds + MAIL_DELAY_GRACE)

    @property
    def mail_patience(self) -> float:
        """How long a mail lookup waits: the mail wait, or the declared delay and a grace."""
        delay = self.readings.mail_delay_seconds
        return max(self.mail_wait, delay + MAIL_DELAY_GRACE) if delay > 0 else self.mail_wait

    def begin_step(self, step_type: str, keyword: str, name: str) -> None:
        """A step starts. A Given or When acts; the mail a step reads is the mail that came
        after the action it follows (the latest Given or When before it), so a lost older
        email never stands in for the new one a slow portal is still sending."""
        self.evidence.step(keyword, name)
        if step_type in ("given", "when"):
            self._lookup_mark, self._action_mark = self._action_mark, self._last_arrival()
        else:
            self._lookup_mark = self._action_mark

    def _last_arrival(self) -> int:
        messages = self.mail.messages()
        return messages[-1].number if messages else 0

    def notes(self, kind: type[N]) -> N:
        """This scenario's notes of one kind, made on first use: what a step module remembers
        from one of its steps to the next (a count seen, a value before a change). The kind,
        a dataclass whose fields all have defaults, lives in the step module that uses it;
        the world only keeps it for the scenario."""
        if kind not in self._notes:
            self._notes[kind] = kind()
        return cast(N, self._notes[kind])

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
        self.untouched = None
        try:
            return action()
        except PortalError as refusal:
            self.last_refusal = refusal
            self.evidence.note(f"portal refused: {refusal.code.value} {refusal.detail}")
            return None

    def attempt_write(self, student: StudentActor, action: Callable[[], T]) -> T | None:
        """``attempt`` a write of (or against) ``student``, observing first what it could
        touch: if it is refused, ``expect_refusal`` checks that nothing changed."""
        self.settle_mail()  # mail still on its way from earlier steps is not this write's
        before = Untouched.observe(self, student)
        result = self.attempt(action)
        self.untouched = (student, before) if self.last_refusal is not None else None
        return result

    def expect_refusal(self, code: ErrorCode) -> None:
        refusal, self.last_refusal = self.last_refusal, None
        watched, self.untouched = self.untouched, None
        if refusal is None:
            raise ScenarioFailure(f"expected the portal to refuse with {code.value!r}; it accepted")
        if refusal.code is not code:
            raise ScenarioFailure(
                f"expected the portal to refuse with {code.value!r}; it refused with "
                f"{refusal.code.value!r} ({refusal.detail})"
            )
        changed = watched[1].changes(self, watched[0]) if watched is not None else []
        if changed:
            raise ScenarioFailure(
                f"the portal refused with {code.value!r} but the refused write changed: "
                + "; ".join(changed)
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
        self,
        student: StudentActor,
        notice: Notice,
        folder: Folder | None = None,
        *,
        at_least: int = 1,
    ) -> list[StoredMessage]:
        """The student's emails of ``notice``, once there are ``at_least`` of them or the mail
        wait is over (checking that none came always takes the whole wait)."""

        def found() -> list[StoredMessage]:
            return list(
                self.mail.messages(recipient=student.email, subject=notice.subject, folder=folder)
            )

        if self.mail_patience > 0:
            self.mail.wait_until(lambda: len(found()) >= at_least, self.mail_patience)
        return found()

    def newest_email(self, student: StudentActor, notice: Notice) -> StoredMessage:
        """The newest email of ``notice`` that came after the action this step follows, once
        it is there; when none comes within the mail wait, the newest one of all. A portal
        that declares a mail delay has sent by now whatever it will send within that delay:
        so an older email never stands in for one still on its way."""
        mark = self._lookup_mark
        settled_at = wall_clock.monotonic() + self.readings.mail_delay_seconds + MAIL_DELAY_GRACE

        def after_mark() -> list[StoredMessage]:
            return [m for m in self.emails_now(student, notice) if m.number > mark]

        if self.mail_patience > 0:
            self.mail.wait_until(lambda: bool(after_mark()), self.mail_patience)
            if not self.emails_now(student, notice):
                self.mail.wait_until(lambda: bool(after_mark()), AWAITED_MAIL_PATIENCE)
        if self.readings.mail_delay_ms > 0:
            wall_clock.sleep(max(0.0, settled_at - wall_clock.monotonic()))
        found = after_mark() or self.emails_now(student, notice)
        if not found:
            raise ScenarioFailure(
                f"no {notice.notice_id.value!r} email (subject {notice.subject!r}) reached "
                f"{student.email}; its mailbox holds: {self._mailbox_summary(student.email)}"
            )
        return found[-1]

    def emails_now(self, student: StudentActor, notice: Notice) -> list[StoredMessage]:
        """The student's emails of ``notice`` as the mailbox holds them now, without waiting."""
        return list(self.mail.messages(recipient=student.email, subject=notice.subject))

    def link_token(self, message: StoredMessage, item: BodyItem) -> str:
        token = message.link_parameter("token", path=LINK_PATHS[item])
        if not token:
            raise ScenarioFailure(
                f"the email {message.subject!r} has no {item.value}: {message.links}"
            )
        return token

    def all_mail(self) -> list[StoredMessage]:
        """Every message in every mailbox, whoever sent it."""
        return list(self.mail.messages())

    def mail_to(self, address: str) -> list[StoredMessage]:
        return list(self.mail.messages(recipient=address))

    def file_portal_mail_as_junk(self, student: StudentActor) -> None:
        """The student's mail provider files whatever the portal's sender sends as junk."""
        self.mail.route_to_junk(student.email, sender=self.notice("account creation").sender)

    def close_mailbox(self, student: StudentActor) -> None:
        self.mail.close_mailbox(student.email)

    def wait_for_another_copy(self, student: StudentActor, notice: Notice) -> None:
        """Over the wire, give a second copy of ``notice`` the mail patience to come (the mail
        wait, or the declared mail delay and a grace when that is longer)."""
        if self.mail_patience > 0:
            self.mail.wait_until(
                lambda: len(self.emails_now(student, notice)) > 1, self.mail_patience
            )

    def _mailbox_summary(self, address: str) -> str:
        subjects = [
            f"{m.folder.value}: {m.subject!r}" for m in self.mail.messages(recipient=address)
        ]
        bounces = [f"bounce: {b.reason}" for b in self.mail.bounces(recipient=address)]
        stalled = [
            f"a stalled SMTP conversation ({stage})"
            for stage in self.mail.unfinished_conversations(recipient=address)
        ]
        return "; ".join(subjects + bounces + stalled) or "nothing"

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
        password: str | None = None,
    ) -> None:
        password = password or self.first_password
        if token is None:
            message = self.newest_email(student, self.notice("account creation"))
            token = self.link_token(message, BodyItem.REGISTRATION_LINK)
        student.last_link = FollowedLink(BodyItem.REGISTRATION_LINK, token)
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
        student.session_used_at = student.session_started_at = self.clock.now()
        if attest:
            self.portal.attest(session)

    def session_of(self, student: StudentActor) -> str:
        """The student's session for the next action: a new login (and attestation) when
        there is none or it may have expired since its last use, as a person would log in
        again the next morning. Steps about a session surviving or ending use
        ``student.session`` itself."""
        if student.session is None:
            self.log_in(student)
        elif self.session_may_have_expired(student):
            self.evidence.note(
                f"{student.email} logs in again: the session was last used "
                f"{student.session_used_at:%Y-%m-%d %H:%M}, {self._declared_idle_timeout()}"
            )
            self.log_in(student)
        student.session_used_at = self.clock.now()
        assert student.session is not None
        return student.session

    @property
    def session_idle_timeout(self) -> timedelta | None:
        """The idle timeout the portal declares (a reading); None: not declared, so a
        student logs in again after any clock move (see ``session_of``)."""
        minutes = self.readings.session_idle_timeout_minutes
        return None if minutes is None else timedelta(minutes=minutes)

    def session_may_have_expired(self, student: StudentActor) -> bool:
        """Whether the clock has moved past the declared idle timeout (with none declared:
        moved at all) since the student's session was last used, or past the declared
        absolute lifetime since it began."""
        if student.session is None or student.session_used_at is None:
            return False
        now = self.clock.now()
        timeout = self.session_idle_timeout
        if timeout is None:
            return now > student.session_used_at
        lifetime = self.readings.session_absolute_lifetime_minutes
        started = student.session_started_at or student.session_used_at
        return now - student.session_used_at >= timeout or (
            lifetime is not None and now - started >= timedelta(minutes=lifetime)
        )

    def _declared_idle_timeout(self) -> str:
        timeout = self.session_idle_timeout
        if timeout is None:
            return "and the portal declares no idle timeout"
        lifetime = self.readings.session_absolute_lifetime_minutes
        also = "" if lifetime is None else f" and a lifetime of {timedelta(minutes=lifetime)}"
        return f"and the portal declares an idle timeout of {timeout}{also}"

    def fail_logins(self, student: StudentActor, times: int) -> None:
        for attempt in range(times):
            self.attempt(partial(self.portal.login, student.email, f"Wrong-{attempt}-Password!"))

    def reset_password_by_email(
        self, student: StudentActor, notice_words: str, new_password: str
    ) -> None:
        message = self.newest_email(student, self.notice(notice_words))
        token = self.link_token(message, BodyItem.RESET_LINK)
        self.follow_link(student, FollowedLink(BodyItem.RESET_LINK, token), new_password)

    def follow_link(self, student: StudentActor, link: FollowedLink, password: str) -> None:
        """Follow ``link`` and set ``password`` there: registration or a reset, whichever
        the link is for."""
        student.last_link = link
        if link.item is BodyItem.REGISTRATION_LINK:
            self.portal.register(link.token, student.sevis_id, password)
        else:
            self.portal.complete_password_reset(link.token, password)
        student.password = password
        student.passwords.append(password)

    def link_in(self, student: StudentActor, notice_words: str) -> FollowedLink:
        """The link in the newest email of the notice, whatever kind of link it carries."""
        notice = self.notice(notice_words)
        items = [item for item in notice.must_carry if item in LINK_PATHS]
        if not items:
            raise ScenarioFailure(f"the {notice_words!r} email carries no link")
        message = self.newest_email(student, notice)
        return FollowedLink(items[0], self.link_token(message, items[0]))

    @property
    def first_password(self) -> str:
        """The password a student registers with."""
        return self.make_password(FIRST_PASSWORD_WORD)

    def new_password(self, student: StudentActor) -> str:
        return self.make_password(f"Reset{len(student.passwords)}")

    def make_password(self, word: str) -> str:
        return harness_password(word, self.readings)

    def password_of_length(self, length: int) -> str:
        """A password of exactly ``length`` characters that meets every other part of the
        policy: a letter, a digit, and a special character the portal declares."""
        special = password_special_character(self.readings)
        return (f"Pw1{special}" + "x" * length)[:length]

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

    # -- the portal's pages, in a session a step chooses ---------------------------------
    # A step about sessions (an ended one, another student's) names the session itself;
    # the verbs above pick the student's current one (``session_of``).
    def profile_in(self, session: str) -> StudentProfile:
        return self.portal.profile(session)

    def authorizations_in(self, session: str) -> list[AuthorizationView]:
        return self.portal.authorizations(session)

    def unemployment_in(self, session: str) -> UnemploymentView:
        return self.portal.unemployment(session)

    def employers_in(self, session: str) -> list[EmployerView]:
        """The Employers page as ``session`` sees it; unlike ``employers``, the student's
        remembered employers are left as they were."""
        return self.portal.employers(session)

    def history_in(self, session: str) -> list[HistoryEntry]:
        return self.portal.history(session)

    def attest_in(self, session: str) -> None:
        self.portal.attest(session)

    def log_out_of(self, session: str) -> None:
        self.portal.logout(session)

    def update_contact_in(self, session: str, update: ContactUpdate) -> StudentProfile:
        return self.portal.update_contact(session, update)

    def add_employer_in(self, session: str, employer: EmployerInput) -> EmployerView:
        return self.portal.add_employer(session, employer)

    def edit_employer_in(self, session: str, employer_id: str, edit: EmployerEdit) -> EmployerView:
        return self.portal.edit_employer(session, employer_id, edit)

    def delete_employer_in(self, session: str, employer_id: str, *, confirmed: bool) -> None:
        self.portal.delete_employer(session, employer_id, never_worked_confirmed=confirmed)

    def log_out(self, student: StudentActor) -> None:
        """The student logs out of their session, which then counts as an earlier one."""
        session = self.session_of(student)
        self.portal.logout(session)
        student.earlier_sessions.append(session)
        student.session = None

    # -- the portal's doors, as anyone knocks ---------------------------------------------
    def try_login(self, student: StudentActor, password: str) -> str:
        """A login with ``password`` as it is, kept as nobody's session (``log_in`` keeps it)."""
        return self.portal.login(student.email, password)

    def request_password_reset(self, student: StudentActor) -> None:
        """The student uses the password reset button."""
        self.portal.request_password_reset(student.email)

    def complete_password_reset(self, token: str, new_password: str) -> None:
        """Set a password with a reset token as it is (``follow_link`` follows a link the
        student was sent, and remembers the password)."""
        self.portal.complete_password_reset(token, new_password)

    def deliver_to_portal(self, transmission: Transmission) -> None:
        """Hand the portal a transmission SEVIS did not make (a forged or poisoned one)."""
        self.portal.deliver(transmission)

    def outsider(self) -> PortalDriver | None:
        """The portal as a client without the channels' secrets reaches it; None in memory,
        where no request crosses a wire."""
        without_credentials = getattr(self.portal, "without_credentials", None)
        return None if without_credentials is None else without_credentials()

    def wire_probe(self) -> Callable[[str, str, bytes, dict[str, str]], tuple[int, str]] | None:
        """A way to send the portal one raw request (method, path, body, headers) and read its
        status and error code; None in memory, where no request is sent."""
        return getattr(self.portal, "probe", None)

    def echoed_passwords(self) -> list[str]:
        """Where the portal's answers echoed a password; only a driver on the wire sees them."""
        return list(getattr(self.portal, "echoed_passwords", []))

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

    def reset_portal_account_offered(self, student: StudentActor) -> bool:
        return self.sevis.reset_portal_account_offered(student.sevis_id)

    def hide_reset_portal_account(self, student: StudentActor) -> None:
        self.sevis.hide_reset_portal_account(student.sevis_id)

    def reset_portal_account(self, student: StudentActor) -> None:
        """The DSO uses Reset Portal Account (SEVIS refuses with ResetNotOffered if hidden)."""
        self.sevis.reset_portal_account(student.sevis_id, DSO_NAME)

    def restore_employment(self, student: StudentActor, employment_id: str) -> None:
        self.sevis.restore_employment(student.sevis_id, employment_id, DSO_NAME)

    def enter_stem_employer(
        self, student: StudentActor, employment: EmploymentRecord
    ) -> EmploymentRecord:
        return self.sevis.enter_stem_employer(student.sevis_id, employment, DSO_NAME)

    def transfer(self, student: StudentActor, new_school: str) -> None:
        self.sevis.transfer(student.sevis_id, new_school, DSO_NAME)

    def change_education_level(self, student: StudentActor) -> None:
        """The DSO records the next education level (a doctorate stays one)."""
        level = self.sevis.current_program(student.sevis_id).education_level
        self.sevis.change_education_level(student.sevis_id, LEVEL_AFTER[level], DSO_NAME)

    def complete_record(self, student: StudentActor, completed_on: date) -> None:
        self.sevis.complete_record(student.sevis_id, completed_on, DSO_NAME)
        student.completed_on = completed_on

    def src_tickets(self) -> list[Ticket]:
        return self.sevis.src.tickets()

    def resolve_ticket(self, ticket: Ticket, resolution: Resolution) -> None:
        self.sevis.src.resolve_ticket(ticket.ticket_id, resolution)

    def fail_next_transmission(self) -> None:
        """The next transmission from SEVIS to the portal fails on the way."""
        self.transport.fail_next()

    def duplicate_next_transmission(self) -> None:
        """The next transmission from SEVIS to the portal is delivered twice."""
        self.transport.duplicate_next()

    # -- SEVIS: what it holds -----------------------------------------------------------
    def sevis_record(self, student: StudentActor) -> StudentRecord:
        """The student's record as SEVIS would transmit it now."""
        return self.sevis.snapshot(student.sevis_id)

    def sevis_program(self, student: StudentActor) -> ProgramOfStudy:
        return self.sevis.current_program(student.sevis_id)

    def sevis_programs(self, student: StudentActor) -> list[ProgramOfStudy]:
        return self.sevis.programs(student.sevis_id)

    def sevis_deleted_employment(self, student: StudentActor) -> list[EmploymentRecord]:
        return self.sevis.deleted_employment(student.sevis_id)

    def sevis_opt_request(self, request_id: str) -> AuthorizationRecord:
        return self.sevis.opt_request(request_id)

    def sevis_opt_requests(self, student: StudentActor) -> list[AuthorizationRecord]:
        return self.sevis.opt_requests(student.sevis_id)

    def sevis_events(self, student: StudentActor) -> list[SevisEvent]:
        return self.sevis.event_history(student.sevis_id)

    def sevis_transmissions(self, student: StudentActor) -> list[TransmissionRecord]:
        return self.sevis.transmissions(student.sevis_id)

    def sevis_change_list(self) -> list[StudentChangeRow]:
        """The downloadable list of student changes, as a DSO reads it."""
        return self.sevis.student_change_list()

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
        self.evidence.note_later(
            lambda: f"clock moved {before:%Y-%m-%d %H:%M} -> {after:%Y-%m-%d %H:%M}"
        )


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
