"""Seeded-bug variants of the reference portal: each breaks one FAQ rule the way a real
implementation might, so that a test can show the rule's scenarios catch it."""

from __future__ import annotations

from datetime import timedelta

from simulators.common.contract import EmployerEdit, EmployerView, ErrorCode, PortalError
from simulators.common.seams import Transmission
from simulators.portal import PortalService
from simulators.portal.models import Account
from tests.quality.seeded import seeded_bug


@seeded_bug(
    "delete-needs-confirmation", catches="A delete without the never-worked confirmation is refused"
)
class DeletesWithoutConfirmation(PortalService):
    """FAQ 2: deletes an employer although the student did not confirm never working there."""

    def delete_employer(
        self, session: str, employer_id: str, *, never_worked_confirmed: bool
    ) -> None:
        super().delete_employer(session, employer_id, never_worked_confirmed=True)


@seeded_bug("lock-after-failed-logins", catches="Three failed logins lock the account")
class LockedAccountStillLogsIn(PortalService):
    """FAQ 3: failed logins are never counted, so the account never locks."""

    def _count_failed_login(self, account: Account, now) -> None:  # type: ignore[no-untyped-def]
        return None


@seeded_bug(
    "missing-reset-escalated",
    catches="A missing Reset Portal Account action is escalated with details and resolved",
)
class IgnoresResetPortalAccount(PortalService):
    """FAQ 5: the DSO's (or the SRC's) Reset Portal Account reaches the portal and does nothing."""

    def _reset_portal_account(self, transmission: Transmission) -> Account | None:
        return self.backend.accounts.get(transmission.record.sevis_id)


@seeded_bug(
    "stem-pending-edit",
    catches="The student edits employment after the post-completion end date, STEM still pending",
)
class FreezesEmploymentAfterOptEnd(PortalService):
    """FAQ 6: refuses employment edits once the post-completion end date has passed, although
    the STEM extension is pending with USCIS."""

    def edit_employer(self, session: str, employer_id: str, edit: EmployerEdit) -> EmployerView:
        ends = [a.end_date for a in self.authorizations(session)]
        if ends and self._today() > max(ends):
            raise PortalError(ErrorCode.ACTION_NOT_ALLOWED, "your OPT has ended")
        return super().edit_employer(session, employer_id, edit)


@seeded_bug(
    "src-correction-sends-creation-email",
    catches="An SRC correction to Approved transmits and sends one account creation email",
)
class LateApprovalSendsNoEmail(PortalService):
    """FAQ 7: an approval that arrives after the OPT start date (as an SRC correction does)
    creates the account but sends no account creation email."""

    def _send_account_creation(self, account: Account) -> None:
        starts = [a.start_date for a in account.program.authorizations.values()]
        if starts and self._today() > min(starts):
            return
        super()._send_account_creation(account)


@seeded_bug(
    "approval-sends-creation-email",
    "notice-once-per-event",
    catches="The same transmission delivered twice sends one email",
)
class NotIdempotent(PortalService):
    """FAQ 7 and 1: a transmission delivered twice is applied twice: two creation emails."""

    def deliver(self, transmission: Transmission) -> None:
        self.backend.applied_transmissions.discard(transmission.transmission_id)
        super().deliver(transmission)


@seeded_bug(
    "transfer-new-program",
    catches="A transfer starts a new program record without the previous OPT",
)
class KeepsOldProgramAfterTransfer(PortalService):
    """FAQ 8: a new program record never reaches the student's view; the old OPT and
    employers stay visible."""

    def deliver(self, transmission: Transmission) -> None:
        if transmission.kind.value == "program-changed":
            self.backend.applied_transmissions.add(transmission.transmission_id)
            return
        super().deliver(transmission)


@seeded_bug(
    "level-change-new-program",
    catches="A change of education level starts a new program record without the previous OPT",
)
class KeepsOldProgramAfterLevelChange(PortalService):
    """FAQ 8: a new program record at another education level is taken for a correction of
    the current one: the old OPT and employers stay visible."""

    def deliver(self, transmission: Transmission) -> None:
        account = self.backend.accounts.get(transmission.record.sevis_id)
        if (
            transmission.kind.value == "program-changed"
            and account is not None
            and transmission.record.education_level is not account.program.education_level
        ):
            self.backend.applied_transmissions.add(transmission.transmission_id)
            return
        super().deliver(transmission)


@seeded_bug(
    "stem-denial-deletes", catches="A STEM denial deletes the STEM OPT in SEVIS and in the portal"
)
class KeepsStemAfterDenial(PortalService):
    """FAQ 8: a STEM denial leaves the STEM OPT and its employers in the portal."""

    def _stem_denied(self, transmission: Transmission) -> Account | None:
        return self.backend.accounts.get(transmission.record.sevis_id)


@seeded_bug(
    "early-completion-six-months",
    catches="After an early completion the information stays visible for six months",
)
class ClosesSoonAfterEarlyCompletion(PortalService):
    """FAQ 8: access ends 30 days after an early completion instead of six months after the
    OPT end date."""

    def login(self, email: str, password: str) -> str:
        account = self.backend.account_by_email(email)
        completed = account.program.completed_on if account is not None else None
        if completed is not None and self._today() > completed + timedelta(days=30):
            raise PortalError(ErrorCode.ACCESS_CLOSED, "your SEVP Portal access has closed")
        return super().login(email, password)
