"""State and rules of the reference portal: accounts, links, sessions, each student's data per
program of study, the History page. No I/O here: the service sends the mail and calls SEVIS."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime, time, timedelta, timezone
from enum import Enum

from simulators.common.clock import add_months
from simulators.common.contract import (
    AuthorizationView,
    EmployerEdit,
    EmployerInput,
    EmployerView,
    ErrorCode,
    HistoryCategory,
    HistoryEntry,
    PortalError,
    StudentProfile,
    UnemploymentView,
)
from simulators.common.domain import (
    PHONE_PATTERN,
    EarlyCompletionReading,
    EducationLevel,
    EmploymentStatus,
    OptStatus,
    OptType,
    PortalSettings,
    ProgramStatus,
)
from simulators.common.records import (
    AuthorizationRecord,
    EmploymentRecord,
    FieldChange,
    StudentRecord,
    UsAddress,
)
from simulators.portal.options import ReferenceOptions, ScryptCost

# --- secrets ------------------------------------------------------------------------------


def new_secret() -> str:
    """A link token or session id: 256 bits from the OS, URL-safe."""
    return secrets.token_urlsafe(32)


def secret_digest(secret: str) -> str:
    """What the portal keeps of a token or session id: a dump of the state opens nothing."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def new_employer_id() -> str:
    return "E" + secrets.token_hex(8).upper()


@dataclass(frozen=True)
class PasswordHash:
    """A password as the portal keeps it: scrypt with a random salt, never the password."""

    salt: bytes = field(repr=False)
    key: bytes = field(repr=False)
    cost: ScryptCost

    @classmethod
    def of(cls, password: str, cost: ScryptCost) -> PasswordHash:
        salt = secrets.token_bytes(cost.salt_bytes)
        return cls(salt, _scrypt(password, salt, cost), cost)

    def matches(self, password: str) -> bool:
        return hmac.compare_digest(self.key, _scrypt(password, self.salt, self.cost))

    def __repr__(self) -> str:
        return f"PasswordHash(scrypt n={self.cost.n} r={self.cost.r} p={self.cost.p})"


def _scrypt(password: str, salt: bytes, cost: ScryptCost) -> bytes:
    return hashlib.scrypt(
        password.encode("utf-8"),
        salt=salt,
        n=cost.n,
        r=cost.r,
        p=cost.p,
        maxmem=cost.max_memory,
        dklen=cost.key_bytes,
    )


# --- links and sessions -------------------------------------------------------------------


class LinkPurpose(str, Enum):
    REGISTRATION = "registration"  # the account creation email
    PASSWORD_RESET = "password-reset"  # the student's reset button (FAQ 3)
    ACCOUNT_RESET = "account-reset"  # the DSO's Reset Portal Account (FAQ 3, 7)


class LinkState(str, Enum):
    LIVE = "live"
    USED = "used"
    SUPERSEDED = "superseded"  # a newer link of the same purpose replaced it


@dataclass
class LinkToken:
    """A single-use emailed link. Only the token's digest is kept."""

    digest: str = field(repr=False)
    purpose: LinkPurpose
    sevis_id: str
    issued_at: datetime
    expires_at: datetime  # the first moment the link no longer works
    state: LinkState = LinkState.LIVE

    def check(self, now: datetime) -> None:
        """Refuse a link that was replaced, used or expired, in that order of precedence."""
        if self.state is LinkState.SUPERSEDED:
            raise PortalError(ErrorCode.TOKEN_INVALID, "this link was replaced by a newer one")
        if self.state is LinkState.USED:
            raise PortalError(ErrorCode.TOKEN_USED, "this link was already used")
        if now >= self.expires_at:
            raise PortalError(
                ErrorCode.TOKEN_EXPIRED, f"this link expired at {self.expires_at.isoformat()}"
            )


def registration_link_expiry(issued_at: datetime, link_days: int) -> datetime:
    """The send day counts as day 1: a link sent any time on day D works through the end of
    day D + link_days - 1 (UTC) and stops at the start of day D + link_days."""
    last_day = issued_at.date() + timedelta(days=link_days)
    return datetime.combine(last_day, time(0), tzinfo=timezone.utc)


@dataclass
class Session:
    """A logged-in browser. Only the session id's digest is kept."""

    digest: str = field(repr=False)
    sevis_id: str
    started_at: datetime
    last_seen: datetime
    attested: bool = False


