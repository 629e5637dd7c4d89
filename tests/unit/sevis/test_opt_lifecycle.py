"""The OPT request lifecycle: Requested -> Pending -> Approved / Denied, withdrawals,
and the refusals of every illegal move."""

from __future__ import annotations

from datetime import date

import pytest

from simulators.common.domain import OptStatus, OptType, PerformedBy
from simulators.sevis import (
    ConflictingOptRequest,
    DuplicateStudent,
    EventName,
    IllegalOptTransition,
    InvalidInput,
    InvalidSevisId,
    SevisService,
    UnknownOptRequest,
    UnknownStudent,
)


def test_enrolment_creates_one_active_program(sevis: SevisService, make_student) -> None:
    sevis_id = sevis.enroll_student(make_student())
    programs = sevis.programs(sevis_id)
    assert [p.status.value for p in programs] == ["Active"]
    assert [e.name for e in sevis.event_history(sevis_id)] == [
        EventName.STUDENT_CREATED,
        EventName.PROGRAM_CREATED,
    ]


def test_enrolment_refuses_duplicates_and_bad_ids(sevis: SevisService, make_student) -> None:
    new = make_student()
    sevis.enroll_student(new)
    with pytest.raises(DuplicateStudent):
        sevis.enroll_student(new)
    for bad in ("N123", "X0000000001", "n0000000001", "N00000000011"):
        with pytest.raises(InvalidSevisId):
            sevis.enroll_student(make_student(sevis_id=bad))
    with pytest.raises(InvalidInput, match="email"):
        sevis.enroll_student(make_student(email="not-an-email"))
    assert sevis.sevis_ids() == [new.sevis_id]


def test_full_path_to_approval(sevis: SevisService, enrolled: str, h) -> None:
    request_id = sevis.request_opt(enrolled, OptType.POST_COMPLETION, h.OPT_START, h.OPT_END)
    assert sevis.opt_request(request_id).status is OptStatus.REQUESTED
    sevis.uscis_receive(request_id)
    assert sevis.opt_request(request_id).status is OptStatus.PENDING
    sevis.uscis_approve(request_id)
    assert sevis.opt_request(request_id).status is OptStatus.APPROVED
    opt_events = [e for e in sevis.event_history(enrolled) if e.request_id == request_id]
    assert [(e.status, e.performed_by) for e in opt_events] == [
        ("Requested", PerformedBy.DHS_OFFICIAL.value),
        ("Pending", "USCIS"),
        ("Approved", "USCIS"),
    ]


def test_denial_of_post_completion_opt_stays_denied(
    sevis: SevisService, enrolled: str, portal, h
) -> None:
    request_id = sevis.request_opt(enrolled, OptType.POST_COMPLETION, h.OPT_START, h.OPT_END)
    sevis.uscis_receive(request_id)
    sevis.uscis_deny(request_id)
    assert sevis.opt_request(request_id).status is OptStatus.DENIED
    assert portal.delivered == []  # the portal never knew of it


@pytest.mark.parametrize(
    ("steps", "illegal"),
    [
        ([], "uscis_approve"),  # USCIS must receive before deciding
        ([], "uscis_deny"),
        (["uscis_receive"], "uscis_receive"),
        (["uscis_receive", "uscis_approve"], "uscis_deny"),
        (["uscis_receive", "uscis_approve"], "withdraw_opt"),
        (["uscis_receive", "uscis_deny"], "uscis_approve"),
        (["withdraw_opt"], "uscis_receive"),
    ],
)
def test_illegal_transitions_are_refused_and_change_nothing(
    sevis: SevisService, enrolled: str, h, steps: list[str], illegal: str
) -> None:
    request_id = sevis.request_opt(enrolled, OptType.POST_COMPLETION, h.OPT_START, h.OPT_END)
    for step in steps:
        getattr(sevis, step)(request_id)
    before = sevis.opt_request(request_id).status
    events_before = len(sevis.event_history(enrolled))
    with pytest.raises(IllegalOptTransition):
        getattr(sevis, illegal)(request_id)
    assert sevis.opt_request(request_id).status is before
    assert len(sevis.event_history(enrolled)) == events_before


def test_withdrawal_before_decision(sevis: SevisService, enrolled: str, h) -> None:
    request_id = sevis.request_opt(enrolled, OptType.POST_COMPLETION, h.OPT_START, h.OPT_END)
    sevis.uscis_receive(request_id)
    sevis.withdraw_opt(request_id, dso="Dana DSO")
    assert sevis.opt_request(request_id).status is OptStatus.WITHDRAWN
    assert sevis.event_history(enrolled)[-1].performed_by == "Dana DSO"
    # a withdrawn request no longer blocks a new one
    sevis.request_opt(enrolled, OptType.POST_COMPLETION, h.OPT_START, h.OPT_END)


def test_one_live_request_per_type(sevis: SevisService, on_opt: tuple[str, str], h) -> None:
    sevis_id, _ = on_opt
    with pytest.raises(ConflictingOptRequest):
        sevis.request_opt(sevis_id, OptType.POST_COMPLETION, h.OPT_START, h.OPT_END)
    sevis.request_opt(sevis_id, OptType.STEM, h.STEM_START, h.STEM_END)


def test_request_refusals(sevis: SevisService, enrolled: str) -> None:
    with pytest.raises(InvalidInput):
        sevis.request_opt(enrolled, OptType.POST_COMPLETION, date(2026, 5, 1), date(2026, 4, 1))
    with pytest.raises(UnknownStudent):
        sevis.request_opt(
            "N9999999999", OptType.POST_COMPLETION, date(2026, 5, 1), date(2026, 6, 1)
        )
    with pytest.raises(UnknownOptRequest):
        sevis.uscis_receive("OPT-nope")
