"""Transmissions to the portal: one OPT_APPROVED per approval (USCIS or SRC, FAQ 7),
failures kept in the event history and re-transmitted, and the daily sync's timing."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from simulators.common.domain import OptStatus, OptType
from simulators.common.seams import Transmission, TransmissionFailed, TransmissionKind
from simulators.sevis import (
    EventName,
    NothingToRetransmit,
    NullTransport,
    SevisService,
    TransmissionOutcome,
)


def _sent(sevis: SevisService, sevis_id: str):
    return [e for e in sevis.event_history(sevis_id) if e.name is EventName.DATA_SENT_TO_PORTAL]


def test_uscis_approval_transmits_one_opt_approved(
    sevis: SevisService, enrolled: str, portal, h
) -> None:
    request_id = sevis.request_opt(enrolled, OptType.POST_COMPLETION, h.OPT_START, h.OPT_END)
    sevis.uscis_receive(request_id)
    assert portal.delivered == []  # nothing before the status becomes Approved
    sevis.uscis_approve(request_id)
    [sent] = portal.delivered
    assert sent.kind is TransmissionKind.OPT_APPROVED
    assert sent.record.sevis_id == enrolled
    assert [a.authorization_id for a in sent.record.authorizations] == [request_id]
    assert sent.record.authorizations[0].status is OptStatus.APPROVED
    [event] = _sent(sevis, enrolled)
    assert event.transmission_id == sent.transmission_id
    assert event.outcome is TransmissionOutcome.DELIVERED
    assert event.performed_by == "System Interface"


def test_src_correction_transmits_exactly_like_uscis(
    sevis: SevisService, enrolled: str, portal, h
) -> None:
    request_id = sevis.request_opt(enrolled, OptType.POST_COMPLETION, h.OPT_START, h.OPT_END)
    sevis.uscis_receive(request_id)
    sevis.src.correct_opt_status(request_id, OptStatus.APPROVED, note="USCIS approved 2026-01-04")
    [sent] = portal.delivered
    assert sent.kind is TransmissionKind.OPT_APPROVED
    assert [a.status for a in sent.record.authorizations] == [OptStatus.APPROVED]
    corrected = [
        e for e in sevis.event_history(enrolled) if e.name is EventName.OPT_STATUS_CORRECTED
    ]
    assert [(e.status, e.performed_by) for e in corrected] == [("Approved", "SEVP Response Center")]


def test_snapshot_holds_only_approved_authorizations(
    sevis: SevisService, on_stem: tuple[str, str]
) -> None:
    sevis_id, stem_id = on_stem
    record = sevis.snapshot(sevis_id)
    assert stem_id not in [a.authorization_id for a in record.authorizations]
    assert [a.opt_type for a in record.authorizations] == [OptType.POST_COMPLETION]


def test_failed_transmission_is_recorded_and_retransmit_delivers(
    sevis: SevisService, enrolled: str, portal, link, h
) -> None:
    request_id = sevis.request_opt(enrolled, OptType.POST_COMPLETION, h.OPT_START, h.OPT_END)
    sevis.uscis_receive(request_id)
    link.fail_next()
    sevis.uscis_approve(request_id)  # the approval itself stands
    assert sevis.opt_request(request_id).status is OptStatus.APPROVED
    assert portal.delivered == []
    [failed] = _sent(sevis, enrolled)
    assert failed.outcome is TransmissionOutcome.FAILED
    assert failed.status == "Failed"
    assert "injected failure" in failed.detail

    again = sevis.retransmit(enrolled)
    assert again.outcome is TransmissionOutcome.DELIVERED
    assert again.retransmission_of == failed.transmission_id
    assert again.transmission_id != failed.transmission_id
    [delivered] = portal.delivered
    assert delivered.kind is TransmissionKind.OPT_APPROVED
    assert delivered.transmission_id == again.transmission_id


def test_any_exception_from_the_transport_is_a_failed_outcome(clock, make_student, h) -> None:
    class Broken:
        def deliver(self, transmission: Transmission) -> None:
            raise ConnectionRefusedError("portal down")

    sevis = SevisService(clock, Broken())
    sevis_id = sevis.enroll_student(make_student())
    request_id = sevis.request_opt(sevis_id, OptType.POST_COMPLETION, h.OPT_START, h.OPT_END)
    h.approve(sevis, request_id)
    [record] = sevis.transmissions(sevis_id)
    assert record.outcome is TransmissionOutcome.FAILED
    assert record.reason == "ConnectionRefusedError: portal down"


def test_refused_by_the_portal_is_failed_with_its_reason(clock, make_student, h) -> None:
    class Refusing:
        def deliver(self, transmission: Transmission) -> None:
            raise TransmissionFailed("422 transmission-invalid")

    sevis = SevisService(clock, Refusing())
    sevis_id = sevis.enroll_student(make_student())
    h.approve(sevis, sevis.request_opt(sevis_id, OptType.POST_COMPLETION, h.OPT_START, h.OPT_END))
    assert sevis.transmissions(sevis_id)[0].reason == "422 transmission-invalid"


def test_a_dropped_transmission_looks_delivered_to_sevis(
    sevis: SevisService, enrolled: str, portal, link, h
) -> None:
    link.drop_next()
    h.approve(sevis, sevis.request_opt(enrolled, OptType.POST_COMPLETION, h.OPT_START, h.OPT_END))
    assert portal.delivered == []
    assert [e.outcome for e in _sent(sevis, enrolled)] == [TransmissionOutcome.DELIVERED]


def test_retransmit_without_failure_resends_the_latest(
    sevis: SevisService, on_opt: tuple[str, str], portal
) -> None:
    sevis_id, _ = on_opt
    latest = sevis.transmissions(sevis_id)[-1]
    again = sevis.retransmit(sevis_id)
    assert again.retransmission_of == latest.transmission_id
    assert [t.transmission_id for t in portal.delivered] == [again.transmission_id]


def test_retransmit_with_nothing_sent_is_refused(sevis: SevisService, enrolled: str) -> None:
    with pytest.raises(NothingToRetransmit):
        sevis.retransmit(enrolled)


def test_transmission_ids_are_unique_and_prefixed(clock, make_student, h) -> None:
    a, b = SevisService(clock), SevisService(clock)
    assert a.id_prefix != b.id_prefix  # two SEVIS instances can feed one portal
    sevis = SevisService(clock, NullTransport(), id_prefix="P")
    sevis_id = sevis.enroll_student(make_student())
    h.approve(sevis, sevis.request_opt(sevis_id, OptType.POST_COMPLETION, h.OPT_START, h.OPT_END))
    sevis.retransmit(sevis_id)
    sevis.retransmit(sevis_id)
    ids = [t.transmission_id for t in sevis.transmissions()]
    assert len(ids) == len(set(ids)) == 3
    assert all(i.startswith("TX-P-") for i in ids)


def test_dso_edit_waits_for_midnight(
    sevis: SevisService, on_opt: tuple[str, str], portal, clock
) -> None:
    sevis_id, _ = on_opt
    sevis.correct_email(sevis_id, "right@example.test", dso="Dana DSO")
    assert sevis.snapshot(sevis_id).email == "right@example.test"  # SEVIS has it at once
    clock.advance(timedelta(hours=14))  # 09:00 -> 23:00, same day
    assert portal.delivered == []
    assert sevis.pending_sync(sevis_id) == ["Email address corrected"]
    clock.advance(timedelta(hours=2))  # past midnight
    [sync] = portal.delivered
    assert sync.kind is TransmissionKind.DAILY_SYNC
    assert sync.record.email == "right@example.test"
    assert sync.sent_at == datetime(2026, 1, 6, 0, 0, tzinfo=timezone.utc)
    assert sevis.pending_sync(sevis_id) == []
    clock.advance(timedelta(days=3))  # nothing more to send
    assert len(portal.delivered) == 1


def test_a_move_of_months_sends_the_queued_edit_once_at_the_first_midnight(
    sevis: SevisService, on_opt: tuple[str, str], portal, clock
) -> None:
    sevis_id, _ = on_opt
    sevis.correct_email(sevis_id, "right@example.test", dso="Dana DSO")
    clock.advance(timedelta(days=90))
    [sync] = portal.delivered
    assert sync.kind is TransmissionKind.DAILY_SYNC
    assert sync.sent_at == datetime(2026, 1, 6, 0, 0, tzinfo=timezone.utc)
    assert sevis.pending_sync(sevis_id) == []


def test_daily_sync_sends_one_per_student_with_edits(
    sevis: SevisService, make_student, portal
) -> None:
    edited = [sevis.enroll_student(make_student()) for _ in range(2)]
    untouched = sevis.enroll_student(make_student())
    for sevis_id in edited:
        sevis.update_contact(sevis_id, "Dana DSO", phone="+1 217 555 0199")
        sevis.correct_email(sevis_id, f"new.{sevis_id}@example.test", "Dana DSO")
    sent = sevis.run_daily_sync()
    assert sorted(r.transmission.record.sevis_id for r in sent) == sorted(edited)
    assert untouched not in [t.record.sevis_id for t in portal.delivered]
    assert sevis.run_daily_sync() == []


def test_a_failed_daily_sync_is_not_retried_by_itself(
    sevis: SevisService, on_opt: tuple[str, str], portal, link, clock
) -> None:
    sevis_id, _ = on_opt
    sevis.update_contact(sevis_id, "Dana DSO", phone="+1 217 555 0199")
    link.fail_next()
    clock.advance(timedelta(days=1))
    assert portal.delivered == []
    assert sevis.transmissions(sevis_id)[-1].outcome is TransmissionOutcome.FAILED
    clock.advance(timedelta(days=1))
    assert portal.delivered == []  # the DSO sees Failed and asks the SRC (FAQ 7)
    sevis.retransmit(sevis_id)
    assert portal.delivered[-1].record.phone == "+1 217 555 0199"
