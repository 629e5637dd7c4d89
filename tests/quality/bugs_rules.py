"""Seeded bugs for the rules buggy_portals.py leaves: each breaks one rule the way a vendor
plausibly would (a missed check, a forgotten side effect, a shortcut at the mail boundary)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from email.message import Message

from simulators.common.clock import Clock
from simulators.common.contract import (
    ContactUpdate,
    EmployerInput,
    EmployerView,
    ErrorCode,
    PortalError,
    StudentProfile,
    UnemploymentView,
)
from simulators.common.domain import OptType, PasswordRules, PortalSettings
from simulators.common.notices import DEFAULT_CATALOG, NoticeId
from simulators.common.records import EmploymentRecord
from simulators.common.seams import Mailer, StudentChangeKind, StudentChangeSink, Transmission
from simulators.portal import PortalService
from simulators.portal.models import (
    Account,
    LinkPurpose,
    LinkState,
    PortalBackend,
    employer_view,
    secret_digest,
)
from tests.quality.seeded import reference_with, seeded_bug, settings_with

_CREATION_SUBJECT = DEFAULT_CATALOG[NoticeId.ACCOUNT_CREATION].subject

# --- FAQ 1: notices --------------------------------------------------------------------------


class _RewritingMailer:
    """Sets one header of every message (or of those whose subject starts ``only``) before
    handing it on: a bug at the mail boundary."""

    def __init__(self, mailer: Mailer, header: str, value: str, only: str = "") -> None:
        self.mailer, self.header, self.value, self.only = mailer, header, value, only

    def send(self, message: Message) -> None:
        if str(message["Subject"] or "").startswith(self.only):
            del message[self.header]
            message[self.header] = self.value
        self.mailer.send(message)


@seeded_bug("notice-catalogued", catches="The account creation email follows the catalog")
class SendsFromItsOwnAddress(PortalService):
    """Sends every notice from a no-reply address of its own, not the catalogued sender."""

    def __init__(self, clock: Clock, mailer: Mailer, sevis: StudentChangeSink, **kw: object):
        super().__init__(
            clock, _RewritingMailer(mailer, "From", "no-reply@vendor.example"), sevis, **kw
        )  # type: ignore[arg-type]


@seeded_bug(
    "creation-email-in-junk",
    "notice-catalogued",
    catches="The account creation email is found in the junk folder",
)
class CreationEmailFromTheMailingService(PortalService):
    """Sends the account creation email through a bulk-mail service under its own sender:
    the junk folder the student checks for portal mail never sees it."""

    def __init__(self, clock: Clock, mailer: Mailer, sevis: StudentChangeSink, **kw: object):
        bulk = _RewritingMailer(mailer, "From", "bulk@mailer.example", only=_CREATION_SUBJECT)
        super().__init__(clock, bulk, sevis, **kw)  # type: ignore[arg-type]


@seeded_bug(
    "notice-once-per-event",
    catches="Each notice is sent once, to the student only, as catalogued",
)
class SendsPasswordResetTwice(PortalService):
    """Sends the password reset email twice (a retry after a slow mail server)."""

    def request_password_reset(self, email: str) -> None:
        super().request_password_reset(email)
        super().request_password_reset(email)


@seeded_bug(
    "notice-student-only",
    catches="Each notice is sent once, to the student only, as catalogued",
)
class CopiesTheSchool(PortalService):
    """Copies every notice to a records mailbox of the school (Cc)."""

    def __init__(self, clock: Clock, mailer: Mailer, sevis: StudentChangeSink, **kw: object):
        super().__init__(
            clock, _RewritingMailer(mailer, "Cc", "records@dso.example.edu"), sevis, **kw
        )  # type: ignore[arg-type]


# --- FAQ 2: employer deletion -------------------------------------------------------------------


@seeded_bug(
    "delete-recorded", catches="A confirmed delete is recorded on the History page and in SEVIS"
)
class DeletionLeavesNoHistory(PortalService):
    """A confirmed deletion reaches SEVIS but is not written on the History page."""

    def delete_employer(
        self, session: str, employer_id: str, *, never_worked_confirmed: bool
    ) -> None:
        account = self._student(session)
        kept = list(account.history)
        super().delete_employer(session, employer_id, never_worked_confirmed=never_worked_confirmed)
        account.history[:] = kept


@seeded_bug("dso-restores-employer", catches="The DSO retrieves and restores the original employer")
class DeletedStaysDeleted(PortalService):
    """Remembers the employers a student deleted and drops them from every later sync, so a
    DSO's restore never reaches the student."""

    def __init__(self, *args: object, **kw: object) -> None:
        super().__init__(*args, **kw)  # type: ignore[arg-type]
        self.deleted_ids: set[str] = set()

    def delete_employer(
        self, session: str, employer_id: str, *, never_worked_confirmed: bool
    ) -> None:
        super().delete_employer(session, employer_id, never_worked_confirmed=never_worked_confirmed)
        self.deleted_ids.add(employer_id)

    def _daily_sync(self, transmission: Transmission) -> Account | None:
        account = super()._daily_sync(transmission)
        if account is not None:
            for employer_id in self.deleted_ids & set(account.program.employers):
                del account.program.employers[employer_id]
        return account


