"""The reference portal's operations, one method per thing a student, SEVIS or the harness
does; every refusal is a PortalError. An HTTP adapter only translates to and from these."""

from __future__ import annotations

import secrets
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone

from fixtures.notices import DEFAULT_CATALOG, NoticeCatalog, NoticeId
from simulators.common.clock import Clock, SimulatedClock
from simulators.common.contract import (
    CONTRACT_VERSION,
    AuthorizationView,
    ContactUpdate,
    EmployerEdit,
    EmployerInput,
    EmployerView,
    ErrorCode,
    HistoryCategory,
    HistoryEntry,
    PortalError,
    PortalInfo,
    StudentProfile,
    UnemploymentView,
)
from simulators.common.domain import EmploymentStatus, OptStatus, PortalSettings
from simulators.common.records import EmploymentRecord, FieldChange
from simulators.common.seams import (
    Mailer,
    MailNotSent,
    StudentChange,
    StudentChangeKind,
    StudentChangeSink,
    Transmission,
    TransmissionKind,
)
from simulators.portal.emails import NoticeFacts, compose_notice
from simulators.portal.errors import SevisRefusedChange, TransmissionRejected
from simulators.portal.models import (
    Account,
    LinkPurpose,
    LinkState,
    LockReason,
    PortalBackend,
    access_closes_after,
    apply_snapshot,
    authorization_view,
    check_employer_changes_allowed,
    check_employer_deletion,
    contact_changes,
    employer_after_edit,
    employer_to_add,
    employer_view,
    new_account,
    new_employer_id,
    registration_link_expiry,
    remove_stem_opt,
    unemployment,
)
from simulators.portal.options import ReferenceOptions

_RESET_PURPOSES = {LinkPurpose.PASSWORD_RESET, LinkPurpose.ACCOUNT_RESET}


