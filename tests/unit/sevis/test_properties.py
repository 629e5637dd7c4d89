"""Properties over any sequence of SEVIS actions: one active program record per student,
unique transmission ids, and duplicates that an idempotent portal applies once."""

from __future__ import annotations

import contextlib
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    multiple,
    rule,
)

from simulators.common.clock import SimulatedClock
from simulators.common.domain import EducationLevel, OptStatus, OptType, ProgramStatus
from simulators.common.records import NewStudent, UsAddress
from simulators.common.seams import TransmissionKind
from simulators.sevis import (
    FaultyTransport,
    RecordingTransport,
    SevisError,
    SevisService,
    TransmissionOutcome,
)

ADDRESS = UsAddress(street="1 Main St", city="Springfield", state="IL", zip_code="62701")
OPT_START, OPT_END = date(2026, 2, 1), date(2027, 1, 31)


def new_student(n: int) -> NewStudent:
    return NewStudent(
        sevis_id=f"N{n:010d}",
        given_name="Ana",
        surname=f"Silva{n}",
        birth_date=date(1998, 3, 4),
        email=f"ana{n}@example.test",
        us_address=ADDRESS,
        phone="+1 217 555 0100",
    )


class SevisActions(RuleBasedStateMachine):
    """Drives SEVIS with every kind of action, legal or not, over a faulty link."""

    students = Bundle("students")
    requests = Bundle("requests")

    @initialize()
    def start(self) -> None:
        self.clock = SimulatedClock()
        self.portal = RecordingTransport()
        self.link = FaultyTransport(self.portal)
        self.sevis = SevisService(self.clock, self.link, id_prefix="H")
        self.clock.on_move(self.sevis.on_clock_moved)
        self.next_id = 1
        self.approvals = 0

    @rule(target=students)
    def enroll(self) -> str:
        self.next_id += 1
        return self.sevis.enroll_student(new_student(self.next_id))

    @rule(target=requests, sevis_id=students, opt_type=st.sampled_from(OptType))
    def request_opt(self, sevis_id: str, opt_type: OptType):
        try:
            return self.sevis.request_opt(sevis_id, opt_type, OPT_START, OPT_END)
        except SevisError:
            return multiple()

    @rule(
        request_id=requests,
        action=st.sampled_from(["uscis_receive", "uscis_approve", "uscis_deny", "withdraw_opt"]),
    )
    def uscis_or_dso(self, request_id: str, action: str) -> None:
        try:
            getattr(self.sevis, action)(request_id)
        except SevisError:
            return
        if action == "uscis_approve":
            self.approvals += 1

    @rule(request_id=requests, status=st.sampled_from([OptStatus.APPROVED, OptStatus.PENDING]))
    def src_correction(self, request_id: str, status: OptStatus) -> None:
        try:
            self.sevis.correct_opt_status(request_id, status)
        except SevisError:
            return
        if status is OptStatus.APPROVED:
            self.approvals += 1

    @rule(sevis_id=students, school=st.sampled_from(["A College", "B University"]))
    def transfer(self, sevis_id: str, school: str) -> None:
        with contextlib.suppress(SevisError):
            self.sevis.transfer(sevis_id, school, "Dana DSO")

    @rule(sevis_id=students, level=st.sampled_from(EducationLevel))
    def change_level(self, sevis_id: str, level: EducationLevel) -> None:
        with contextlib.suppress(SevisError):
            self.sevis.change_education_level(sevis_id, level, "Dana DSO")

    @rule(sevis_id=students)
    def complete(self, sevis_id: str) -> None:
        with contextlib.suppress(SevisError):
            self.sevis.complete_record(sevis_id, self.clock.today(), "Dana DSO")

    @rule(sevis_id=students, phone=st.sampled_from(["+1 217 555 0101", "+1 217 555 0102"]))
    def dso_edit(self, sevis_id: str, phone: str) -> None:
        with contextlib.suppress(SevisError):
            self.sevis.update_contact(sevis_id, "Dana DSO", phone=phone)

    @rule(fault=st.sampled_from(["fail_next", "drop_next", "duplicate_next"]))
    def arm_fault(self, fault: str) -> None:
        getattr(self.link, fault)()

    @rule(hours=st.integers(min_value=1, max_value=60))
    def time_passes(self, hours: int) -> None:
        self.clock.advance(timedelta(hours=hours))

    @invariant()
    def one_current_program_per_student(self) -> None:
        for sevis_id in self.sevis.sevis_ids():
            programs = self.sevis.programs(sevis_id)
            active = [p for p in programs if p.status is ProgramStatus.ACTIVE]
            assert len(active) <= 1, programs
            assert all(p.status is ProgramStatus.ENDED for p in programs[:-1]), programs
            assert programs[-1].status in (ProgramStatus.ACTIVE, ProgramStatus.COMPLETED)
            assert len(active) == 1 or programs[-1].status is ProgramStatus.COMPLETED

    @invariant()
    def transmissions_unique_and_each_approval_sent_once(self) -> None:
        sent = self.sevis.transmissions()
        ids = [t.transmission_id for t in sent]
        assert len(ids) == len(set(ids))
        approved = [t for t in sent if t.transmission.kind is TransmissionKind.OPT_APPROVED]
        assert len(approved) == self.approvals

    @invariant()
    def portal_applies_each_delivered_id_once(self) -> None:
        applied = [t.transmission_id for t in self.portal.applied()]
        assert len(applied) == len(set(applied))
        believed = {
            t.transmission_id
            for t in self.sevis.transmissions()
            if t.outcome is TransmissionOutcome.DELIVERED
        }
        failed = {
            t.transmission_id
            for t in self.sevis.transmissions()
            if t.outcome is TransmissionOutcome.FAILED
        }
        assert set(applied) <= believed  # dropped ones are believed but never arrive
        assert not set(applied) & failed


SevisActions.TestCase.settings = settings(max_examples=60, stateful_step_count=30, deadline=None)
TestSevisActions = SevisActions.TestCase


@given(faults=st.lists(st.sampled_from(["none", "duplicate", "fail"]), min_size=1, max_size=12))
@settings(max_examples=50, deadline=None)
def test_duplicates_keep_their_id_and_apply_once(faults: list[str]) -> None:
    clock = SimulatedClock()
    portal = RecordingTransport()
    link = FaultyTransport(portal)
    sevis = SevisService(clock, link, id_prefix="D")
    sevis_id = sevis.enroll_student(new_student(1))
    request_id = sevis.request_opt(sevis_id, OptType.POST_COMPLETION, OPT_START, OPT_END)
    sevis.uscis_receive(request_id)
    sevis.uscis_approve(request_id)
    for fault in faults:
        if fault == "duplicate":
            link.duplicate_next()
        elif fault == "fail":
            link.fail_next()
        sevis.retransmit(sevis_id)
    delivered = {
        t.transmission_id
        for t in sevis.transmissions(sevis_id)
        if t.outcome is TransmissionOutcome.DELIVERED
    }
    # each duplicate fault lands on a delivery: the same id arrives twice
    assert len(portal.delivered) == len(delivered) + faults.count("duplicate")
    assert {t.transmission_id for t in portal.applied()} == delivered
    assert len(portal.applied()) == len(delivered)