@seeded_bug("readd-is-not-restore", catches="Re-adding the employer is not a restore")
class ReaddBringsBackTheOriginal(PortalService):
    """Re-adding a deleted employer of the same name brings the portal's old copy back,
    without telling SEVIS: no new record there."""

    def __init__(self, *args: object, **kw: object) -> None:
        super().__init__(*args, **kw)  # type: ignore[arg-type]
        self.trash: dict[tuple[str, str], EmploymentRecord] = {}

    def delete_employer(
        self, session: str, employer_id: str, *, never_worked_confirmed: bool
    ) -> None:
        account = self._student(session)
        record = account.program.employers.get(employer_id)
        super().delete_employer(session, employer_id, never_worked_confirmed=never_worked_confirmed)
        if record is not None:
            self.trash[(account.sevis_id, record.employer_name)] = record

    def add_employer(self, session: str, employer: EmployerInput) -> EmployerView:
        account = self._student(session)
        old = self.trash.pop((account.sevis_id, employer.employer_name), None)
        if old is None:
            return super().add_employer(session, employer)
        account.program.employers[old.employment_id] = old
        return employer_view(old)


# --- FAQ 3 and 5: unlocking and the reset action -------------------------------------------------


def _link_account(portal: PortalService, token: str) -> tuple[Account | None, LinkPurpose | None]:
    link = portal.backend.links.get(secret_digest(token)) if token else None
    if link is None:
        return None, None
    return portal.backend.accounts.get(link.sevis_id), link.purpose


@seeded_bug("self-reset-unlocks", catches="The password reset button unlocks the account")
class SelfResetKeepsTheLock(PortalService):
    """The student's own reset changes the password but leaves the failed-login lock."""

    def complete_password_reset(self, token: str, new_password: str) -> None:
        account, purpose = _link_account(self, token)
        lock = account.lock if account is not None else None
        super().complete_password_reset(token, new_password)
        if account is not None and purpose is LinkPurpose.PASSWORD_RESET:
            account.lock = lock


@seeded_bug(
    "dso-reset-unlocks",
    "src-unlocks",
    "missing-reset-escalated",
    catches="The reset link expired: the DSO's Reset Portal Account unlocks",
)
class AccountResetKeepsTheLock(PortalService):
    """Reset Portal Account (DSO's or SRC's) only sends a new-password link: the account
    stays locked."""

    def _reset_portal_account(self, transmission: Transmission) -> Account | None:
        before = self.backend.accounts.get(transmission.record.sevis_id)
        lock = before.lock if before is not None else None
        account = super()._reset_portal_account(transmission)
        if account is not None:
            account.lock = lock
        return account

    def complete_password_reset(self, token: str, new_password: str) -> None:
        account, purpose = _link_account(self, token)
        lock = account.lock if account is not None else None
        super().complete_password_reset(token, new_password)
        if account is not None and purpose is LinkPurpose.ACCOUNT_RESET:
            account.lock = lock


