"""One student's account and program records, and the due jobs their dates bring (the
inactivity lock, the closure notices) with the schedule of when each account is next due."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import Enum

from simulators.common.clock import add_months
from simulators.common.contract import HistoryCategory, HistoryEntry, HistoryKind, StudentProfile
from simulators.common.domain import (
    EarlyCompletionReading,
    EducationLevel,
    OptStatus,
    OptType,
    PortalSettings,
    ProgramStatus,
)
from simulators.common.notices import NoticeId
from simulators.common.records import AuthorizationRecord, EmploymentRecord, FieldChange
from simulators.portal.models._credentials import PasswordHash
from simulators.portal.options import ScryptCost

# --- the student's data -------------------------------------------------------------------


class LockReason(str, Enum):
    FAILED_LOGINS = "failed logins"
    INACTIVITY = "no login for 90 days"
    #: The DSO's (or the SRC's) Reset Portal Account: the old password no longer opens the
    #: account; only the emailed link does.
    RESET = "reset by your DSO: use the link in the account reset email"


@dataclass
class ProgramData:
    """What the portal holds of one program of study record. Only the latest program is
    shown; earlier ones stay for the History page and the access window (FAQ 8)."""

    program_id: str
    education_level: EducationLevel
    status: ProgramStatus = ProgramStatus.ACTIVE
    completed_on: date | None = None
    ended_on: date | None = None  # replaced by a new record (transfer, level change)
    authorizations: dict[str, AuthorizationRecord] = field(default_factory=dict)
    employers: dict[str, EmploymentRecord] = field(default_factory=dict)

    def approved(self) -> list[AuthorizationRecord]:
        """Approved authorizations, earliest first: the only ones the rules read."""
        return sorted(
            (a for a in self.authorizations.values() if a.status is OptStatus.APPROVED),
            key=lambda a: (a.start_date, a.end_date),
        )

    def latest_approved(self) -> AuthorizationRecord | None:
        approved = self.approved()
        return approved[-1] if approved else None

    def on_stem(self) -> bool:
        """A student is on STEM OPT when the latest approved authorization is STEM; a STEM
        request still pending leaves them on post-completion OPT (FAQ 6)."""
        latest = self.latest_approved()
        return latest is not None and latest.opt_type is OptType.STEM

    def opt_end(self, reading: EarlyCompletionReading) -> date | None:
        """The OPT end date the access window counts from. A record completed early, or
        ended by a new program record, counts from that date only under COMPLETION_DATE."""
        approved = self.approved()
        if not approved:
            return None
        end = max(a.end_date for a in approved)
        if reading is EarlyCompletionReading.COMPLETION_DATE:
            for stopped in (self.completed_on, self.ended_on):
                if stopped is not None:
                    end = min(end, stopped)
        return end

    def covering_authorization(self, start: date, end: date | None) -> AuthorizationRecord | None:
        return next((a for a in self.approved() if a.covers(start, end)), None)


def access_closes_after(opt_end: date, settings: PortalSettings) -> date:
    """The first day without access for an OPT that ended on ``opt_end`` (FAQ 8)."""
    return add_months(opt_end, settings.limits.access_after_opt_end_months)


@dataclass
class Account:
    """One student's portal account, from the first approval on. Secrets stay out of repr."""

    sevis_id: str
    profile: StudentProfile
    programs: list[ProgramData]
    created_at: datetime
    registered_at: datetime | None = None
    password: PasswordHash | None = field(default=None, repr=False)
    previous_passwords: list[PasswordHash] = field(default_factory=list, repr=False)
    failed_logins: int = 0
    lock: LockReason | None = None
    wrong_sevis_id_entries: int = 0
    registration_locked: bool = False
    last_activity: datetime | None = None  # registration or the last successful login
    data_as_of: datetime | None = None  # newest SEVIS snapshot or student change applied
    notices_sent: set[tuple[str, date]] = field(default_factory=set)
    history: list[HistoryEntry] = field(default_factory=list, repr=False)

    @property
    def email(self) -> str:
        return self.profile.email

    @property
    def full_name(self) -> str:
        return f"{self.profile.given_name} {self.profile.surname}".strip()

    @property
    def registered(self) -> bool:
        return self.registered_at is not None

    @property
    def program(self) -> ProgramData:
        """The current program of study record: the only one the student sees."""
        return self.programs[-1]

    def opt_end(self, reading: EarlyCompletionReading) -> date | None:
        """The latest OPT end date over every program the account ever held."""
        ends = [e for e in (p.opt_end(reading) for p in self.programs) if e is not None]
        return max(ends) if ends else None

    def access_closes_on(self, settings: PortalSettings) -> date | None:
        """The first day without access: six calendar months after the OPT end date."""
        end = self.opt_end(settings.early_completion_reading)
        return None if end is None else access_closes_after(end, settings)

    def access_closed(self, settings: PortalSettings, today: date) -> bool:
        closes_on = self.access_closes_on(settings)
        return closes_on is not None and today >= closes_on

    def latest_opt_type(self) -> OptType:
        """The OPT type an email names: the latest approved one, in this program or before."""
        for program in reversed(self.programs):
            latest = program.latest_approved()
            if latest is not None:
                return latest.opt_type
        return OptType.POST_COMPLETION

    def remember(
        self,
        at: datetime,
        category: HistoryCategory,
        summary: str,
        change: FieldChange | None = None,
        *,
        kind: HistoryKind | None = None,
        employer_name: str = "",
    ) -> None:
        """Add a History page entry. Callers pass summaries and values, never secrets; an
        employer entry also says what it records and whom (contract 1.2)."""
        field, old, new = (
            (change.field, change.old_value, change.new_value) if change else ("",) * 3
        )
        self.history.append(
            HistoryEntry(at, category, summary, field, old, new, kind, employer_name)
        )

    def set_password(self, password: str, cost: ScryptCost, history_size: int) -> None:
        self.password = PasswordHash.of(password, cost)
        self.previous_passwords = [self.password, *self.previous_passwords][:history_size]

    def used_recently(self, password: str) -> bool:
        """True when ``password`` is one of the last passwords (the current one included)."""
        return any(old.matches(password) for old in self.previous_passwords)

    def unlock(self, at: datetime) -> None:
        """Lift any lock. Activity restarts now, or an inactivity lock would fall again at once."""
        self.lock = None
        self.failed_logins = 0
        self.last_activity = at


