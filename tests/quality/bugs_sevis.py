"""Seeded bugs in the simulated SEVIS, for the rules that SEVIS and the SRC keep rather than
the portal (FAQ 4, 5, 7, 9): they show that the scenarios read what SEVIS and the SRC do, so
a regression in the simulators cannot pass unseen. The world builds SEVIS before the portal,
so each bug takes the one plug-in point there is, the portal factory, and gives the world's
SEVIS (or its SRC desk) the buggy class."""

from __future__ import annotations

from harness.drivers.base import PortalDriver
from harness.drivers.memory import reference_portal
from simulators.common.clock import Clock
from simulators.common.seams import Mailer, StudentChangeSink, TransmissionKind
from simulators.sevis import SevisService
from simulators.sevis.models import TransmissionRecord
from simulators.sevis.src import IssueReport, ReportOutcome, SrcDesk
from tests.quality.seeded import seeded_bug


def _reference_with_sevis(sevis: StudentChangeSink, buggy: type) -> None:
    target = sevis.src if issubclass(buggy, SrcDesk) else sevis
    target.__class__ = buggy  # type: ignore[union-attr]


class _TicketsEveryReport(SrcDesk):
    """Opens a ticket for any report, with or without student names and SEVIS IDs."""

    def submit_report(self, report: IssueReport) -> ReportOutcome:
        if report.student_names and report.sevis_ids:
            return super().submit_report(report)
        filled = IssueReport(
            sender=report.sender,
            description=report.description,
            student_names=report.student_names or ("unknown",),
            sevis_ids=report.sevis_ids or ("N0000000000",),
            screenshots=report.screenshots,
        )
        return super().submit_report(filled)


@seeded_bug(
    "src-report-needs-ids", catches="A report without names or SEVIS IDs is answered, not ticketed"
)
def SrcTicketsIncompleteReports(
    clock: Clock, mailer: Mailer, sevis: StudentChangeSink
) -> PortalDriver:
    """The SRC opens a ticket for a report without student names or SEVIS IDs."""
    _reference_with_sevis(sevis, _TicketsEveryReport)
    return reference_portal(clock, mailer, sevis)


class _WantsScreenshots(SrcDesk):
    def submit_report(self, report: IssueReport) -> ReportOutcome:
        if not report.screenshots:
            return ReportOutcome(reply="Please send screenshots of the issue.", missing=())
        return super().submit_report(report)


@seeded_bug(
    "src-report-opens-ticket",
    catches="A report with names and SEVIS IDs opens a ticket; screenshots are optional",
)
def SrcInsistsOnScreenshots(clock: Clock, mailer: Mailer, sevis: StudentChangeSink) -> PortalDriver:
    """The SRC opens no ticket for a report without screenshots."""
    _reference_with_sevis(sevis, _WantsScreenshots)
    return reference_portal(clock, mailer, sevis)


class _OffersResetWhilePending(SevisService):
    def reset_portal_account_offered(self, sevis_id: str) -> bool:
        return not self._reset_hidden_for(sevis_id)


@seeded_bug(
    "reset-action-shown",
    catches="Reset Portal Account is not offered while the OPT request is pending",
)
def SevisOffersResetWhilePending(
    clock: Clock, mailer: Mailer, sevis: StudentChangeSink
) -> PortalDriver:
    """SEVIS shows Reset Portal Account for a student whose OPT is still pending."""
    _reference_with_sevis(sevis, _OffersResetWhilePending)
    return reference_portal(clock, mailer, sevis)


class _RetransmitsASync(SevisService):
    def retransmit(self, sevis_id: str, *, performed_by: str = "") -> TransmissionRecord:
        return self._transmit(self._student(sevis_id), TransmissionKind.DAILY_SYNC)


@seeded_bug(
    "failed-transmission-escalated",
    catches="A failed transmission is visible, escalated and re-transmitted",
)
def SevisRetransmitsASync(clock: Clock, mailer: Mailer, sevis: StudentChangeSink) -> PortalDriver:
    """The SRC's re-transmission sends a daily sync instead of the failed approval, which a
    portal without the account rightly ignores: no creation email."""
    _reference_with_sevis(sevis, _RetransmitsASync)
    return reference_portal(clock, mailer, sevis)