@seeded_bug(
    "unlock-fallback-order",
    "src-unlocks",
    catches="Student, then DSO, then SRC: the SRC unlocks when the others cannot",
)
class ResetButtonUnlocksAtOnce(PortalService):
    """Pressing the reset button unlocks the account at once, before any link is followed."""

    def request_password_reset(self, email: str) -> None:
        super().request_password_reset(email)
        account = self.backend.account_by_email(email)
        if account is not None:
            account.unlock(self._now())


@seeded_bug(
    "reset-action-offered",
    "wrong-email-resend",
    catches="Reset Portal Account resends a lost account creation email",
)
class ResetIgnoredBeforeRegistration(PortalService):
    """Reset Portal Account for a student who never registered does nothing (no new
    account creation email)."""

    def _send_account_creation(self, account: Account) -> None:
        if any(link.sevis_id == account.sevis_id for link in self.backend.links.values()):
            return  # a creation email went out once: "nothing to reset"
        super()._send_account_creation(account)


@seeded_bug(
    "wrong-email-resend",
    catches="A wrong email address in SEVIS, corrected by the DSO, then resent",
)
class ResendsToTheFirstAddress(PortalService):
    """Re-sends the account creation email to the address of the first approval, not to
    the one SEVIS holds now."""

    def __init__(self, *args: object, **kw: object) -> None:
        super().__init__(*args, **kw)  # type: ignore[arg-type]
        self.first_email: dict[str, str] = {}

    def _send_account_creation(self, account: Account) -> None:
        first = self.first_email.setdefault(account.sevis_id, account.email)
        current = account.profile
        account.profile = replace(current, email=first)
        try:
            super()._send_account_creation(account)
        finally:
            account.profile = current


# --- FAQ 10 and the profile ----------------------------------------------------------------------


@seeded_bug(
    "student-changes-visible-to-dso",
    "contact-change-reaches-sevis",
    catches="A student's change shows in SEVIS at once",
)
class KeepsContactChangesToItself(PortalService):
    """Saves a contact change in the portal and never hands it to SEVIS."""

    def _tell_sevis(self, account: Account, kind: StudentChangeKind, **kw: object) -> None:
        if kind is StudentChangeKind.CONTACT_CHANGED:
            return
        super()._tell_sevis(account, kind, **kw)  # type: ignore[arg-type]


@seeded_bug(
    "contact-change-reaches-sevis",
    catches="A new phone number reaches SEVIS and the History page",
)
class HistoryShowsOnlyTheNewValue(PortalService):
    """The History page entry of a contact change carries the new value only."""

    def update_contact(self, session: str, update: ContactUpdate) -> StudentProfile:
        account = self._student(session)
        before = len(account.history)
        profile = super().update_contact(session, update)
        account.history[before:] = [replace(e, old_value="") for e in account.history[before:]]
        return profile


@seeded_bug("contact-validation", catches="An address that fails validation is not saved")
class SavesTheFormBeforeValidating(PortalService):
    """Keeps the address the student typed although validation refused it."""

    def update_contact(self, session: str, update: ContactUpdate) -> StudentProfile:
        try:
            return super().update_contact(session, update)
        except PortalError as refusal:
            if refusal.code is not ErrorCode.VALIDATION_FAILED:
                raise
            account = self._student(session)
            wanted = {k: v for k, v in vars(update).items() if v is not None}
            account.profile = replace(account.profile, **wanted)
            raise


# --- registration, login and passwords ------------------------------------------------------------


@seeded_bug(
    "registration-link-single-use", "tokens-single-use", catches="The registration link works once"
)
class RegistrationLinkWorksAgain(PortalService):
    """A registration link stays live after it was used: anyone holding the email can set
    the password again."""

    def register(self, token: str, sevis_id: str, password: str) -> None:
        super().register(token, sevis_id, password)
        link = self.backend.links.get(secret_digest(token))
        if link is not None:
            link.state = LinkState.LIVE