# --- due jobs -------------------------------------------------------------------------------


def inactivity_lock_due(account: Account, days: int) -> date | None:
    """The day a registered, unlocked account locks for want of a login, if none comes."""
    last = account.last_activity
    if not account.registered or account.lock is not None or last is None:
        return None
    try:
        return last.date() + timedelta(days=days)
    except OverflowError:
        return None  # past the calendar's end: that day never comes


def closure_notices(account: Account, settings: PortalSettings) -> list[tuple[NoticeId, date]]:
    """The closure notices of the account's OPT end date and the day each is due, in the
    order they are sent (FAQ 8); sent or not."""
    opt_end = account.opt_end(settings.early_completion_reading)
    if opt_end is None:
        return []
    closes_on = access_closes_after(opt_end, settings)
    warning = closes_on - timedelta(days=settings.limits.closure_warning_days)
    return [
        (NoticeId.OPT_ENDED, opt_end),
        (NoticeId.ACCESS_CLOSING, warning),
        (NoticeId.ACCESS_CLOSED, closes_on),
    ]


def next_due_day(account: Account, settings: PortalSettings) -> date | None:
    """The first day a due job of the account can fall (None: none will, until its facts
    change): the inactivity lock or a closure notice not sent yet."""
    days = [
        due
        for notice_id, due in closure_notices(account, settings)
        if (notice_id.value, due) not in account.notices_sent
    ]
    lock = inactivity_lock_due(account, settings.limits.inactivity_lock_days)
    if lock is not None:
        days.append(lock)
    return min(days, default=None)


@dataclass
class DueSchedule:
    """When each account (SEVIS ID) next has something due, so a clock move looks only at
    the accounts due by then. A plan may be early (the look finds nothing and plans again)
    but never late: an operation that can bring a due day forward (an approval or any
    transmission, registration, an unlock) forgets the account's plan, and an account not
    planned is looked at on the next move."""

    next_due: dict[str, date | None] = field(default_factory=dict)

    def needs_look(self, sevis_id: str, today: date) -> bool:
        if sevis_id not in self.next_due:
            return True
        due = self.next_due[sevis_id]
        return due is not None and today >= due

    def plan(self, sevis_id: str, due: date | None) -> None:
        self.next_due[sevis_id] = due

    def forget(self, sevis_id: str) -> None:
        self.next_due.pop(sevis_id, None)
