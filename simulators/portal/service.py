"""The reference portal's operations, one method per thing a student, SEVIS or the harness
does; every refusal is a PortalError. An HTTP adapter only translates to and from these."""

from __future__ import annotations

import functools
import logging
import math
import secrets
import threading
from collections import Counter, deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from typing import Any, TypeVar

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
    HistoryKind,
    PortalError,
    PortalInfo,
    StudentProfile,
    UnemploymentView,
)
from simulators.common.domain import (
    SECURITY_LIMITS,
    EmploymentStatus,
    OptStatus,
    PortalSettings,
)
from simulators.common.notices import DEFAULT_CATALOG, NoticeId
from simulators.common.records import EmploymentRecord, FieldChange, StudentRecord
from simulators.common.seams import (
    Mailer,
    StudentChange,
    StudentChangeKind,
    StudentChangeSink,
    Transmission,
    TransmissionKind,
)
from simulators.portal.emails import NoticeFacts, compose_notice
from simulators.portal.errors import RateLimited, SevisRefusedChange, TransmissionRejected
from simulators.portal.models import (
    Account,
    LinkPurpose,
    LinkState,
    LockReason,
    PortalBackend,
    apply_snapshot,
    authorization_view,
    check_employer_changes_allowed,
    check_employer_deletion,
    closure_notices,
    contact_changes,
    date_problems,
    dummy_hash,
    employer_after_edit,
    employer_to_add,
    employer_view,
    inactivity_lock_due,
    new_account,
    new_employer_id,
    next_due_day,
    registration_link_expiry,
    remove_stem_opt,
    unemployment,
)
from simulators.portal.options import ReferenceOptions
from simulators.portal.turns import Turns

log = logging.getLogger(__name__)

_RESET_PURPOSES = {LinkPurpose.PASSWORD_RESET, LinkPurpose.ACCOUNT_RESET}
_T = TypeVar("_T")