@seeded_bug(
    "registration-sevis-id-check",
    catches="A wrong SEVIS ID is refused, and three lock registration",
)
class SkipsTheSevisIdCheck(PortalService):
    """Registration takes whatever SEVIS ID is typed: the link alone proves the student."""

    def register(self, token: str, sevis_id: str, password: str) -> None:
        link = self.backend.links.get(secret_digest(token)) if token else None
        super().register(token, link.sevis_id if link is not None else sevis_id, password)


@seeded_bug("password-policy", catches="A password that contains the SEVIS ID is refused")
def AllowsTheSevisIdInPasswords(clock: Clock, mailer: Mailer, sevis: StudentChangeSink):  # type: ignore[no-untyped-def]
    """The password policy does not forbid the SEVIS ID."""
    policy = PasswordRules(forbid_sevis_id=False)
    return reference_with(PortalSettings(password_policy=policy))(clock, mailer, sevis)


@seeded_bug("password-policy", catches="The student cannot reuse the current password at a reset")
def KeepsNoPasswordHistory(clock: Clock, mailer: Mailer, sevis: StudentChangeSink):  # type: ignore[no-untyped-def]
    """Keeps no password history: the current password may be set again at a reset."""
    return reference_with(settings_with("password_policy.history_size", 0))(clock, mailer, sevis)


@seeded_bug("attestation-first", catches="Nothing is shown before the attestation")
class AttestsOnLogin(PortalService):
    """Takes the login itself as the attestation: pages open before it is shown."""

    def login(self, email: str, password: str) -> str:
        session = super().login(email, password)
        found = self.backend.session(session)
        if found is not None:
            found.attested = True
        return session


@seeded_bug("lock-notice", catches="A locked account is told by email")
def SendsNoLockNotice(clock: Clock, mailer: Mailer, sevis: StudentChangeSink):  # type: ignore[no-untyped-def]
    """Locks the account after failed logins and tells nobody."""
    return reference_with(PortalSettings(send_lock_notice=False))(clock, mailer, sevis)


@seeded_bug("tokens-single-use", catches="A password reset link works once")
class ResetLinkWorksAgain(PortalService):
    """A password reset link stays live after it was used."""

    def complete_password_reset(self, token: str, new_password: str) -> None:
        super().complete_password_reset(token, new_password)
        link = self.backend.links.get(secret_digest(token))
        if link is not None:
            link.state = LinkState.LIVE


@seeded_bug("reset-ends-sessions", catches="A password reset ends every session")
class ResetKeepsSessions(PortalService):
    """A password reset leaves the sessions that were open (a stolen one too)."""

    def complete_password_reset(self, token: str, new_password: str) -> None:
        sessions = dict(self.backend.sessions)
        super().complete_password_reset(token, new_password)
        self.backend.sessions.update(sessions)


@seeded_bug(
    "no-secret-exposed", catches="No password in any email, view or history; no token in history"
)
class TokenOnTheHistoryPage(PortalService):
    """Writes the emailed link, token and all, into the History page entry of the email."""

    def _send(self, account: Account, notice_id, *, token: str | None = None, **kw) -> None:  # type: ignore[no-untyped-def]
        super()._send(account, notice_id, token=token, **kw)
        if token and account.history:
            last = account.history[-1]
            account.history[-1] = replace(last, summary=f"{last.summary} (link token {token})")


# --- employment ----------------------------------------------------------------------------------


@seeded_bug(
    "employer-validation",
    catches="An employer that breaks the rules is refused and nothing is saved",
)
class TruncatesLongEmployerNames(PortalService):
    """Cuts an employer name over SEVIS's 100 characters down instead of refusing it."""

    def add_employer(self, session: str, employer: EmployerInput) -> EmployerView:
        return super().add_employer(
            session, replace(employer, employer_name=employer.employer_name[:100])
        )