# --- the student's data -------------------------------------------------------------------


class LockReason(str, Enum):
    FAILED_LOGINS = "failed logins"
    INACTIVITY = "no login for 90 days"


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
    ) -> None:
        """Add a History page entry. Callers pass summaries and values, never secrets."""
        if change is None:
            self.history.append(HistoryEntry(at, category, summary))
        else:
            self.history.append(
                HistoryEntry(
                    at, category, summary, change.field, change.old_value, change.new_value
                )
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


# --- rules on the student's data ----------------------------------------------------------

#: What a STEM OPT student may change on an employer (DOMAIN.md, official).
STEM_EDITABLE_FIELDS = frozenset(
    {
        "supervisor_first_name",
        "supervisor_last_name",
        "supervisor_email",
        "supervisor_phone",
        "job_title",
        "end_date",
    }
)

_EMPLOYER_FIELDS_SHOWN = tuple(
    f.name for f in fields(EmploymentRecord) if f.name not in {"employment_id", "status"}
)


def describe(value: object) -> str:
    """A field value as the History page shows it."""
    if value is None:
        return ""
    if isinstance(value, UsAddress):
        parts = [value.street, value.other, value.city, f"{value.state} {value.zip_code}"]
        return ", ".join(p for p in parts if p)
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def describe_authorization(auth: AuthorizationRecord) -> str:
    return f"{auth.opt_type.label} {auth.start_date.isoformat()} to {auth.end_date.isoformat()}"


def profile_from(record: StudentRecord) -> StudentProfile:
    return StudentProfile(
        sevis_id=record.sevis_id,
        email=record.email,
        given_name=record.given_name,
        surname=record.surname,
        birth_date=record.birth_date,
        us_address=record.us_address,
        phone=record.phone,
        mailing_address=record.mailing_address,
    )


def shown_authorizations(
    record: StudentRecord, options: ReferenceOptions, *, drop_stem: bool = False
) -> dict[str, AuthorizationRecord]:
    """The authorizations of a SEVIS snapshot the portal keeps."""
    statuses = {OptStatus.APPROVED}
    if options.show_pending_authorizations:
        statuses |= {OptStatus.REQUESTED, OptStatus.PENDING}
    return {
        a.authorization_id: a
        for a in record.authorizations
        if a.status in statuses and not (drop_stem and a.opt_type is OptType.STEM)
    }


def shown_employers(
    record: StudentRecord, *, drop_stem: bool = False
) -> dict[str, EmploymentRecord]:
    """Employers of a SEVIS snapshot the portal shows: deleted ones stay hidden until a DSO
    restores them, and then they come back with their original id and data (FAQ 2)."""
    return {
        e.employment_id: e
        for e in record.employers
        if e.status is EmploymentStatus.ACTIVE and not (drop_stem and e.opt_type is OptType.STEM)
    }


def field_changes(old: object, new: object, names: Iterable[str]) -> list[FieldChange]:
    changes = []
    for name in names:
        before, after = getattr(old, name), getattr(new, name)
        if before != after:
            changes.append(FieldChange(name, describe(before), describe(after)))
    return changes


def apply_snapshot(
    account: Account,
    record: StudentRecord,
    at: datetime,
    options: ReferenceOptions,
    *,
    drop_stem: bool = False,
) -> None:
    """Make the account hold what SEVIS holds, writing each difference to the History page.
    A new program id starts a new program record; the old one stays but is no longer shown."""
    profile = profile_from(record)
    for change in field_changes(account.profile, profile, _PROFILE_FIELDS):
        account.remember(at, HistoryCategory.CHANGE, f"Changed in SEVIS: {change.field}", change)
    account.profile = profile

    if record.program_id != account.program.program_id:
        previous = account.program
        if previous.ended_on is None:
            previous.ended_on = at.date()
        account.programs.append(ProgramData(record.program_id, record.education_level))
        account.remember(
            at,
            HistoryCategory.EVENT,
            f"New program of study record {record.program_id} ({record.education_level.value}): "
            f"the OPT and employers of program {previous.program_id} are no longer shown",
        )
    _sync_program(account, record, at, options, drop_stem=drop_stem)


_PROFILE_FIELDS = (
    "email",
    "given_name",
    "surname",
    "birth_date",
    "us_address",
    "mailing_address",
    "phone",
)


def _sync_program(
    account: Account,
    record: StudentRecord,
    at: datetime,
    options: ReferenceOptions,
    *,
    drop_stem: bool,
) -> None:
    program = account.program
    program.education_level = record.education_level
    program.status = record.program_status
    if record.completed_on != program.completed_on:
        if record.completed_on is not None:
            account.remember(
                at,
                HistoryCategory.EVENT,
                f"Program record completed by your DSO on {record.completed_on.isoformat()}",
            )
        program.completed_on = record.completed_on

    authorizations = shown_authorizations(record, options, drop_stem=drop_stem)
    for auth_id, auth in authorizations.items():
        old = program.authorizations.get(auth_id)
        if old is None:
            verb = "OPT approved" if auth.status is OptStatus.APPROVED else "OPT request"
            account.remember(at, HistoryCategory.EVENT, f"{verb}: {describe_authorization(auth)}")
        else:
            for change in field_changes(old, auth, ("status", "start_date", "end_date")):
                account.remember(
                    at,
                    HistoryCategory.EVENT,
                    f"OPT authorization updated: {auth.opt_type.label}",
                    change,
                )
    for auth_id, auth in program.authorizations.items():
        if auth_id not in authorizations:
            account.remember(
                at,
                HistoryCategory.EVENT,
                f"OPT authorization removed: {describe_authorization(auth)}",
            )
    program.authorizations = authorizations

    employers = shown_employers(record, drop_stem=drop_stem)
    for employer_id, employer in employers.items():
        old_employer = program.employers.get(employer_id)
        if old_employer is None:
            account.remember(
                at,
                HistoryCategory.CHANGE,
                f"Employer added in SEVIS: {employer.employer_name}",
                FieldChange("employer", "", employer.employer_name),
            )
            continue
        for change in field_changes(old_employer, employer, _EMPLOYER_FIELDS_SHOWN):
            account.remember(
                at,
                HistoryCategory.CHANGE,
                f"Employer changed in SEVIS: {employer.employer_name}",
                change,
            )
    for employer_id, employer in program.employers.items():
        if employer_id not in employers:
            account.remember(
                at,
                HistoryCategory.CHANGE,
                f"Employer removed in SEVIS: {employer.employer_name}",
                FieldChange("employer", employer.employer_name, ""),
            )
    program.employers = employers


def remove_stem_opt(account: Account, at: datetime) -> None:
    """Take every STEM authorization and STEM employer out of the current program."""
    program = account.program
    for auth_id, auth in list(program.authorizations.items()):
        if auth.opt_type is OptType.STEM:
            del program.authorizations[auth_id]
            account.remember(
                at,
                HistoryCategory.EVENT,
                f"OPT authorization removed: {describe_authorization(auth)}",
            )
    for employer_id, employer in list(program.employers.items()):
        if employer.opt_type is OptType.STEM:
            del program.employers[employer_id]
            account.remember(
                at,
                HistoryCategory.CHANGE,
                f"Employer removed with the STEM OPT: {employer.employer_name}",
                FieldChange("employer", employer.employer_name, ""),
            )


def new_account(record: StudentRecord, at: datetime, options: ReferenceOptions) -> Account:
    """The account an approval creates: waiting for registration, holding the snapshot."""
    account = Account(
        sevis_id=record.sevis_id,
        profile=profile_from(record),
        programs=[ProgramData(record.program_id, record.education_level)],
        created_at=at,
        data_as_of=at,
    )
    account.remember(at, HistoryCategory.EVENT, "Portal account created from SEVIS (OPT approved)")
    _sync_program(account, record, at, options, drop_stem=False)
    return account


def contact_changes(profile: StudentProfile, update_fields: dict[str, object]) -> list[FieldChange]:
    """Validate a contact update the way SEVIS would; nothing is saved if anything fails."""
    problems: list[str] = []
    for name in ("us_address", "mailing_address"):
        address = update_fields.get(name)
        if isinstance(address, UsAddress):
            problems.extend(f"{name.replace('_', ' ')}: {p}" for p in address.problems())
    phone = update_fields.get("phone")
    if isinstance(phone, str) and not PHONE_PATTERN.match(phone):
        problems.append("phone is not a phone number")
    if problems:
        raise PortalError(ErrorCode.VALIDATION_FAILED, "; ".join(problems))
    updated = replace(profile, **update_fields)  # type: ignore[arg-type]
    return field_changes(profile, updated, update_fields.keys())


def check_employer_changes_allowed(program: ProgramData, options: ReferenceOptions) -> None:
    """Refuse employer changes on a record a DSO completed (option) or with no approved OPT."""
    if options.completed_record_read_only and program.completed_on is not None:
        raise PortalError(
            ErrorCode.ACTION_NOT_ALLOWED,
            "your program record was completed: the portal shows your information read-only",
        )
    if not program.approved():
        raise PortalError(
            ErrorCode.NO_AUTHORIZATION, "there is no approved OPT authorization on your record"
        )


def employer_to_add(
    program: ProgramData, employer: EmployerInput, employer_id: str
) -> EmploymentRecord:
    """The employer a post-completion OPT student adds, checked; STEM OPT students get no
    Add Employer (the DSO enters it from Form I-983)."""
    if program.on_stem():
        raise PortalError(
            ErrorCode.ACTION_NOT_ALLOWED,
            "STEM OPT employers are entered by your DSO from Form I-983",
        )
    record = EmploymentRecord(
        employment_id=employer_id,
        employer_name=employer.employer_name,
        address=employer.address,
        start_date=employer.start_date,
        job_title=employer.job_title,
        time_type=employer.time_type,
        end_date=employer.end_date,
        ein=employer.ein,
        supervisor_first_name=employer.supervisor_first_name,
        supervisor_last_name=employer.supervisor_last_name,
        supervisor_email=employer.supervisor_email,
        supervisor_phone=employer.supervisor_phone,
    )
    _refuse_problems(record)
    covering = _covering_or_refuse(program, record)
    return replace(record, opt_type=covering.opt_type)


def employer_after_edit(
    program: ProgramData, employer: EmploymentRecord, edit: EmployerEdit
) -> tuple[EmploymentRecord, list[FieldChange]]:
    """The employer after a student's edit, and what changed; STEM OPT students may change
    only supervisor, job title and end date."""
    wanted = {
        name: value
        for name, value in edit.changed_fields().items()
        if getattr(employer, name) != value
    }
    if program.on_stem():
        refused = sorted(set(wanted) - STEM_EDITABLE_FIELDS)
        if refused:
            raise PortalError(
                ErrorCode.ACTION_NOT_ALLOWED,
                "on STEM OPT you may change only supervisor, job title and end date; "
                f"not: {', '.join(refused)}",
            )
    edited = replace(employer, **wanted)  # type: ignore[arg-type]
    if not wanted:
        return edited, []
    _refuse_problems(edited)
    if "start_date" in wanted or "end_date" in wanted:
        _covering_or_refuse(program, edited)
    return edited, field_changes(employer, edited, wanted.keys())


def check_employer_deletion(program: ProgramData, never_worked_confirmed: bool) -> None:
    if program.on_stem():
        raise PortalError(
            ErrorCode.ACTION_NOT_ALLOWED,
            "on STEM OPT your DSO changes employers; ask your DSO",
        )
    if not never_worked_confirmed:
        raise PortalError(
            ErrorCode.CONFIRMATION_REQUIRED,
            "confirm that you never worked for this employer before deleting it",
        )


def _refuse_problems(record: EmploymentRecord) -> None:
    problems = record.problems()
    if problems:
        raise PortalError(ErrorCode.VALIDATION_FAILED, "; ".join(problems))


def _covering_or_refuse(program: ProgramData, record: EmploymentRecord) -> AuthorizationRecord:
    covering = program.covering_authorization(record.start_date, record.end_date)
    if covering is None:
        spans = ", ".join(describe_authorization(a) for a in program.approved())
        raise PortalError(
            ErrorCode.DATES_OUTSIDE_AUTHORIZATION,
            f"employment dates must lie inside an approved OPT authorization ({spans})",
        )
    return covering


def unemployment(program: ProgramData, today: date, settings: PortalSettings) -> UnemploymentView:
    """Days of approved OPT, from the actual OPT start through today (and no later than the
    OPT end), that no employer covers; 90 allowed, 150 cumulative once STEM is approved."""
    approved = program.approved()
    limits = settings.limits
    allowed = (
        limits.unemployment_days_with_stem
        if any(a.opt_type is OptType.STEM for a in approved)
        else limits.unemployment_days_post_completion
    )
    if not approved:
        return UnemploymentView(0, allowed, today)
    last = min(today, max(a.end_date for a in approved))
    if program.completed_on is not None:
        last = min(last, program.completed_on)
    day, used = approved[0].start_date, 0
    employers = list(program.employers.values())
    while day <= last:
        authorized = any(a.start_date <= day <= a.end_date for a in approved)
        employed = any(
            e.start_date <= day and (e.end_date is None or day <= e.end_date) for e in employers
        )
        if authorized and not employed:
            used += 1
        day += timedelta(days=1)
    return UnemploymentView(used, allowed, today)


# --- views ----------------------------------------------------------------------------------


def authorization_view(auth: AuthorizationRecord) -> AuthorizationView:
    return AuthorizationView(
        auth.authorization_id, auth.opt_type, auth.status, auth.start_date, auth.end_date
    )


def employer_view(employer: EmploymentRecord) -> EmployerView:
    return EmployerView(
        employer_id=employer.employment_id,
        employer_name=employer.employer_name,
        address=employer.address,
        start_date=employer.start_date,
        job_title=employer.job_title,
        time_type=employer.time_type,
        end_date=employer.end_date,
        ein=employer.ein,
        supervisor_first_name=employer.supervisor_first_name,
        supervisor_last_name=employer.supervisor_last_name,
        supervisor_email=employer.supervisor_email,
        supervisor_phone=employer.supervisor_phone,
        opt_type=employer.opt_type,
    )


# --- the backend ----------------------------------------------------------------------------


@dataclass
class PortalBackend:
    """Everything the reference portal remembers, in one place, so reset() is one line."""

    accounts: dict[str, Account] = field(default_factory=dict)
    links: dict[str, LinkToken] = field(default_factory=dict, repr=False)
    sessions: dict[str, Session] = field(default_factory=dict, repr=False)
    applied_transmissions: set[str] = field(default_factory=set)

    def account_by_email(self, email: str) -> Account | None:
        """The username is the email address; case does not matter in an address."""
        wanted = email.strip().casefold()
        return next((a for a in self.accounts.values() if a.email.casefold() == wanted), None)

    def email_taken_by_other(self, email: str, sevis_id: str) -> bool:
        other = self.account_by_email(email)
        return other is not None and other.sevis_id != sevis_id

    def issue_link(
        self, account: Account, purpose: LinkPurpose, now: datetime, expires_at: datetime
    ) -> str:
        """A fresh single-use link; earlier live links of the same purpose stop working."""
        self.supersede_links(account.sevis_id, purpose)
        token = new_secret()
        self.links[secret_digest(token)] = LinkToken(
            secret_digest(token), purpose, account.sevis_id, now, expires_at
        )
        return token

    def supersede_links(self, sevis_id: str, purpose: LinkPurpose) -> None:
        for link in self.links.values():
            live = link.state is LinkState.LIVE
            if live and link.sevis_id == sevis_id and link.purpose is purpose:
                link.state = LinkState.SUPERSEDED

    def valid_link(self, token: str, purposes: set[LinkPurpose], now: datetime) -> LinkToken:
        link = self.links.get(secret_digest(token)) if token else None
        if link is None or link.purpose not in purposes:
            raise PortalError(ErrorCode.TOKEN_INVALID, "this link is not known to the portal")
        link.check(now)
        return link

    def start_session(self, account: Account, now: datetime) -> str:
        session_id = new_secret()
        digest = secret_digest(session_id)
        self.sessions[digest] = Session(digest, account.sevis_id, now, now)
        return session_id

    def session(self, session_id: str) -> Session | None:
        return self.sessions.get(secret_digest(session_id)) if session_id else None

    def end_session(self, session_id: str) -> None:
        self.sessions.pop(secret_digest(session_id), None)

    def end_sessions_of(self, sevis_id: str) -> int:
        ended = [d for d, s in self.sessions.items() if s.sevis_id == sevis_id]
        for digest in ended:
            del self.sessions[digest]
        return len(ended)

    def employer_id_in_use(self, employer_id: str) -> bool:
        return any(
            employer_id in program.employers
            for account in self.accounts.values()
            for program in account.programs
        )
