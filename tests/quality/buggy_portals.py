"""Seeded-bug variants of the reference portal: each breaks one FAQ rule the way a real
implementation might, so that a test can show the rule's scenarios catch it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from simulators.common.contract import EmployerEdit, EmployerView, ErrorCode, PortalError
from simulators.common.seams import Transmission
from simulators.portal import PortalService
from simulators.portal.models import Account


class DeletesWithoutConfirmation(PortalService):
    """FAQ 2: deletes an employer although the student did not confirm never working there."""

    def delete_employer(
        self, session: str, employer_id: str, *, never_worked_confirmed: bool
    ) -> None:
        super().delete_employer(session, employer_id, never_worked_confirmed=True)


class LockedAccountStillLogsIn(PortalService):
    """FAQ 3: failed logins are never counted, so the account never locks."""

    def _count_failed_login(self, account: Account, now) -> None:  # type: ignore[no-untyped-def]
        return None


class IgnoresResetPortalAccount(PortalService):
    """FAQ 5: the DSO's (or the SRC's) Reset Portal Account reaches the portal and does nothing."""

    def _reset_portal_account(self, transmission: Transmission) -> Account | None:
        return self.backend.accounts.get(transmission.record.sevis_id)


class FreezesEmploymentAfterOptEnd(PortalService):
    """FAQ 6: refuses employment edits once the post-completion end date has passed, although
    the STEM extension is pending with USCIS."""

    def edit_employer(self, session: str, employer_id: str, edit: EmployerEdit) -> EmployerView:
        ends = [a.end_date for a in self.authorizations(session)]
        if ends and self._today() > max(ends):
            raise PortalError(ErrorCode.ACTION_NOT_ALLOWED, "your OPT has ended")
        return super().edit_employer(session, employer_id, edit)


class LateApprovalSendsNoEmail(PortalService):
    """FAQ 7: an approval that arrives after the OPT start date (as an SRC correction does)
    creates the account but sends no account creation email."""

    def _send_account_creation(self, account: Account) -> None:
        starts = [a.start_date for a in account.program.authorizations.values()]
        if starts and self._today() > min(starts):
            return
        super()._send_account_creation(account)


class NotIdempotent(PortalService):
    """FAQ 7 and 1: a transmission delivered twice is applied twice: two creation emails."""

    def deliver(self, transmission: Transmission) -> None:
        self.backend.applied_transmissions.discard(transmission.transmission_id)
        super().deliver(transmission)


class KeepsOldProgramAfterTransfer(PortalService):
    """FAQ 8: a new program record never reaches the student's view; the old OPT and
    employers stay visible."""

    def deliver(self, transmission: Transmission) -> None:
        if transmission.kind.value == "program-changed":
            self.backend.applied_transmissions.add(transmission.transmission_id)
            return
        super().deliver(transmission)


class KeepsStemAfterDenial(PortalService):
    """FAQ 8: a STEM denial leaves the STEM OPT and its employers in the portal."""

    def _stem_denied(self, transmission: Transmission) -> Account | None:
        return self.backend.accounts.get(transmission.record.sevis_id)


class ClosesSoonAfterEarlyCompletion(PortalService):
    """FAQ 8: access ends 30 days after an early completion instead of six months after the
    OPT end date."""

    def login(self, email: str, password: str) -> str:
        account = self.backend.account_by_email(email)
        completed = account.program.completed_on if account is not None else None
        if completed is not None and self._today() > completed + timedelta(days=30):
            raise PortalError(ErrorCode.ACCESS_CLOSED, "your SEVP Portal access has closed")
        return super().login(email, password)


@dataclass(frozen=True)
class SeededBug:
    portal: type[PortalService]
    faq: int
    rules: tuple[str, ...]  # the rules whose scenarios must catch it


SEEDED_BUGS: tuple[SeededBug, ...] = (
    SeededBug(DeletesWithoutConfirmation, 2, ("delete-needs-confirmation",)),
    SeededBug(LockedAccountStillLogsIn, 3, ("lock-after-failed-logins",)),
    SeededBug(IgnoresResetPortalAccount, 5, ("missing-reset-escalated",)),
    SeededBug(FreezesEmploymentAfterOptEnd, 6, ("stem-pending-edit",)),
    SeededBug(LateApprovalSendsNoEmail, 7, ("src-correction-sends-creation-email",)),
    SeededBug(NotIdempotent, 7, ("approval-sends-creation-email",)),
    SeededBug(KeepsOldProgramAfterTransfer, 8, ("transfer-new-program",)),
    SeededBug(KeepsStemAfterDenial, 8, ("stem-denial-deletes",)),
    SeededBug(ClosesSoonAfterEarlyCompletion, 8, ("early-completion-six-months",)),
)