@seeded_bug("stem-employer-by-dso", catches="A STEM OPT student cannot add an employer")
class StemStudentsAddEmployers(PortalService):
    """Offers Add Employer to STEM OPT students too (the form is the post-completion one)."""

    def add_employer(self, session: str, employer: EmployerInput) -> EmployerView:
        program = self._student(session).program
        stem = {k: a for k, a in program.authorizations.items() if a.opt_type is OptType.STEM}
        for key in stem:
            del program.authorizations[key]
        try:
            return super().add_employer(session, employer)
        finally:
            program.authorizations.update(stem)


@seeded_bug(
    "unemployment-counter",
    catches="The counter counts the days without an employer since the OPT start",
)
class CounterIgnoresEmployers(PortalService):
    """The unemployment counter counts every day since the OPT start, employed or not."""

    def unemployment(self, session: str) -> UnemploymentView:
        shown = super().unemployment(session)
        approved = self._student(session).program.approved()
        if not approved:
            return shown
        return replace(shown, days_used=(self._today() - approved[0].start_date).days)


# --- security --------------------------------------------------------------------------------------


@seeded_bug(
    "no-cross-student-access",
    catches="A student cannot see or delete another student's employer",
)
class DeletesAnyStudentsEmployer(PortalService):
    """Finds the employer to delete by its id among every student's, and deletes it on its
    owner's record, not only on the logged-in student's."""

    def delete_employer(
        self, session: str, employer_id: str, *, never_worked_confirmed: bool
    ) -> None:
        caller = self._student(session)
        owner = next(
            (a for a in self.backend.accounts.values() if employer_id in a.program.employers),
            caller,
        )
        if owner is caller:
            return super().delete_employer(
                session, employer_id, never_worked_confirmed=never_worked_confirmed
            )
        borrowed = self.backend.start_session(owner, self._now())
        found = self.backend.session(borrowed)
        assert found is not None
        found.attested = True
        try:
            super().delete_employer(
                borrowed, employer_id, never_worked_confirmed=never_worked_confirmed
            )
        finally:
            self.backend.end_session(borrowed)


# --- what only the cross-cutting checks see -------------------------------------------------------


@seeded_bug(
    "dso-reset-unlocks",
    catches="The History page keeps every entry through the DSO's Reset Portal Account",
)
class ResetStartsAFreshAccount(PortalService):
    """Reset Portal Account re-creates the account: the History page starts empty."""

    def _reset_portal_account(self, transmission: Transmission) -> Account | None:
        account = super()._reset_portal_account(transmission)
        if account is not None:
            account.history[:-2] = []  # keeps only the reset and its email
        return account


@seeded_bug(
    "transfer-new-program",
    catches="A transfer starts a new program record without the previous OPT",
)
class HistoryPerProgram(PortalService):
    """Keeps a History page per program record: a transfer starts an empty one."""

    def deliver(self, transmission: Transmission) -> None:
        account = self.backend.accounts.get(transmission.record.sevis_id)
        programs = len(account.programs) if account is not None else 0
        super().deliver(transmission)
        if account is not None and len(account.programs) > programs:
            account.history[:] = []


@seeded_bug("tokens-single-use", catches="An account reset link expires")
def AccountResetLinkLastsAMonth(clock: Clock, mailer: Mailer, sevis: StudentChangeSink):  # type: ignore[no-untyped-def]
    """The DSO's account reset link works for 30 days."""
    settings = settings_with("readings.account_reset_link_hours", 30 * 24)
    return reference_with(settings)(clock, mailer, sevis)


class _OneLinkPerBatch(PortalBackend):
    """Issues one registration token per moment and points it at the latest student."""

    batch: tuple[datetime, str] | None = None

    def issue_link(
        self, account: Account, purpose: LinkPurpose, now: datetime, expires_at: datetime
    ) -> str:
        if purpose is LinkPurpose.REGISTRATION and self.batch and self.batch[0] == now:
            self.links[secret_digest(self.batch[1])].sevis_id = account.sevis_id
            return self.batch[1]
        token = super().issue_link(account, purpose, now, expires_at)
        if purpose is LinkPurpose.REGISTRATION:
            self.batch = (now, token)
        return token


