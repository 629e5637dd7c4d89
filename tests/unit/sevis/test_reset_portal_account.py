"""When SEVIS offers Reset Portal Account (FAQ 3, 5, 7), the switch that hides it, and
what the reset sends."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from simulators.common.clock import SimulatedClock
from simulators.common.domain import EarlyCompletionReading, OptType
from simulators.common.readings import Readings
from simulators.common.seams import TransmissionKind
from simulators.sevis import EventName, ResetNotOffered, SevisService


def test_not_offered_without_approved_opt(sevis: SevisService, enrolled: str, h) -> None:
    assert not sevis.reset_portal_account_offered(enrolled)
    request_id = sevis.request_opt(enrolled, OptType.POST_COMPLETION, h.OPT_START, h.OPT_END)
    sevis.uscis_receive(request_id)
    assert not sevis.reset_portal_account_offered(enrolled)
    sevis.uscis_approve(request_id)
    assert sevis.reset_portal_account_offered(enrolled)


def test_reset_sends_the_current_record(
    sevis: SevisService, on_opt: tuple[str, str], portal
) -> None:
    sevis_id, _ = on_opt
    sevis.correct_email(sevis_id, "right@example.test", dso="Dana DSO")
    sevis.reset_portal_account(sevis_id, dso="Dana DSO")
    [sent] = portal.delivered
    assert sent.kind is TransmissionKind.RESET_PORTAL_ACCOUNT
    assert sent.record.email == "right@example.test"  # FAQ 7: fix the email, then reset
    reset = [e for e in sevis.event_history(sevis_id) if e.name is EventName.PORTAL_ACCOUNT_RESET]
    assert [e.performed_by for e in reset] == ["Dana DSO"]


def test_window_closes_six_months_after_opt_end(
    sevis: SevisService, on_opt: tuple[str, str], clock: SimulatedClock
) -> None:
    sevis_id, _ = on_opt  # OPT ends 2027-01-31: access until 2027-07-31
    clock.set(datetime(2027, 7, 31, 23, 0, tzinfo=timezone.utc))
    assert sevis.reset_portal_account_offered(sevis_id)
    clock.set(datetime(2027, 8, 1, 0, 0, tzinfo=timezone.utc))
    assert not sevis.reset_portal_account_offered(sevis_id)
    with pytest.raises(ResetNotOffered):
        sevis.reset_portal_account(sevis_id, dso="Dana DSO")


@pytest.mark.parametrize(
    ("reading", "offered_on_2027_01_15"),
    [
        (EarlyCompletionReading.AUTHORIZED_END, True),
        (EarlyCompletionReading.COMPLETION_DATE, False),
    ],
)
def test_early_completion_reading_is_a_setting(
    make_student, h, reading: EarlyCompletionReading, offered_on_2027_01_15: bool
) -> None:
    clock = SimulatedClock()
    sevis = SevisService(clock, readings=Readings(early_completion=reading))
    sevis_id = sevis.enroll_student(make_student())
    h.approve(sevis, sevis.request_opt(sevis_id, OptType.POST_COMPLETION, h.OPT_START, h.OPT_END))
    sevis.complete_record(sevis_id, date(2026, 6, 30), dso="Dana DSO")
    clock.set(datetime(2026, 12, 30, tzinfo=timezone.utc))  # both readings agree: open
    assert sevis.reset_portal_account_offered(sevis_id)
    clock.set(datetime(2027, 1, 15, tzinfo=timezone.utc))
    assert sevis.reset_portal_account_offered(sevis_id) is offered_on_2027_01_15


def test_not_offered_after_transfer(sevis: SevisService, on_opt: tuple[str, str]) -> None:
    sevis_id, _ = on_opt
    sevis.transfer(sevis_id, "Other College", "Dana DSO")
    assert not sevis.reset_portal_account_offered(sevis_id)


def test_hidden_for_one_student(sevis: SevisService, make_student, portal, h) -> None:
    ids = [sevis.enroll_student(make_student()) for _ in range(2)]
    for sevis_id in ids:
        h.approve(
            sevis, sevis.request_opt(sevis_id, OptType.POST_COMPLETION, h.OPT_START, h.OPT_END)
        )
    portal.clear()
    sevis.hide_reset_portal_account(ids[0])
    assert [sevis.reset_portal_account_offered(s) for s in ids] == [False, True]
    with pytest.raises(ResetNotOffered, match="SRC"):
        sevis.reset_portal_account(ids[0], dso="Dana DSO")
    assert portal.delivered == []
    sevis.show_reset_portal_account(ids[0])
    assert sevis.reset_portal_account_offered(ids[0])


def test_hidden_for_all(sevis: SevisService, on_opt: tuple[str, str]) -> None:
    sevis_id, _ = on_opt
    sevis.hide_reset_portal_account()
    assert not sevis.reset_portal_account_offered(sevis_id)
    sevis.show_reset_portal_account()
    assert sevis.reset_portal_account_offered(sevis_id)
