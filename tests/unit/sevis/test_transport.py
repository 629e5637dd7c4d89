"""The transport seam's faults: fail, drop, duplicate, delay, reorder; and the truth the
fault log keeps while SEVIS only knows delivered or failed."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from simulators.common.domain import EducationLevel, ProgramStatus
from simulators.common.records import StudentRecord, UsAddress
from simulators.common.seams import Transmission, TransmissionFailed, TransmissionKind
from simulators.sevis import FaultyTransport, RecordingTransport, TransportAction

RECORD = StudentRecord(
    sevis_id="N0000000001",
    given_name="Ana",
    surname="Silva",
    birth_date=datetime(1998, 3, 4).date(),
    email="ana@example.test",
    us_address=UsAddress("1 Main St", "Springfield", "IL", "62701"),
    phone="+1 217 555 0100",
    program_id="PGM-1",
    program_status=ProgramStatus.ACTIVE,
    education_level=EducationLevel.MASTERS,
)


def tx(n: int) -> Transmission:
    return Transmission(
        f"TX-{n}", TransmissionKind.DAILY_SYNC, datetime(2026, 1, 5, tzinfo=timezone.utc), RECORD
    )


@pytest.fixture
def recorder() -> RecordingTransport:
    return RecordingTransport()


@pytest.fixture
def faulty(recorder: RecordingTransport) -> FaultyTransport:
    return FaultyTransport(recorder)


def test_without_faults_it_passes_through(faulty: FaultyTransport, recorder) -> None:
    for n in range(3):
        faulty.deliver(tx(n))
    assert recorder.ids() == ["TX-0", "TX-1", "TX-2"]


def test_fail_next_raises_for_n_then_recovers(faulty: FaultyTransport, recorder) -> None:
    faulty.fail_next(2)
    for n in range(2):
        with pytest.raises(TransmissionFailed):
            faulty.deliver(tx(n))
    faulty.deliver(tx(2))
    assert recorder.ids() == ["TX-2"]
    assert [e.action for e in faulty.log] == [
        TransportAction.FAILED,
        TransportAction.FAILED,
        TransportAction.DELIVERED,
    ]


def test_drop_next_loses_silently(faulty: FaultyTransport, recorder) -> None:
    faulty.drop_next()
    faulty.deliver(tx(1))  # no exception: the sender cannot tell
    faulty.deliver(tx(2))
    assert recorder.ids() == ["TX-2"]
    assert faulty.log[0].action is TransportAction.DROPPED


def test_duplicate_next_delivers_the_same_id_twice(faulty: FaultyTransport, recorder) -> None:
    faulty.duplicate_next()
    faulty.deliver(tx(1))
    assert recorder.ids() == ["TX-1", "TX-1"]
    assert [t.transmission_id for t in recorder.applied()] == ["TX-1"]


def test_delay_holds_until_released(faulty: FaultyTransport, recorder) -> None:
    faulty.delay_next(2)
    faulty.deliver(tx(1))
    faulty.deliver(tx(2))
    faulty.deliver(tx(3))
    assert recorder.ids() == ["TX-3"]
    assert [t.transmission_id for t in faulty.held] == ["TX-1", "TX-2"]
    faulty.release_delayed()
    assert recorder.ids() == ["TX-3", "TX-1", "TX-2"]
    assert faulty.held == []


def test_release_in_reverse_reorders(faulty: FaultyTransport, recorder) -> None:
    faulty.delay_next(3)
    for n in range(3):
        faulty.deliver(tx(n))
    faulty.release_delayed(reverse=True)
    assert recorder.ids() == ["TX-2", "TX-1", "TX-0"]


def test_reorder_next_delivers_a_batch_newest_first(faulty: FaultyTransport, recorder) -> None:
    faulty.reorder_next(2)
    faulty.deliver(tx(1))
    assert recorder.ids() == []
    faulty.deliver(tx(2))
    faulty.deliver(tx(3))
    assert recorder.ids() == ["TX-2", "TX-1", "TX-3"]


def test_faults_apply_in_the_order_armed(faulty: FaultyTransport, recorder) -> None:
    faulty.fail_next()
    faulty.drop_next()
    faulty.duplicate_next()
    with pytest.raises(TransmissionFailed):
        faulty.deliver(tx(1))
    faulty.deliver(tx(2))
    faulty.deliver(tx(3))
    assert recorder.ids() == ["TX-3", "TX-3"]


def test_a_failure_on_release_is_logged_not_raised(recorder) -> None:
    class Flaky:
        def deliver(self, transmission: Transmission) -> None:
            raise TransmissionFailed("portal down")

    faulty = FaultyTransport(Flaky())
    faulty.delay_next()
    faulty.deliver(tx(1))
    assert [t.transmission_id for t in faulty.release_delayed()] == ["TX-1"]
    assert faulty.log[-1].action is TransportAction.FAILED
    assert "portal down" in faulty.log[-1].detail


def test_arming_needs_a_positive_count(faulty: FaultyTransport) -> None:
    with pytest.raises(ValueError):
        faulty.fail_next(0)
    with pytest.raises(ValueError):
        faulty.reorder_next(1)


def test_clear_faults(faulty: FaultyTransport, recorder) -> None:
    faulty.fail_next(3)
    faulty.clear_faults()
    faulty.deliver(tx(1))
    assert recorder.ids() == ["TX-1"]