@seeded_bug(
    "approval-sends-creation-email",
    "no-cross-student-access",
    catches="Two students approved together each get their own link",
)
class OneLinkPerSync(PortalService):
    """Students approved in the same moment share one registration link (a token cached per
    batch), which registers whoever uses it last."""

    def __init__(self, *args: object, **kw: object) -> None:
        super().__init__(*args, **kw)  # type: ignore[arg-type]
        self.backend = _OneLinkPerBatch()


@seeded_bug(
    "notice-catalogued",
    catches="A STEM OPT student's account creation email names STEM OPT",
)
class NamesPostCompletionAlways(PortalService):
    """The account creation email always names post-completion OPT, STEM students too."""

    def _send_account_creation(self, account: Account) -> None:
        # The body template reads the type from the account; this vendor hard-coded it.
        account.latest_opt_type = lambda: OptType.POST_COMPLETION  # type: ignore[method-assign]
        try:
            super()._send_account_creation(account)
        finally:
            del account.latest_opt_type


@seeded_bug("self-reset-unlocks", catches="The password reset button unlocks the account")
class OldPasswordStillWorks(PortalService):
    """After a reset the previous password keeps working too (a grace period)."""

    def login(self, email: str, password: str) -> str:
        account = self.backend.account_by_email(email)
        older = account.previous_passwords[1:] if account is not None else []
        matching = next((p for p in older if p.matches(password)), None)
        if account is None or matching is None:
            return super().login(email, password)
        current, account.password = account.password, matching
        try:
            return super().login(email, password)
        finally:
            account.password = current


@seeded_bug(
    "notice-catalogued",
    "registration-link-single-use",
    catches="The registration link works once",
)
class SendsAWelcomeEmail(PortalService):
    """Sends an uncatalogued welcome email after registration; no notice scenario registers,
    so only the mail check every scenario ends with can see it."""

    def register(self, token: str, sevis_id: str, password: str) -> None:
        super().register(token, sevis_id, password)
        link = self.backend.links.get(secret_digest(token))
        if link is not None:
            welcome = Message()
            welcome["From"] = DEFAULT_CATALOG[NoticeId.ACCOUNT_CREATION].sender
            welcome["To"] = self.backend.accounts[link.sevis_id].email
            welcome["Subject"] = "Welcome to the SEVP Portal"
            welcome.set_payload("Welcome!")
            self.mailer.send(welcome)


@seeded_bug("contact-validation", catches="A phone number that is not one is not saved")
class SavesThePhoneBeforeValidating(SavesTheFormBeforeValidating):
    """Keeps the phone number the student typed although validation refused it (only the
    check that a refusal changed nothing sees it)."""


@seeded_bug(
    "lock-after-failed-logins", "lock-notice", catches="Three failed logins lock the account"
)
class LockNoticeAtEveryTry(PortalService):
    """Sends the account locked email again at every login tried on a locked account (only
    the check that a refusal sends nothing sees it)."""

    def login(self, email: str, password: str) -> str:
        try:
            return super().login(email, password)
        except PortalError as refusal:
            account = self.backend.account_by_email(email)
            if refusal.code is ErrorCode.ACCOUNT_LOCKED and account is not None:
                self._send(account, NoticeId.ACCOUNT_LOCKED)
            raise


@seeded_bug(
    "reset-action-offered", catches="Reset Portal Account resends a lost account creation email"
)
class ResetDoesNotResendCreation(PortalService):
    """Reset Portal Account before registration unlocks nothing and sends no new creation
    email: the student who lost the first one is stuck."""

    def _reset_portal_account(self, transmission: Transmission) -> Account | None:
        account = self.backend.accounts.get(transmission.record.sevis_id)
        if account is not None and not account.registered:
            return account
        return super()._reset_portal_account(transmission)
