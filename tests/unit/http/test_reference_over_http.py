"""The real reference PortalService behind its HTTP adapter, driven by HttpPortal: a short
flow from a SEVIS approval to a student's employer list."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from email.message import Message

import pytest

from harness.drivers.http import HttpPortal
from simulators.common.clock import SimulatedClock
from simulators.common.contract import CONTRACT_VERSION, EmployerInput, ErrorCode, PortalError
from simulators.common.domain import EducationLevel, OptStatus, OptType, ProgramStatus
from simulators.common.records import AuthorizationRecord, StudentRecord, UsAddress
from simulators.common.seams import StudentChange, StudentChangeKind, Transmission, TransmissionKind
from simulators.common.serving import serve_in_thread
from simulators.mail.models import parse_message
from simulators.mail.service import wire_bytes
from simulators.portal.app import create_app
from simulators.portal.options import TEST_SCRYPT_COST, ReferenceOptions
from simulators.portal.service import PortalService

PASSWORD = "Correct-Horse-42!"
ADDRESS = UsAddress("1 Main St", "Springfield", "IL", "62701")


@dataclass
class RecordingMailer:
    sent: list[Message] = field(default_factory=list)

    def send(self, message: Message) -> None:
        self.sent.append(message)

    def token(self) -> str:
        body = parse_message(wire_bytes(self.sent[-1])).text
        found = re.search(r"[?&]token=([^&\s\"'<>]+)", body)
        assert found, "the creation email carries a link with a token"
        return found.group(1)


@dataclass
class RecordingSevis:
    changes: list[StudentChange] = field(default_factory=list)

    def receive_student_change(self, change: StudentChange) -> None:
        self.changes.append(change)


@dataclass
class Reference:
    portal: HttpPortal
    mailer: RecordingMailer
    sevis: RecordingSevis


@pytest.fixture
def reference() -> Iterator[Reference]:
    clock = SimulatedClock(datetime(2026, 1, 5, 9, tzinfo=timezone.utc))
    mailer, sevis = RecordingMailer(), RecordingSevis()
    service = PortalService(
        clock, mailer, sevis, options=ReferenceOptions(scrypt_cost=TEST_SCRYPT_COST)
    )
    with (
        serve_in_thread(create_app(service, clock=clock, secrets=None)) as served,
        HttpPortal(served.url, timeout=5.0) as portal,
    ):
        yield Reference(portal, mailer, sevis)


def _approval(transmission_id: str = "TX-1") -> Transmission:
    record = StudentRecord(
        sevis_id="N0001234567",
        given_name="Ada",
        surname="Lovelace",
        birth_date=date(1999, 12, 10),
        email="ada@example.test",
        us_address=ADDRESS,
        phone="555-0100",
        program_id="P1",
        program_status=ProgramStatus.ACTIVE,
        education_level=EducationLevel.MASTERS,
        authorizations=(
            AuthorizationRecord(
                "A1",
                OptType.POST_COMPLETION,
                OptStatus.APPROVED,
                date(2026, 1, 1),
                date(2026, 12, 31),
            ),
        ),
    )
    sent = datetime(2026, 1, 5, 9, tzinfo=timezone.utc)
    return Transmission(transmission_id, TransmissionKind.OPT_APPROVED, sent, record)


def test_from_sevis_approval_to_the_employer_list_over_http(reference: Reference) -> None:
    portal = reference.portal
    info = portal.info()
    assert (info.contract_version, info.clock_control) == (CONTRACT_VERSION, True)

    portal.deliver(_approval())
    portal.deliver(_approval())  # a repeat: applied once, one creation email
    assert len(reference.mailer.sent) == 1

    portal.register(reference.mailer.token(), "N0001234567", PASSWORD)
    session = portal.login("ada@example.test", PASSWORD)
    with pytest.raises(PortalError) as caught:
        portal.employers(session)
    assert caught.value.code is ErrorCode.ATTESTATION_REQUIRED
    portal.attest(session)
    assert portal.employers(session) == []
    assert portal.profile(session).sevis_id == "N0001234567"

    added = portal.add_employer(
        session, EmployerInput("Acme Analytics", ADDRESS, date(2026, 2, 2), "Data Analyst")
    )
    assert portal.employers(session) == [added]
    assert [c.kind for c in reference.sevis.changes] == [StudentChangeKind.EMPLOYER_ADDED]

    evidence = repr(portal.exchanges)
    assert PASSWORD not in evidence and session not in evidence


def test_a_record_the_portal_cannot_apply_is_a_typed_refusal(reference: Reference) -> None:
    bad = _approval("TX-bad")
    bad = Transmission(
        bad.transmission_id,
        bad.kind,
        bad.sent_at,
        StudentRecord(**{**vars(bad.record), "sevis_id": "12345"}),
    )
    with pytest.raises(PortalError) as caught:
        reference.portal.deliver(bad)
    assert caught.value.code is ErrorCode.TRANSMISSION_INVALID
    assert reference.mailer.sent == []