class PortalService:
    """The reference SEVP Portal: the oracle a vendor's portal is held to.

    It reads time only from ``clock``, sends each notice through ``mailer`` (a refused email
    is written to the History page, never raised), and hands every student change to
    ``sevis`` before keeping it (a refused change is not kept: SevisRefusedChange).

    Served, its operations run through ``call_in_turn`` from several threads: one at a time
    on the portal's state, but never waiting on a peer in their turn. The mail an operation
    composes is sent after its turn (one conversation at a time, in the order composed),
    and a student change gives the turn away while SEVIS answers; a stalled peer so delays
    only the requests that need it.
    """

    def __init__(
        self,
        clock: Clock,
        mailer: Mailer,
        sevis: StudentChangeSink,
        settings: PortalSettings = PortalSettings(),  # noqa: B008 - frozen, shared safely
        *,
        options: ReferenceOptions = ReferenceOptions(),  # noqa: B008 - frozen, shared safely
    ) -> None:
        self.clock = clock
        self.mailer = mailer
        self.sevis = sevis
        self.settings = settings
        #: What the portal reads where the sources leave a choice open: its settings' readings,
        #: the one copy (its notice subjects and sender make the catalog).
        self.readings = settings.readings
        self.notices = settings.readings.notices(DEFAULT_CATALOG)
        self.options = options
        self.backend = PortalBackend()
        self._due_jobs_ran_at: datetime | None = None
        self._job_failures: set[tuple[str, str]] = set()  # (SEVIS ID, error), logged once
        self._mail_later: list[Callable[[], None]] | None = None  # see call_in_turn
        self._outbox: deque[Callable[[], None]] = deque()  # composed, not yet sent
        self._held_mail = False  # the outbox holds mail held for after an answer
        self._mail_pending: Counter[str] = Counter()  # SEVIS ID -> emails not yet sent
        self._changes_in_flight: set[str] = set()  # SEVIS IDs with a change at SEVIS now
        self.turns = Turns()
        self._sending = threading.Lock()  # one SMTP conversation at a time, in order

    def __repr__(self) -> str:
        return f"PortalService({len(self.backend.accounts)} accounts, clock={self.clock!r})"

    # --- serving ----------------------------------------------------------------------------

    def call_in_turn(
        self, operation: Callable[..., _T], *args: Any, send_mail: bool = True, **kwargs: Any
    ) -> _T:
        """Run one operation in its turn, then (unless ``send_mail`` is false: the caller
        answers first and calls ``send_mail`` after) send the mail it composed.

        An operation that composed none answers at once, whatever mail of others is on its
        way, with one exception: mail held for after an earlier answer (the password reset
        email) goes out before the next operation runs, so no later request overtakes it.
        """
        if self._held_mail:
            self.send_mail()
        composed: list[Callable[[], None]] = []
        try:
            with self.turns.turn():
                self._mail_later = composed
                try:
                    return operation(*args, **kwargs)
                finally:
                    self._outbox.extend(composed)
                    self._mail_later = None
                    self._held_mail = self._held_mail or (bool(composed) and not send_mail)
        finally:
            if send_mail and composed:
                self.send_mail()

    def send_mail(self) -> None:
        """Send every email composed so far and not yet sent, in order, outside any turn;
        an email composed before a reset is never sent."""
        with self._sending:
            while True:
                with self.turns.turn():
                    if not self._outbox:
                        self._held_mail = False
                        return
                    deliver = self._outbox.popleft()
                deliver()

    # --- SEVIS side -------------------------------------------------------------------------

    def deliver(self, transmission: Transmission) -> None:
        """Apply one SEVIS transmission, once per transmission id; a record the portal cannot
        apply is refused with TRANSMISSION_INVALID and changes nothing."""
        self._run_due_jobs()
        record = transmission.record
        problems = record.problems() + self._unrepresentable_dates(record)
        if problems:
            raise TransmissionRejected("; ".join(problems))
        if transmission.transmission_id in self.backend.applied_transmissions:
            return
        self.backend.due.forget(record.sevis_id)  # its OPT, lock or registration may change
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

    def _unrepresentable_dates(self, record: StudentRecord) -> list[str]:
        """Dates whose access window or reminders fall off the calendar: refused up front,
        so a poisoned record is never half stored and never breaks a later clock move."""
        return date_problems(record, self.settings)

    def _opt_approved(self, transmission: Transmission) -> Account | None:
        """USCIS approval and an SRC correction are the same to the portal (FAQ 7): create
        the account if there is none and send one creation email while unregistered."""
        record = transmission.record
        if not any(a.status is OptStatus.APPROVED for a in record.authorizations):
            raise TransmissionRejected("an OPT approval carries no approved authorization")
        now = self._now()
        account = self.backend.accounts.get(record.sevis_id)
        if account is None:
            account = new_account(record, now, self.readings)
            account.data_as_of = transmission.sent_at
            self.backend.accounts[account.sevis_id] = account
        else:
            self._apply(account, transmission)
        if not account.registered:
            self._send_account_creation(account)
        return account

    def _reset_portal_account(self, transmission: Transmission) -> Account | None:
        """The DSO's Reset Portal Account (or the SRC's, FAQ 3, 5, 7): before registration it
        re-sends the creation email, to the address SEVIS holds now; after, it locks the account
        against its old password and emails a link that sets a new one and unlocks."""
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
        # The old password stops working here: only the emailed link reopens the account.
        account.lock = LockReason.RESET
        account.failed_logins = 0
        self.backend.end_sessions_of(account.sevis_id)
        if account.access_closed(self.settings, now.date()):
            return account  # nothing to reset into: the link would only say "access closed"
        expires_at = now + timedelta(hours=self.readings.account_reset_hours)
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
        apply_snapshot(
            account, transmission.record, self._now(), self.readings, drop_stem=drop_stem
        )
        account.data_as_of = transmission.sent_at

    def _stale(self, account: Account, transmission: Transmission) -> bool:
        """A snapshot SEVIS sent before the portal's newest data (a delayed or reordered
        transmission) would undo newer changes; its data is not applied."""
        return (
            self.readings.stale_snapshots_ignored
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
        self.backend.due.forget(account.sevis_id)  # registered: an inactivity lock is due
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
        """Email and password; the session must attest before anything else.

        A guesser learns nothing: an unknown email costs one hash like a known one, and a
        locked or closed account gives every password the same answer (wrong guesses on a
        locked account are still counted and written to the History page).
        """
        self._run_due_jobs()
        now = self._now()
        account = self.backend.account_by_email(email)
        if account is None or account.password is None:
            dummy_hash(self.options.scrypt_cost).matches(password)
            raise PortalError(ErrorCode.INVALID_CREDENTIALS, "wrong email or password")
        right = account.password.matches(password)
        if account.access_closed(self.settings, now.date()):
            raise PortalError(ErrorCode.ACCESS_CLOSED, "your SEVP Portal access has closed")
        if account.lock is not None:
            if not right:
                account.failed_logins += 1
                account.remember(
                    now, HistoryCategory.EVENT, "Failed login while the account was locked"
                )
            raise PortalError(
                ErrorCode.ACCOUNT_LOCKED,
                f"the account is locked ({account.lock.value}); use the password reset button",
            )
        if not right:
            self._count_failed_login(account, now)
            raise PortalError(ErrorCode.INVALID_CREDENTIALS, "wrong email or password")
        account.failed_logins = 0
        account.last_activity = now
        return self.backend.start_session(account, now)

    def _count_failed_login(self, account: Account, now: datetime) -> None:
        account.failed_logins += 1
        allowed = self.settings.limits.failed_logins_before_lock
        if account.failed_logins < allowed:
            return
        account.lock = LockReason.FAILED_LOGINS
        self.backend.end_sessions_of(account.sevis_id)  # a lock ends every session
        account.remember(
            now, HistoryCategory.EVENT, f"Account locked after {allowed} failed logins"
        )
        if self.settings.send_lock_notice:
            self._send(account, NoticeId.ACCOUNT_LOCKED)

    def request_password_reset(self, email: str) -> None:
        """The home page's reset button (FAQ 3): a registered account, locked or not, gets a
        single-use link; any other address gets nothing and the caller learns nothing."""
        self.request_password_reset_from("", email)

    def request_password_reset_mail_after_answer(
        self, client: str, email: str
    ) -> Callable[[], None]:
        """``request_password_reset_from``, with the email composed but not sent: the caller
        answers first and then calls the result, so the answer costs the same whether or not
        the address has an account (no enumeration by timing)."""
        self.call_in_turn(self.request_password_reset_from, client, email, send_mail=False)
        return self.send_mail

    def request_password_reset_from(self, client: str, email: str) -> None:
        """``request_password_reset`` by a known ``client`` (the HTTP peer): limited per
        account (beyond the limit nothing is sent, and the answer is the same) and per
        client (beyond the limit ``RateLimited``, whatever the address)."""
        self._run_due_jobs()
        now = self._now()
        limits = SECURITY_LIMITS
        window = timedelta(minutes=limits.reset_request_window_minutes)
        if client and not self.backend.count_request(
            "client " + client, now, window, limits.reset_requests_per_client
        ):
            wait = self.backend.next_request_allowed("client " + client, now, window)
            raise RateLimited(
                f"more than {limits.reset_requests_per_client} password reset requests in "
                f"{limits.reset_request_window_minutes} minutes; try again later",
                math.ceil(wait.total_seconds()),
            )
        account = self.backend.account_by_email(email)
        if account is None or not account.registered:
            return
        if account.access_closed(self.settings, now.date()):
            return
        if not self.backend.count_request(
            "account " + account.sevis_id, now, window, limits.reset_requests_per_account
        ):
            return
        expires_at = now + timedelta(hours=self.readings.password_reset_link_hours)
        token = self.backend.issue_link(account, LinkPurpose.PASSWORD_RESET, now, expires_at)
        self._send(account, NoticeId.PASSWORD_RESET, token=token, valid_until=expires_at)

    def complete_password_reset(self, token: str, new_password: str) -> None:
        """Follow a password reset or account reset link: a new password (policy, not one of
        the last eight), the account unlocked, every session ended, the link spent."""
        self._run_due_jobs()
        now = self._now()
        link = self.backend.valid_link(token, _RESET_PURPOSES, now)
        account = self.backend.accounts[link.sevis_id]
        self.backend.due.forget(account.sevis_id)  # unlocked: an inactivity lock is due
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
        problems = self.settings.password_policy_in_force.problems(
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
        with self._changing(session, "contact change") as account:
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
        with self._changing(session, "employer added") as account:
            program = account.program
            check_employer_changes_allowed(program, self.readings)
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
                kind=HistoryKind.EMPLOYER_ADDED,
                employer_name=record.employer_name,
            )
            return employer_view(record)

    def edit_employer(self, session: str, employer_id: str, edit: EmployerEdit) -> EmployerView:
        with self._changing(session, "employer edited") as account:
            program = account.program
            employer = self._own_employer(account, employer_id)
            check_employer_changes_allowed(program, self.readings)
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
                    kind=HistoryKind.EMPLOYER_CHANGED,
                    employer_name=edited.employer_name,
                )
            return employer_view(edited)

    def delete_employer(
        self, session: str, employer_id: str, *, never_worked_confirmed: bool
    ) -> None:
        """Only after the student confirms never having worked there (FAQ 2); the DSO can
        restore it from SEVIS with its original id and data."""
        with self._changing(session, "employer deleted") as account:
            program = account.program
            employer = self._own_employer(account, employer_id)
            check_employer_changes_allowed(program, self.readings)
            check_employer_deletion(program, never_worked_confirmed)
            deleted = employer.with_status(EmploymentStatus.DELETED)
            self._tell_sevis(
                account,
                StudentChangeKind.EMPLOYER_DELETED,
                employer=deleted,
                what="employer deleted",
            )
            # pop: a DSO's sync may have removed it while SEVIS answered
            program.employers.pop(employer_id, None)
            account.remember(
                self._now(),
                HistoryCategory.CHANGE,
                f"Employer deleted in the portal (never worked there): {employer.employer_name}",
                FieldChange("employer", employer.employer_name, ""),
                kind=HistoryKind.EMPLOYER_DELETED,
                employer_name=employer.employer_name,
            )

    def history(self, session: str) -> list[HistoryEntry]:
        """Every change, email and record event, across every program record (FAQ 8).

        Shown once the student's emails composed so far are sent (each says whether it was
        delivered); a stalled mail server delays only this student's page, and at most by
        one conversation's deadline."""
        account = self._student(session)
        if self._mail_pending[account.sevis_id]:
            self.turns.wait_for(
                lambda: not self._mail_pending[account.sevis_id],
                SECURITY_LIMITS.peer_deadline_seconds,
            )
            account = self._student(session)
        return list(account.history)

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
        ended = session.expiry(
            now,
            _minutes(self.readings.session_idle_timeout_minutes),
            _minutes(self.readings.session_absolute_lifetime_minutes),
        )
        if ended:
            self.backend.end_session(session_id)
            raise PortalError(ErrorCode.SESSION_INVALID, f"{ended}; log in again")
        account = self.backend.accounts[session.sevis_id]
        if account.access_closed(self.settings, now.date()):
            raise PortalError(ErrorCode.ACCESS_CLOSED, "your SEVP Portal access has closed")
        if attested and not session.attested:
            raise PortalError(ErrorCode.ATTESTATION_REQUIRED, "confirm the attestation page first")
        session.last_seen = now
        return account

    @contextmanager
    def _changing(self, session: str, what: str) -> Iterator[Account]:
        """The student's account, for a change that goes to SEVIS. The call to SEVIS gives
        the turn away, so a second change to the same account waits for the first to be
        kept or refused rather than decide on what the first is about to change."""
        account = self._student(session)
        while account.sevis_id in self._changes_in_flight:
            if not self.turns.wait_for(
                functools.partial(self._no_change_in_flight, account.sevis_id),
                SECURITY_LIMITS.peer_deadline_seconds,
            ):
                raise SevisRefusedChange(what, "an earlier change is still with SEVIS")
            account = self._student(session)
        changes_in_flight = self._changes_in_flight
        changes_in_flight.add(account.sevis_id)
        try:
            yield account
        finally:
            changes_in_flight.discard(account.sevis_id)

    def _no_change_in_flight(self, sevis_id: str) -> bool:
        return sevis_id not in self._changes_in_flight

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
            with self.turns.aside():  # others run while SEVIS answers (_changing keeps order)
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
        # Written now, where it belongs on the page; corrected if the server refuses it.
        account.remember(now, HistoryCategory.EMAIL, f"Email sent: {notice.subject}")
        entry, backend = len(account.history) - 1, self.backend

        def deliver() -> None:
            if self.backend is not backend:
                return  # reset since: the email belongs to a portal that is gone
            try:
                self.mailer.send(message)
            except Exception:  # MailNotSent, or a mailer that breaks its protocol
                delivered = False
            else:
                delivered = True
            with self.turns.turn():
                if self.backend is not backend:
                    return  # reset since: the page belongs to a portal that is gone
                if not delivered:
                    account.history[entry] = replace(
                        account.history[entry], summary=f"Email not delivered: {notice.subject}"
                    )
                if deferred:
                    self._mail_pending[account.sevis_id] -= 1

        deferred = self._mail_later is not None
        if self._mail_later is not None:
            self._mail_pending[account.sevis_id] += 1
            self._mail_later.append(deliver)
        else:
            deliver()

    # --- time -----------------------------------------------------------------------------------

    def _now(self) -> datetime:
        return self.clock.now()

    def _today(self) -> date:
        return self._now().date()

    def _run_due_jobs(self) -> None:
        """Run what fell due since the last look: inactivity locks and closure notices. Every
        operation looks first, so a shared clock moved behind the portal's back still counts.
        Only accounts with something due by now are looked at (``backend.due``), in the
        accounts' order. Each
        account's jobs run on their own: one that fails is logged once, skipped (and looked
        at again next time: it stays unplanned), and never stops the others."""
        now = self._now()
        if self._due_jobs_ran_at == now:
            return
        self._due_jobs_ran_at = now
        today, due = now.date(), self.backend.due
        for account in list(self.backend.accounts.values()):
            if not due.needs_look(account.sevis_id, today):
                continue
            try:
                self._run_due_jobs_for(account, now)
                due.plan(account.sevis_id, next_due_day(account, self.settings))
            except Exception as error:
                failure = (account.sevis_id, type(error).__name__)
                if failure not in self._job_failures:
                    self._job_failures.add(failure)
                    log.exception("due jobs failed for one account; the others ran")

    def _run_due_jobs_for(self, account: Account, now: datetime) -> None:
        today = now.date()
        self._lock_if_inactive(account, now)
        notices = closure_notices(account, self.settings)
        if not notices:
            return
        (_, opt_end), _, (_, closes_on) = notices
        for notice_id, due in notices:
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
        locks_on = inactivity_lock_due(account, days)
        if locks_on is None or now.date() < locks_on:
            return
        account.lock = LockReason.INACTIVITY
        self.backend.end_sessions_of(account.sevis_id)
        account.remember(now, HistoryCategory.EVENT, f"Account locked: no login for {days} days")
        if self.readings.inactivity_lock_emailed:
            self._send(account, NoticeId.ACCOUNT_LOCKED)

    # --- control ----------------------------------------------------------------------------------

    def info(self) -> PortalInfo:
        return PortalInfo(
            "reference",
            CONTRACT_VERSION,
            clock_control=True,
            readings=self.readings,
        )

    def set_time(self, now: datetime) -> None:
        """Move a simulated clock forward to ``now`` (never back) and run what fell due."""
        moment = now if now.tzinfo is not None else now.replace(tzinfo=timezone.utc)
        if isinstance(self.clock, SimulatedClock) and self.clock.now() < moment:
            self.clock.set(moment)
        self._run_due_jobs()

    def reset(self) -> None:
        """Forget every account, link, session, transmission and unsent email: a clean
        portal (its turns stay: callers may be waiting for one)."""
        turns, sending = self.turns, self._sending
        self.__init__(  # type: ignore[misc]
            self.clock,
            self.mailer,
            self.sevis,
            self.settings,
            options=self.options,
        )
        self.turns, self._sending = turns, sending


def _minutes(minutes: int | None) -> timedelta | None:
    return None if minutes is None else timedelta(minutes=minutes)


def _link_deadline(valid_until: datetime | None) -> str:
    if valid_until is None:
        return ""
    return valid_until.strftime("%B %d, %Y %H:%M UTC")
