"""Fixtures for the reference portal's unit tests: a simulated clock, a recording mailer and
a recording SEVIS sink defined here (not the mail or SEVIS simulators), and a small world."""

from __future__ import annotations

import itertools
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from email.message import Message

import pytest

from simulators.common.clock import DEFAULT_START, SimulatedClock
from simulators.common.contract import (  # noqa: F401 - for the tests, through kit
    ContactUpdate,
    EmployerEdit,
    EmployerInput,
    ErrorCode,
    PortalError,
)
from simulators.common.domain import (
    EducationLevel,
    OptStatus,
    OptType,
    PortalSettings,
    ProgramStatus,
)
from simulators.common.notices import DEFAULT_CATALOG, NoticeId
from simulators.common.records import (
    AuthorizationRecord,
    EmploymentRecord,
    StudentRecord,
    UsAddress,
)
from simulators.common.seams import (
    MailNotSent,
    StudentChange,
    Transmission,
    TransmissionKind,
)
from simulators.mail.models import parse_message
from simulators.mail.service import wire_bytes
from simulators.portal import TEST_SCRYPT_COST, PortalService, ReferenceOptions

PASSWORD = "Opt-Portal-2026!"
OTHER_PASSWORD = "Second-Portal-2026?"
OPT_START = DEFAULT_START.date()  # the OPT starts the day the clock starts
OPT_END = date(2026, 12, 31)
ADDRESS = UsAddress("1 Main Street", "Springfield", "IL", "62701")
OTHER_ADDRESS = UsAddress("22 Elm Avenue", "Austin", "TX", "73301", other="Apt 4")
_TOKEN = re.compile(r"[?&]token=([A-Za-z0-9_\-]+)")


class RecordingMailer:
    """Keeps every message; ``fail_next`` makes the next sends bounce."""

    def __init__(self) -> None:
        self.sent: list[Message] = []
        self.refused: list[Message] = []
        self.fail_next = 0

    def send(self, message: Message) -> None:
        if self.fail_next:
            self.fail_next -= 1
            self.refused.append(message)
            raise MailNotSent("550 mailbox unavailable")
        self.sent.append(message)

    def to(self, address: str, notice: NoticeId | None = None) -> list[Message]:
        subject = DEFAULT_CATALOG.subject(notice) if notice else None
        return [
            m
            for m in self.sent
            if m["To"] == address and (subject is None or m["Subject"] == subject)
        ]


class RecordingSink:
    """SEVIS as far as the portal can tell: keeps every student change, or refuses them."""

    def __init__(self) -> None:
        self.changes: list[StudentChange] = []
        self.refuse: Exception | None = None

    def receive_student_change(self, change: StudentChange) -> None:
        if self.refuse is not None:
            raise self.refuse
        self.changes.append(change)


def body(message: Message) -> str:
    """The plain text a mail server files for ``message`` (it travels as bytes)."""
    return parse_message(wire_bytes(message)).text


def token_in(message: Message) -> str:
    found = _TOKEN.search(body(message))
    assert found, f"no token link in {message['Subject']!r}"
    return found.group(1)


_serial = itertools.count(1)


def authorization(
    opt_type: OptType = OptType.POST_COMPLETION,
    start: date = OPT_START,
    end: date = OPT_END,
    status: OptStatus = OptStatus.APPROVED,
    authorization_id: str | None = None,
) -> AuthorizationRecord:
    return AuthorizationRecord(
        authorization_id or f"A{next(_serial):06d}", opt_type, status, start, end
    )


def employment(
    name: str = "Acme Robotics",
    start: date = OPT_START,
    opt_type: OptType = OptType.POST_COMPLETION,
    employment_id: str | None = None,
    **more: object,
) -> EmploymentRecord:
    return EmploymentRecord(
        employment_id=employment_id or f"S{next(_serial):06d}",
        employer_name=name,
        address=ADDRESS,
        start_date=start,
        job_title="Engineer",
        opt_type=opt_type,
        **more,  # type: ignore[arg-type]
    )


def student_record(n: int | None = None, **changes: object) -> StudentRecord:
    n = n if n is not None else next(_serial)
    record = StudentRecord(
        sevis_id=f"N{n:010d}",
        given_name="Ana",
        surname=f"Student{n}",
        birth_date=date(1998, 4, 1),
        email=f"student{n}@example.edu",
        us_address=ADDRESS,
        phone="+1 217 555 0100",
        program_id=f"P{n}-1",
        program_status=ProgramStatus.ACTIVE,
        education_level=EducationLevel.MASTERS,
        authorizations=(authorization(),),
    )
    return replace(record, **changes)  # type: ignore[arg-type]


@dataclass
class World:
    """One portal with its clock, mailer and SEVIS sink, and verbs the tests speak in."""

    clock: SimulatedClock
    mailer: RecordingMailer
    sink: RecordingSink
    portal: PortalService
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def transmit(
        self, kind: TransmissionKind, record: StudentRecord, transmission_id: str | None = None
    ) -> Transmission:
        transmission = Transmission(
            transmission_id or f"T{next(self._ids):06d}", kind, self.clock.now(), record
        )
        self.portal.deliver(transmission)
        return transmission

    def approve(self, record: StudentRecord | None = None) -> StudentRecord:
        record = record or student_record()
        self.transmit(TransmissionKind.OPT_APPROVED, record)
        return record

    def creation_token(self, record: StudentRecord) -> str:
        return token_in(self.mailer.to(record.email, NoticeId.ACCOUNT_CREATION)[-1])

    def registered(
        self, record: StudentRecord | None = None, password: str = PASSWORD
    ) -> StudentRecord:
        record = self.approve(record)
        self.portal.register(self.creation_token(record), record.sevis_id, password)
        return record

    def logged_in(
        self, record: StudentRecord | None = None, password: str = PASSWORD
    ) -> tuple[StudentRecord, str]:
        record = self.registered(record, password)
        return record, self.session(record, password)

    def session(self, record: StudentRecord, password: str = PASSWORD) -> str:
        session = self.portal.login(record.email, password)
        self.portal.attest(session)
        return session

    def advance(self, days: int = 0, **more: float) -> None:
        self.portal.set_time(self.clock.now() + timedelta(days=days, **more))

    def until_logging_in_monthly(
        self, record: StudentRecord, day: date, password: str = PASSWORD
    ) -> str:
        """Move to 09:00 UTC on ``day``, the student logging in every 30 days on the way so
        that the inactivity lock never falls; returns the session of the last login."""
        session = self.session(record, password)
        while self.clock.today() + timedelta(days=30) < day:
            self.advance(days=30)
            session = self.session(record, password)
        self.until(day)
        return session

    def until(self, day: date) -> None:
        """Move to 09:00 UTC on ``day``."""
        self.portal.set_time(datetime.combine(day, DEFAULT_START.timetz()))


@pytest.fixture
def make_world() -> Callable[..., World]:
    def build(
        settings: PortalSettings | None = None, options: ReferenceOptions | None = None
    ) -> World:
        clock, mailer, sink = SimulatedClock(), RecordingMailer(), RecordingSink()
        portal = PortalService(
            clock,
            mailer,
            sink,
            settings or PortalSettings(),
            options=options or ReferenceOptions(scrypt_cost=TEST_SCRYPT_COST),
        )
        return World(clock, mailer, sink, portal)

    return build


@pytest.fixture
def world(make_world: Callable[..., World]) -> World:
    return make_world()


@pytest.fixture
def kit() -> object:
    """This module: its factories and constants, for tests that cannot import a conftest."""
    return sys.modules[__name__]
