"""What a portal shows and accepts: the typed views, inputs and error codes of the
portal contract. The reference portal produces them, the drivers return them and the
steps read them, so an in-memory run and a run over HTTP look the same to a scenario.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date, datetime
from enum import Enum

from simulators.common.domain import OptStatus, OptType, TimeType
from simulators.common.readings import Readings
from simulators.common.records import UsAddress

#: The version of the portal contract (the OpenAPI document carries the same).
CONTRACT_VERSION = "1.2.0"


class ErrorCode(str, Enum):
    """Stable codes a client can act on; the HTTP status each maps to is in HTTP_STATUS."""

    VALIDATION_FAILED = "validation-failed"
    INVALID_CREDENTIALS = "invalid-credentials"
    ACCOUNT_LOCKED = "account-locked"
    ACCOUNT_NOT_REGISTERED = "account-not-registered"
    ACCESS_CLOSED = "access-closed"
    SESSION_INVALID = "session-invalid"
    ATTESTATION_REQUIRED = "attestation-required"
    TOKEN_INVALID = "token-invalid"
    TOKEN_EXPIRED = "token-expired"
    TOKEN_USED = "token-used"
    SEVIS_ID_MISMATCH = "sevis-id-mismatch"
    REGISTRATION_LOCKED = "registration-locked"
    PASSWORD_POLICY = "password-policy"
    PASSWORD_REUSED = "password-reused"
    CONFIRMATION_REQUIRED = "never-worked-confirmation-required"
    NOT_FOUND = "not-found"
    ACTION_NOT_ALLOWED = "action-not-allowed"
    DATES_OUTSIDE_AUTHORIZATION = "dates-outside-authorization"
    NO_AUTHORIZATION = "no-authorization"
    TRANSMISSION_INVALID = "transmission-invalid"


HTTP_STATUS: dict[ErrorCode, int] = {
    ErrorCode.VALIDATION_FAILED: 422,
    ErrorCode.INVALID_CREDENTIALS: 401,
    ErrorCode.ACCOUNT_LOCKED: 423,
    ErrorCode.ACCOUNT_NOT_REGISTERED: 403,
    ErrorCode.ACCESS_CLOSED: 403,
    ErrorCode.SESSION_INVALID: 401,
    ErrorCode.ATTESTATION_REQUIRED: 403,
    ErrorCode.TOKEN_INVALID: 404,
    ErrorCode.TOKEN_EXPIRED: 410,
    ErrorCode.TOKEN_USED: 410,
    ErrorCode.SEVIS_ID_MISMATCH: 422,
    ErrorCode.REGISTRATION_LOCKED: 423,
    ErrorCode.PASSWORD_POLICY: 422,
    ErrorCode.PASSWORD_REUSED: 422,
    ErrorCode.CONFIRMATION_REQUIRED: 422,
    ErrorCode.NOT_FOUND: 404,
    ErrorCode.ACTION_NOT_ALLOWED: 403,
    ErrorCode.DATES_OUTSIDE_AUTHORIZATION: 422,
    ErrorCode.NO_AUTHORIZATION: 409,
    ErrorCode.TRANSMISSION_INVALID: 422,
}


class PortalError(Exception):
    """A portal refused an operation; ``code`` says why in a way a client can act on."""

    def __init__(self, code: ErrorCode, detail: str = "") -> None:
        super().__init__(f"{code.value}: {detail}" if detail else code.value)
        self.code = code
        self.detail = detail

    @property
    def http_status(self) -> int:
        return HTTP_STATUS[self.code]


class HistoryCategory(str, Enum):
    CHANGE = "change"  # a field the student or SEVIS changed
    EMAIL = "email"  # an email the portal sent
    EVENT = "event"  # an event of the record: approval, transfer, completion, denial


class HistoryKind(str, Enum):
    """What an employer entry records, whatever its wording (contract 1.2, optional)."""

    EMPLOYER_ADDED = "employer-added"
    EMPLOYER_CHANGED = "employer-changed"
    EMPLOYER_DELETED = "employer-deleted"  # by the student, or removed in SEVIS


@dataclass(frozen=True)
class StudentProfile:
    sevis_id: str
    email: str
    given_name: str
    surname: str
    birth_date: date
    us_address: UsAddress
    phone: str
    mailing_address: UsAddress | None = None


@dataclass(frozen=True)
class AuthorizationView:
    authorization_id: str
    opt_type: OptType
    status: OptStatus
    start_date: date
    end_date: date


@dataclass(frozen=True)
class EmployerView:
    employer_id: str
    employer_name: str
    address: UsAddress
    start_date: date
    job_title: str
    time_type: TimeType = TimeType.FULL_TIME
    end_date: date | None = None
    ein: str = ""
    supervisor_first_name: str = ""
    supervisor_last_name: str = ""
    supervisor_email: str = ""
    supervisor_phone: str = ""
    opt_type: OptType = OptType.POST_COMPLETION


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    category: HistoryCategory
    summary: str
    field: str = ""
    old_value: str = ""
    new_value: str = ""
    kind: HistoryKind | None = None  # contract 1.2: employer entries
    employer_name: str = ""  # contract 1.2: the employer an employer entry names


@dataclass(frozen=True)
class UnemploymentView:
    days_used: int
    days_allowed: int
    as_of: date

    @property
    def days_left(self) -> int:
        return max(0, self.days_allowed - self.days_used)


@dataclass(frozen=True)
class EmployerInput:
    """What a student enters to add an employer."""

    employer_name: str
    address: UsAddress
    start_date: date
    job_title: str
    time_type: TimeType = TimeType.FULL_TIME
    end_date: date | None = None
    ein: str = ""
    supervisor_first_name: str = ""
    supervisor_last_name: str = ""
    supervisor_email: str = ""
    supervisor_phone: str = ""


#: The fields a student enters on an employer; the record SEVIS keeps and the view the
#: portal shows carry the same names, with the portal's id and the OPT type beside them.
EMPLOYER_ENTRY_FIELDS = tuple(f.name for f in fields(EmployerInput))


def entered_employer_fields(employer: object) -> dict[str, object]:
    """The entered fields of an employer, read from its input, record or view."""
    return {name: getattr(employer, name) for name in EMPLOYER_ENTRY_FIELDS}


@dataclass(frozen=True)
class EmployerEdit:
    """Fields a student changes on an existing employer; None means unchanged.
    STEM OPT students may change only supervisor, job title and end date (docs/domain.md)."""

    employer_name: str | None = None
    address: UsAddress | None = None
    start_date: date | None = None
    end_date: date | None = None
    job_title: str | None = None
    supervisor_first_name: str | None = None
    supervisor_last_name: str | None = None
    supervisor_email: str | None = None
    supervisor_phone: str | None = None

    def changed_fields(self) -> dict[str, object]:
        return {name: value for name, value in vars(self).items() if value is not None}


@dataclass(frozen=True)
class ContactUpdate:
    """Fields a student changes in the profile; None means unchanged."""

    us_address: UsAddress | None = None
    mailing_address: UsAddress | None = None
    phone: str | None = None


@dataclass(frozen=True)
class PortalInfo:
    implementation: str
    contract_version: str
    clock_control: bool
    capabilities: frozenset[str] = field(default_factory=frozenset)
    #: What the portal reads where the sources leave a choice open (contract 1.2); None: it
    #: declares nothing, and the reference's readings apply.
    readings: Readings | None = None
