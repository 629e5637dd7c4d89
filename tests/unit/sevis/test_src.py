"""The SRC desk: reports need student names and SEVIS IDs (FAQ 4, 9); tickets are resolved
by unlocking, re-transmitting or correcting an OPT status (FAQ 3, 5, 7)."""

from __future__ import annotations

import pytest

from simulators.common.domain import OptStatus, OptType
from simulators.common.seams import TransmissionKind
from simulators.sevis import (
    CorrectOptStatus,
    IssueReport,
    NoActionNeeded,
    ResetNotOffered,
    RetransmitData,
    SevisService,
    TicketClosed,
    TicketStatus,
    TransmissionOutcome,
    UnknownTicket,
    UnlockPortalAccount,
)


def report(
    sevis_ids: tuple[str, ...], names: tuple[str, ...] = ("Ana Silva",), **kw
) -> IssueReport:
    return IssueReport(
        sender="dso@school.test",
        description="The student did not get the account creation email",
        student_names=names,
        sevis_ids=sevis_ids,
        **kw,
    )


@pytest.mark.parametrize(
    ("names", "ids", "missing"),
    [
        ((), ("N0000000001",), ("student names",)),
        (("Ana Silva",), (), ("SEVIS IDs",)),
        ((), (), ("student names", "SEVIS IDs")),
        (("  ",), ("",), ("student names", "SEVIS IDs")),
    ],
)
def test_incomplete_reports_are_answered_not_ticketed(
    sevis: SevisService, names, ids, missing
) -> None:
    outcome = sevis.src.submit_report(report(ids, names))
    assert not outcome.ticket_opened
    assert outcome.missing == missing
    for what in missing:
        assert what in outcome.reply
    assert sevis.src.tickets() == []


def test_malformed_sevis_ids_are_asked_again(sevis: SevisService) -> None:
    outcome = sevis.src.submit_report(report(("12345",)))
    assert not outcome.ticket_opened
    assert outcome.malformed_sevis_ids == ("12345",)
    assert "12345" in outcome.reply


def test_complete_report_opens_a_ticket_screenshots_optional(sevis: SevisService) -> None:
    without = sevis.src.submit_report(report(("N0000000001",)))
    with_shots = sevis.src.submit_report(report(("N0000000001",), screenshots=("event.png",)))
    assert without.ticket is not None and with_shots.ticket is not None
    assert without.ticket.status is TicketStatus.OPEN
    assert without.ticket.ticket_id != with_shots.ticket.ticket_id
    assert without.ticket.ticket_id in without.reply
    assert sevis.src.tickets(TicketStatus.OPEN) == [without.ticket, with_shots.ticket]


def test_failed_transmission_ticket_is_resolved_by_retransmitting(
    sevis: SevisService, enrolled: str, portal, link, h
) -> None:
    link.fail_next()
    h.approve(sevis, sevis.request_opt(enrolled, OptType.POST_COMPLETION, h.OPT_START, h.OPT_END))
    assert sevis.transmissions(enrolled)[-1].outcome is TransmissionOutcome.FAILED
    ticket = sevis.src.submit_report(report((enrolled,))).ticket
    assert ticket is not None
    resolved = sevis.src.resolve_ticket(ticket.ticket_id, RetransmitData())
    assert resolved.status is TicketStatus.RESOLVED
    assert resolved.resolved_at == sevis.clock.now()
    [sent] = portal.delivered
    assert sent.kind is TransmissionKind.OPT_APPROVED
    assert sevis.event_history(enrolled)[-1].performed_by == "SEVP Response Center"
    with pytest.raises(TicketClosed):
        sevis.src.resolve_ticket(ticket.ticket_id, RetransmitData())


def test_src_unlocks_even_when_the_button_is_hidden(
    sevis: SevisService, on_opt: tuple[str, str], portal
) -> None:
    sevis_id, _ = on_opt
    sevis.hide_reset_portal_account(sevis_id)  # FAQ 5
    ticket = sevis.src.submit_report(report((sevis_id,), screenshots=("no-button.png",))).ticket
    assert ticket is not None
    sevis.src.resolve_ticket(ticket.ticket_id, UnlockPortalAccount(sevis_id))
    [sent] = portal.delivered
    assert sent.kind is TransmissionKind.RESET_PORTAL_ACCOUNT
    reset = sevis.event_history(sevis_id)[-2]
    assert (reset.name.value, reset.performed_by) == (
        "Reset Portal Account",
        "SEVP Response Center",
    )


def test_unlock_without_portal_access_leaves_the_ticket_open(
    sevis: SevisService, enrolled: str
) -> None:
    ticket = sevis.src.submit_report(report((enrolled,))).ticket
    assert ticket is not None
    with pytest.raises(ResetNotOffered):
        sevis.src.resolve_ticket(ticket.ticket_id, UnlockPortalAccount())
    assert sevis.src.ticket(ticket.ticket_id).status is TicketStatus.OPEN


def test_correction_ticket_transmits_one_approval(
    sevis: SevisService, enrolled: str, portal, h
) -> None:
    request_id = sevis.request_opt(enrolled, OptType.STEM, h.STEM_START, h.STEM_END)
    sevis.uscis_receive(request_id)  # FAQ 6: stuck in Pending though USCIS approved
    ticket = sevis.src.submit_report(report((enrolled,))).ticket
    assert ticket is not None
    sevis.src.resolve_ticket(ticket.ticket_id, CorrectOptStatus(request_id, OptStatus.APPROVED))
    assert sevis.opt_request(request_id).status is OptStatus.APPROVED
    assert [t.kind for t in portal.delivered] == [TransmissionKind.OPT_APPROVED]


def test_explained_ticket_changes_nothing(sevis: SevisService, enrolled: str, portal) -> None:
    ticket = sevis.src.submit_report(report((enrolled,))).ticket
    assert ticket is not None
    events = len(sevis.event_history(enrolled))
    resolved = sevis.src.resolve_ticket(ticket.ticket_id, NoActionNeeded("check the junk folder"))
    assert resolved.actions == ["check the junk folder"]
    assert len(sevis.event_history(enrolled)) == events and portal.delivered == []


def test_unknown_ticket(sevis: SevisService) -> None:
    with pytest.raises(UnknownTicket):
        sevis.src.resolve_ticket("SRC-nope", NoActionNeeded("x"))
