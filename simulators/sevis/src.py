"""The SEVP Response Center desk: reports from DSOs and students, tickets, and the
fixes the SRC applies in SEVIS (unlock, re-transmit, correct an OPT status)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING

from simulators.common.domain import SEVIS_ID_PATTERN, SRC_EMAIL, OptStatus
from simulators.sevis import errors

if TYPE_CHECKING:
    from simulators.sevis.service import SevisService

#: What FAQ 4 and 9 ask every report to carry (screenshots only "if applicable").
MISSING_NAMES = "student names"
MISSING_SEVIS_IDS = "SEVIS IDs"


@dataclass(frozen=True)
class IssueReport:
    """An email to the SRC (SEVP@ice.dhs.gov) about a portal issue."""

    sender: str
    description: str
    student_names: tuple[str, ...] = ()
    sevis_ids: tuple[str, ...] = ()
    screenshots: tuple[str, ...] = ()  # file names; optional (FAQ 4, 9)
    subject: str = ""
    to: str = SRC_EMAIL


class TicketStatus(str, Enum):
    OPEN = "Open"
    RESOLVED = "Resolved"


@dataclass(frozen=True)
class UnlockPortalAccount:
    """Reset the portal account on the student's behalf (FAQ 3: the DSO could not)."""

    sevis_id: str | None = None  # None: every student the report names


@dataclass(frozen=True)
class RetransmitData:
    """Re-send the data that failed to reach the portal (FAQ 7)."""

    sevis_id: str | None = None


@dataclass(frozen=True)
class CorrectOptStatus:
    """Correct an OPT request's status by hand, e.g. Pending -> Approved (FAQ 7)."""

    request_id: str
    status: OptStatus = OptStatus.APPROVED
    note: str = ""


@dataclass(frozen=True)
class NoActionNeeded:
    """Answered with an explanation; nothing changes in SEVIS."""

    note: str


Resolution = UnlockPortalAccount | RetransmitData | CorrectOptStatus | NoActionNeeded


@dataclass
class Ticket:
    ticket_id: str
    opened_at: datetime
    report: IssueReport
    status: TicketStatus = TicketStatus.OPEN
    resolution: Resolution | None = None
    resolved_at: datetime | None = None
    actions: list[str] = field(default_factory=list)  # what the SRC did, for evidence

    def __repr__(self) -> str:
        return (
            f"<Ticket {self.ticket_id} {self.status.value} "
            f"{','.join(self.report.sevis_ids)}: {self.report.description[:40]!r}>"
        )


@dataclass(frozen=True)
class ReportOutcome:
    """The SRC's answer: a ticket, or a request for what the report lacks."""

    reply: str
    ticket: Ticket | None = None
    missing: tuple[str, ...] = ()
    malformed_sevis_ids: tuple[str, ...] = ()

    @property
    def ticket_opened(self) -> bool:
        return self.ticket is not None


class SrcDesk:
    """Answers reports and works tickets against one SEVIS.

    Ticket ids come from ``new_ticket_id``, given by whoever owns the id sequence (SEVIS
    numbers its tickets with its OPT requests and transmissions), not read from its
    internals.
    """

    def __init__(self, sevis: SevisService, new_ticket_id: Callable[[], str]) -> None:
        self._sevis = sevis
        self._new_ticket_id = new_ticket_id
        self._tickets: dict[str, Ticket] = {}

    def __repr__(self) -> str:
        open_count = sum(t.status is TicketStatus.OPEN for t in self._tickets.values())
        return f"SrcDesk({len(self._tickets)} tickets, {open_count} open)"

    def submit_report(self, report: IssueReport) -> ReportOutcome:
        """Open a ticket for a complete report; ask for what an incomplete one lacks.

        Complete means at least one student name and at least one well-formed SEVIS
        ID (FAQ 4, 9); screenshots are welcome but never required.
        """
        missing = []
        if not any(name.strip() for name in report.student_names):
            missing.append(MISSING_NAMES)
        if not any(sevis_id.strip() for sevis_id in report.sevis_ids):
            missing.append(MISSING_SEVIS_IDS)
        malformed = tuple(
            s for s in report.sevis_ids if s.strip() and not SEVIS_ID_PATTERN.fullmatch(s)
        )
        if missing or malformed:
            asks = list(missing)
            if malformed:
                asks.append(f"valid SEVIS IDs (N and 10 digits) instead of {', '.join(malformed)}")
            return ReportOutcome(
                reply=(
                    "To investigate, please send the "
                    + " and the ".join(asks)
                    + ", with screenshots of the issue if applicable."
                ),
                missing=tuple(missing),
                malformed_sevis_ids=malformed,
            )
        ticket = Ticket(
            ticket_id=self._new_ticket_id(),
            opened_at=self._sevis.clock.now(),
            report=report,
        )
        self._tickets[ticket.ticket_id] = ticket
        return ReportOutcome(reply=f"Ticket {ticket.ticket_id} opened.", ticket=ticket)

    def tickets(self, status: TicketStatus | None = None) -> list[Ticket]:
        return [t for t in self._tickets.values() if status is None or t.status is status]

    def ticket(self, ticket_id: str) -> Ticket:
        try:
            return self._tickets[ticket_id]
        except KeyError:
            raise errors.UnknownTicket(f"no SRC ticket {ticket_id!r}") from None

    def resolve_ticket(self, ticket_id: str, resolution: Resolution) -> Ticket:
        """Apply the fix in SEVIS and close the ticket; if SEVIS refuses, it stays open."""
        ticket = self.ticket(ticket_id)
        if ticket.status is not TicketStatus.OPEN:
            raise errors.TicketClosed(f"ticket {ticket_id} is {ticket.status.value}")
        actions: list[str] = []
        if isinstance(resolution, UnlockPortalAccount):
            for sevis_id in self._students(ticket, resolution.sevis_id):
                sent = self._sevis.unlock_portal_account_by_src(sevis_id)
                actions.append(f"reset portal account of {sevis_id}: {sent.transmission_id}")
        elif isinstance(resolution, RetransmitData):
            for sevis_id in self._students(ticket, resolution.sevis_id):
                sent = self._sevis.retransmit(sevis_id)
                actions.append(
                    f"re-transmitted {sevis_id}: {sent.transmission_id} {sent.outcome.value}"
                )
        elif isinstance(resolution, CorrectOptStatus):
            self.correct_opt_status(resolution.request_id, resolution.status, note=resolution.note)
            actions.append(f"corrected {resolution.request_id} to {resolution.status.value}")
        else:
            actions.append(resolution.note)
        ticket.actions.extend(actions)
        ticket.resolution = resolution
        ticket.status = TicketStatus.RESOLVED
        ticket.resolved_at = self._sevis.clock.now()
        return ticket

    def correct_opt_status(self, request_id: str, status: OptStatus, *, note: str = "") -> None:
        """The SRC's manual correction; transmits exactly like a USCIS decision (FAQ 7)."""
        self._sevis.correct_opt_status(request_id, status, note=note)

    def _students(self, ticket: Ticket, sevis_id: str | None) -> list[str]:
        chosen = [sevis_id] if sevis_id is not None else list(ticket.report.sevis_ids)
        known = set(self._sevis.sevis_ids())
        unknown = [s for s in chosen if s not in known]
        if unknown:
            raise errors.UnknownStudent(f"ticket {ticket.ticket_id}: no student {unknown}")
        return chosen