class PortalService:
    """The reference SEVP Portal: the oracle a vendor's portal is held to.

    It reads time only from ``clock``, sends each notice through ``mailer`` (a refused email
    is written to the History page, never raised), and hands every student change to
    ``sevis`` before keeping it (a refused change is not kept: SevisRefusedChange).
    """

    def __init__(
        self,
        clock: Clock,
        mailer: Mailer,
        sevis: StudentChangeSink,
        settings: PortalSettings = PortalSettings(),  # noqa: B008 - frozen, shared safely
        notices: NoticeCatalog = DEFAULT_CATALOG,
        *,
        options: ReferenceOptions = ReferenceOptions(),  # noqa: B008 - frozen, shared safely
    ) -> None:
        self.clock = clock
        self.mailer = mailer
        self.sevis = sevis
        self.settings = settings
        self.notices = notices
        self.options = options
        self.backend = PortalBackend()
        self._due_jobs_ran_at: datetime | None = None

    def __repr__(self) -> str:
        return f"PortalService({len(self.backend.accounts)} accounts, clock={self.clock!r})"

    # --- SEVIS side -------------------------------------------------------------------------

    def deliver(self, transmission: Transmission) -> None:
        """Apply one SEVIS transmission, once per transmission id; a record the portal cannot
        apply is refused with TRANSMISSION_INVALID and changes nothing."""
        self._run_due_jobs()
        record = transmission.record
        problems = record.problems()
        if problems:
            raise TransmissionRejected("; ".join(problems))
        if transmission.transmission_id in self.backend.applied_transmissions:
            return
        if self.backend.email_taken_by_other(record.email, record.sevis_id):
            raise TransmissionRejected(
                "the email address belongs to another student's portal account"
            )
        handler = {
            TransmissionKind.OPT_APPROVED: self._opt_approved,
            TransmissionKind.RESET_PORTAL_ACCOUNT: self._reset_portal_account,
            TransmissionKind.DAILY_SYNC: self._daily_sync,
            TransmissionKind.PROGRAM_CHANGED: self._daily_sync,
            TransmissionKind.RECORD_COMPLETED: self._record_completed,
            TransmissionKind.STEM_DENIED: self._stem_denied,
        }[transmission.kind]
        account = handler(transmission)
        self.backend.applied_transmissions.add(transmission.transmission_id)
        if account is not None:
            self._run_due_jobs_for(account, self._now())

    def _opt_approved(self, transmission: Transmission) -> Account | None:
        """USCIS approval and an SRC correction are the same to the portal (FAQ 7): create
        the account if there is none and send one creation email while unregistered."""
        record = transmission.record
        if not any(a.status is OptStatus.APPROVED for a in record.authorizations):
            raise TransmissionRejected("an OPT approval carries no approved authorization")
        now = self._now()
        account = self.backend.accounts.get(record.sevis_id)
        if account is None:
            account = new_account(record, now, self.options)
            account.data_as_of = transmission.sent_at
            self.backend.accounts[account.sevis_id] = account
        else:
            self._apply(account, transmission)
        if not account.registered:
            self._send_account_creation(account)
        return account

    def _reset_portal_account(self, transmission: Transmission) -> Account | None:
        """The DSO's Reset Portal Account (or the SRC's, FAQ 3, 5, 7): before registration it
        re-sends the creation email, to the address SEVIS holds now; after, it unlocks."""
        account = self.backend.accounts.get(transmission.record.sevis_id)
        if account is None:
            raise TransmissionRejected(
                "the portal has no account for this SEVIS ID: no OPT approval reached it "
                "(FAQ 7: check the SEVIS event history, then email the SRC)"
            )
        now = self._now()
        self._apply(account, transmission)
        account.remember(now, HistoryCategory.EVENT, "Portal account reset by your DSO")
        if not account.registered:
            account.wrong_sevis_id_entries = 0
            account.registration_locked = False
            self._send_account_creation(account)
            return account
        account.unlock(now)
        self.backend.end_sessions_of(account.sevis_id)
        if account.access_closed(self.settings, now.date()):
            return account  # nothing to reset into: the link would only say "access closed"
        hours = self.options.account_reset_link_hours
        if hours is None:
            hours = self.settings.limits.password_reset_link_hours
        expires_at = now + timedelta(hours=hours)
        token = self.backend.issue_link(account, LinkPurpose.ACCOUNT_RESET, now, expires_at)
        self._send(account, NoticeId.ACCOUNT_RESET, token=token, valid_until=expires_at)
        return account

    def _daily_sync(self, transmission: Transmission) -> Account | None:
        """DSO edits (and a new program record after a transfer, FAQ 8) reach the portal as a
        full snapshot; a student the portal has no account for is none of its business."""
        account = self.backend.accounts.get(transmission.record.sevis_id)
        if account is not None:
            self._apply(account, transmission)
        return account

    def _record_completed(self, transmission: Transmission) -> Account | None:
        if transmission.record.completed_on is None:
            raise TransmissionRejected("a completed record carries its completion date")
        return self._daily_sync(transmission)

    def _stem_denied(self, transmission: Transmission) -> Account | None:
        """A denied STEM OPT is deleted in SEVIS and in the portal (FAQ 8), with the employers
        entered for it; this holds even for a snapshot older than the portal's data."""
        account = self.backend.accounts.get(transmission.record.sevis_id)
        if account is None:
            return None
        now = self._now()
        account.remember(now, HistoryCategory.EVENT, "STEM OPT denied: removed from the portal")
        self._apply(account, transmission, drop_stem=True)
        remove_stem_opt(account, now)
        return account

    def _apply(
        self, account: Account, transmission: Transmission, *, drop_stem: bool = False
    ) -> None:
        if self._stale(account, transmission):
            return
        apply_snapshot(account, transmission.record, self._now(), self.options, drop_stem=drop_stem)
        account.data_as_of = transmission.sent_at

    def _stale(self, account: Account, transmission: Transmission) -> bool:
        """A snapshot SEVIS sent before the portal's newest data (a delayed or reordered
        transmission) would undo newer changes; its data is not applied."""
        return (
            self.options.ignore_stale_snapshots
            and account.data_as_of is not None
            and transmission.sent_at < account.data_as_of
        )

    def _send_account_creation(self, account: Account) -> None:
        now = self._now()
        expires_at = registration_link_expiry(now, self.settings.limits.registration_link_days)
        token = self.backend.issue_link(account, LinkPurpose.REGISTRATION, now, expires_at)
        self._send(
            account,
            NoticeId.ACCOUNT_CREATION,
            token=token,
            valid_until=expires_at - timedelta(seconds=1),
        )

    # --- a student, not logged in -----------------------------------------------------------

    def register(self, token: str, sevis_id: str, password: str) -> None:
        """Create the login from the creation email's link: the SEVIS ID proves the student
        (three wrong entries lock registration), the password must meet the policy."""
        self._run_due_jobs()
        now = self._now()
        link = self.backend.valid_link(token, {LinkPurpose.REGISTRATION}, now)
        account = self.backend.accounts[link.sevis_id]
        if account.registration_locked:
            raise PortalError(
                ErrorCode.REGISTRATION_LOCKED,
                "registration is locked after wrong SEVIS IDs; ask your DSO to reset your "
                "portal account",
            )
        if account.access_closed(self.settings, now.date()):
            raise PortalError(ErrorCode.ACCESS_CLOSED, "your SEVP Portal access has closed")
        if sevis_id.strip().upper() != account.sevis_id:
            account.wrong_sevis_id_entries += 1
            allowed = self.settings.limits.registration_sevis_id_attempts
            if account.wrong_sevis_id_entries >= allowed:
                account.registration_locked = True
                account.remember(
                    now,
                    HistoryCategory.EVENT,
                    f"Registration locked after {allowed} wrong SEVIS IDs",
                )
                raise PortalError(
                    ErrorCode.REGISTRATION_LOCKED,
                    f"{allowed} wrong SEVIS IDs: registration is locked; ask your DSO to "
                    "reset your portal account",
                )
            left = allowed - account.wrong_sevis_id_entries
            raise PortalError(
                ErrorCode.SEVIS_ID_MISMATCH,
                f"the SEVIS ID does not match; {left} attempt(s) left",
            )
        self._refuse_weak_password(account, password)
        account.set_password(
            password, self.options.scrypt_cost, self.settings.password_policy.history_size
        )
        account.registered_at = now
        account.last_activity = now
        link.state = LinkState.USED
        self.backend.supersede_links(account.sevis_id, LinkPurpose.REGISTRATION)
        account.remember(
            now, HistoryCategory.EVENT, f"Portal account registered; username {account.email}"
        )

    def login(self, email: str, password: str) -> str:
        """Email and password; the session must attest before anything else. Only someone
        who knows the password learns that the account is locked or closed."""
        self._run_due_jobs()
        now = self._now()
        account = self.backend.account_by_email(email)
        if account is None or account.password is None:
            raise PortalError(ErrorCode.INVALID_CREDENTIALS, "wrong email or password")
        closed = account.access_closed(self.settings, now.date())
        if not account.password.matches(password):
            if account.lock is None and not closed:
                self._count_failed_login(account, now)
            raise PortalError(ErrorCode.INVALID_CREDENTIALS, "wrong email or password")
        if closed:
            raise PortalError(ErrorCode.ACCESS_CLOSED, "your SEVP Portal access has closed")
        if account.lock is not None:
            raise PortalError(
                ErrorCode.ACCOUNT_LOCKED,
                f"the account is locked ({account.lock.value}); use the password reset button",
            )
        account.failed_logins = 0
        account.last_activity = now
        return self.backend.start_session(account, now)

    def _count_failed_login(self, account: Account, now: datetime) -> None:
        account.failed_logins += 1
        allowed = self.settings.limits.failed_logins_before_lock
        if account.failed_logins < allowed:
            return
        account.lock = LockReason.FAILED_LOGINS
        account.remember(
            now, HistoryCategory.EVENT, f"Account locked after {allowed} failed logins"
        )
        if self.settings.send_lock_notice:
            self._send(account, NoticeId.ACCOUNT_LOCKED)

    def request_password_reset(self, email: str) -> None:
        """The home page's reset button (FAQ 3): a registered account, locked or not, gets a
        single-use link; any other address gets nothing and the caller learns nothing."""
        self._run_due_jobs()
        now = self._now()
        account = self.backend.account_by_email(email)
        if account is None or not account.registered:
            return
        if account.access_closed(self.settings, now.date()):
            return
        expires_at = now + timedelta(hours=self.settings.limits.password_reset_link_hours)
        token = self.backend.issue_link(account, LinkPurpose.PASSWORD_RESET, now, expires_at)
        self._send(account, NoticeId.PASSWORD_RESET, token=token, valid_until=expires_at)

    def complete_password_reset(self, token: str, new_password: str) -> None:
        """Follow a password reset or account reset link: a new password (policy, not one of
        the last eight), the account unlocked, every session ended, the link spent."""
        self._run_due_jobs()
        now = self._now()
        link = self.backend.valid_link(token, _RESET_PURPOSES, now)
        account = self.backend.accounts[link.sevis_id]
        if account.access_closed(self.settings, now.date()):
            raise PortalError(ErrorCode.ACCESS_CLOSED, "your SEVP Portal access has closed")
        self._refuse_weak_password(account, new_password)
        if account.used_recently(new_password):
            size = self.settings.password_policy.history_size
            raise PortalError(
                ErrorCode.PASSWORD_REUSED, f"the password must differ from your last {size}"
            )
        account.set_password(
            new_password, self.options.scrypt_cost, self.settings.password_policy.history_size
        )
        account.unlock(now)
        link.state = LinkState.USED
        for purpose in _RESET_PURPOSES:
            self.backend.supersede_links(account.sevis_id, purpose)
        ended = self.backend.end_sessions_of(account.sevis_id)
        account.remember(
            now,
            HistoryCategory.EVENT,
            f"Password changed with a reset link; account unlocked; {ended} session(s) ended",
        )

    def _refuse_weak_password(self, account: Account, password: str) -> None:
        problems = self.settings.password_policy.problems(
            password, sevis_id=account.sevis_id, user_id=account.email
        )
        if problems:
            raise PortalError(ErrorCode.PASSWORD_POLICY, "the password " + "; ".join(problems))

    # --- a student, logged in -----------------------------------------------------------------

    def attest(self, session: str) -> None:
        self._student(session, attested=False)
        found = self.backend.session(session)
        if found is not None:
            found.attested = True

    def logout(self, session: str) -> None:
        if self.backend.session(session) is None:
            raise PortalError(ErrorCode.SESSION_INVALID, "no such session")
        self.backend.end_session(session)

    def profile(self, session: str) -> StudentProfile:
        return self._student(session).profile

    def update_contact(self, session: str, update: ContactUpdate) -> StudentProfile:
        """Address and phone changes reach SEVIS at once; an address SEVIS would refuse is
        not saved (VALIDATION_FAILED), and neither is a change SEVIS did not take."""
        account = self._student(session)
        wanted = {name: value for name, value in vars(update).items() if value is not None}
        changes = contact_changes(account.profile, wanted)
        if not changes:
            return account.profile
        self._tell_sevis(
            account, StudentChangeKind.CONTACT_CHANGED, changes=changes, what="contact change"
        )
        account.profile = replace(account.profile, **wanted)
        for change in changes:
            account.remember(
                self._now(),
                HistoryCategory.CHANGE,
                f"Changed in the portal: {change.field}",
                change,
            )
        return account.profile

    def authorizations(self, session: str) -> list[AuthorizationView]:
        program = self._student(session).program
        shown = sorted(program.authorizations.values(), key=lambda a: (a.start_date, a.end_date))
        return [authorization_view(a) for a in shown]

    def unemployment(self, session: str) -> UnemploymentView:
        account = self._student(session)
        return unemployment(account.program, self._today(), self.settings)

    def employers(self, session: str) -> list[EmployerView]:
        program = self._student(session).program
        shown = sorted(
            program.employers.values(),
            key=lambda e: (e.start_date, e.employer_name, e.employment_id),
        )
        return [employer_view(e) for e in shown]

    def add_employer(self, session: str, employer: EmployerInput) -> EmployerView:
        """Post-completion OPT students add employers inside an approved authorization."""
        account = self._student(session)
        program = account.program
        check_employer_changes_allowed(program, self.options)
        employer_id = new_employer_id()
        while self.backend.employer_id_in_use(employer_id):
            employer_id = new_employer_id()
        record = employer_to_add(program, employer, employer_id)
        self._tell_sevis(
            account, StudentChangeKind.EMPLOYER_ADDED, employer=record, what="employer added"
        )
        program.employers[employer_id] = record
        account.remember(
            self._now(),
            HistoryCategory.CHANGE,
            f"Employer added in the portal: {record.employer_name}",
            FieldChange("employer", "", record.employer_name),
        )
        return employer_view(record)

    def edit_employer(self, session: str, employer_id: str, edit: EmployerEdit) -> EmployerView:
        account = self._student(session)
        program = account.program
        employer = self._own_employer(account, employer_id)
        check_employer_changes_allowed(program, self.options)
        edited, changes = employer_after_edit(program, employer, edit)
        if not changes:
            return employer_view(employer)
        self._tell_sevis(
            account,
            StudentChangeKind.EMPLOYER_EDITED,
            employer=edited,
            changes=changes,
            what="employer edited",
        )
        program.employers[employer_id] = edited
        for change in changes:
            account.remember(
                self._now(),
                HistoryCategory.CHANGE,
                f"Employer changed in the portal: {edited.employer_name}",
                change,
            )
        return employer_view(edited)

    def delete_employer(
        self, session: str, employer_id: str, *, never_worked_confirmed: bool
    ) -> None:
        """Only after the student confirms never having worked there (FAQ 2); the DSO can
        restore it from SEVIS with its original id and data."""
        account = self._student(session)
        program = account.program
        employer = self._own_employer(account, employer_id)
        check_employer_changes_allowed(program, self.options)
        check_employer_deletion(program, never_worked_confirmed)
        deleted = employer.with_status(EmploymentStatus.DELETED)
        self._tell_sevis(
            account, StudentChangeKind.EMPLOYER_DELETED, employer=deleted, what="employer deleted"
        )
        del program.employers[employer_id]
        account.remember(
            self._now(),
            HistoryCategory.CHANGE,
            f"Employer deleted in the portal (never worked there): {employer.employer_name}",
            FieldChange("employer", employer.employer_name, ""),
        )

    def history(self, session: str) -> list[HistoryEntry]:
        """Every change, email and record event, across every program record (FAQ 8)."""
        return list(self._student(session).history)

    def _own_employer(self, account: Account, employer_id: str) -> EmploymentRecord:
        """Another student's employer is as unknown as one that never existed."""
        employer = account.program.employers.get(employer_id)
        if employer is None:
            raise PortalError(ErrorCode.NOT_FOUND, "no such employer on your record")
        return employer

    def _student(self, session_id: str, *, attested: bool = True) -> Account:
        self._run_due_jobs()
        now = self._now()
        session = self.backend.session(session_id)
        if session is None:
            raise PortalError(ErrorCode.SESSION_INVALID, "the session ended; log in again")
        timeout = self.options.session_idle_timeout
        if timeout is not None and now - session.last_seen > timeout:
            self.backend.end_session(session_id)
            raise PortalError(ErrorCode.SESSION_INVALID, "the session timed out; log in again")
        account = self.backend.accounts[session.sevis_id]
        if account.access_closed(self.settings, now.date()):
            raise PortalError(ErrorCode.ACCESS_CLOSED, "your SEVP Portal access has closed")
        if attested and not session.attested:
            raise PortalError(ErrorCode.ATTESTATION_REQUIRED, "confirm the attestation page first")
        session.last_seen = now
        return account

    def _tell_sevis(
        self,
        account: Account,
        kind: StudentChangeKind,
        *,
        what: str,
        employer: EmploymentRecord | None = None,
        changes: list[FieldChange] | None = None,
    ) -> None:
        """Hand the change to SEVIS before the portal keeps it: if SEVIS refuses or cannot be
        reached, the portal keeps nothing and says so (SevisRefusedChange)."""
        now = self._now()
        change = StudentChange(
            change_id="C" + secrets.token_hex(8).upper(),
            sevis_id=account.sevis_id,
            kind=kind,
            at=now,
            employer=employer,
            changes=tuple(changes or ()),
        )
        try:
            self.sevis.receive_student_change(change)
        except Exception as error:
            raise SevisRefusedChange(what, f"{type(error).__name__}: {error}") from error
        if account.data_as_of is None or account.data_as_of < now:
            account.data_as_of = now

    # --- mail -----------------------------------------------------------------------------------

    def _send(
        self,
        account: Account,
        notice_id: NoticeId,
        *,
        token: str | None = None,
        valid_until: datetime | None = None,
        closure_date: date | None = None,
    ) -> None:
        """Send one notice to the student alone. A bounce or a dead server is written to the
        History page as not delivered; it still was the one email for its event."""
        notice = self.notices[notice_id]
        facts = NoticeFacts(
            to=account.email,
            full_name=account.full_name,
            opt_type=account.latest_opt_type(),
            token=token,
            link_valid_until=_link_deadline(valid_until),
            closure_date=closure_date or account.access_closes_on(self.settings),
        )
        now = self._now()
        message = compose_notice(notice, facts, base_url=self.settings.base_url, sent_at=now)
        try:
            self.mailer.send(message)
        except MailNotSent:
            summary = f"Email not delivered: {notice.subject}"
        except Exception:  # a mailer that breaks its protocol must not break the portal either
            summary = f"Email not delivered: {notice.subject}"
        else:
            summary = f"Email sent: {notice.subject}"
        account.remember(now, HistoryCategory.EMAIL, summary)

    # --- time -----------------------------------------------------------------------------------

    def _now(self) -> datetime:
        return self.clock.now()

    def _today(self) -> date:
        return self._now().date()

    def _run_due_jobs(self) -> None:
        """Run what fell due since the last look: inactivity locks and closure notices. Every
        operation looks first, so a shared clock moved behind the portal's back still counts."""
        now = self._now()
        if self._due_jobs_ran_at == now:
            return
        self._due_jobs_ran_at = now
        for account in list(self.backend.accounts.values()):
            self._run_due_jobs_for(account, now)

    def _run_due_jobs_for(self, account: Account, now: datetime) -> None:
        today = now.date()
        self._lock_if_inactive(account, now)
        opt_end = account.opt_end(self.settings.early_completion_reading)
        if opt_end is None:
            return
        closes_on = access_closes_after(opt_end, self.settings)
        warning = closes_on - timedelta(days=self.settings.limits.closure_warning_days)
        for notice_id, due in (
            (NoticeId.OPT_ENDED, opt_end),
            (NoticeId.ACCESS_CLOSING, warning),
            (NoticeId.ACCESS_CLOSED, closes_on),
        ):
            key = (notice_id.value, due)
            if today < due or key in account.notices_sent:
                continue
            account.notices_sent.add(key)
            if notice_id is NoticeId.ACCESS_CLOSED:
                account.remember(
                    now,
                    HistoryCategory.EVENT,
                    f"SEVP Portal access closed on {closes_on.isoformat()}, "
                    f"{self.settings.limits.access_after_opt_end_months} months after the OPT "
                    f"end date {opt_end.isoformat()}",
                )
            self._send(account, notice_id, closure_date=closes_on)

    def _lock_if_inactive(self, account: Account, now: datetime) -> None:
        days = self.settings.limits.inactivity_lock_days
        last = account.last_activity
        if not account.registered or account.lock is not None or last is None:
            return
        if (now.date() - last.date()).days < days:
            return
        account.lock = LockReason.INACTIVITY
        self.backend.end_sessions_of(account.sevis_id)
        account.remember(now, HistoryCategory.EVENT, f"Account locked: no login for {days} days")
        if self.options.send_inactivity_lock_notice:
            self._send(account, NoticeId.ACCOUNT_LOCKED)

    # --- control ----------------------------------------------------------------------------------

    def info(self) -> PortalInfo:
        return PortalInfo("reference", CONTRACT_VERSION, clock_control=True)

    def set_time(self, now: datetime) -> None:
        """Move a simulated clock forward to ``now`` (never back) and run what fell due."""
        moment = now if now.tzinfo is not None else now.replace(tzinfo=timezone.utc)
        if isinstance(self.clock, SimulatedClock) and self.clock.now() < moment:
            self.clock.set(moment)
        self._run_due_jobs()

    def reset(self) -> None:
        """Forget every account, link, session and transmission: a clean portal."""
        self.__init__(  # type: ignore[misc]
            self.clock,
            self.mailer,
            self.sevis,
            self.settings,
            self.notices,
            options=self.options,
        )


def _link_deadline(valid_until: datetime | None) -> str:
    if valid_until is None:
        return ""
    return valid_until.strftime("%B %d, %Y %H:%M UTC")
