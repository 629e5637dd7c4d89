"""The domain vocabulary, one source of truth: status names, actors, limits and settings.

Every number the FAQ or the official help pages state (3 failed logins, 14 days,
six months, 90 / 150 days) lives here and is imported wherever it is needed.
Facts docs/domain.md marks as unverified are settings with a default, never constants.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from simulators.common.readings import Readings


class OptType(str, Enum):
    POST_COMPLETION = "post-completion"
    STEM = "stem"

    @property
    def label(self) -> str:
        """The name the portal's emails and pages use (official)."""
        return {OptType.POST_COMPLETION: "Post completion OPT", OptType.STEM: "STEM OPT"}[self]


class OptStatus(str, Enum):
    """An OPT request's status in SEVIS (USCIS decides; the SRC may correct)."""

    REQUESTED = "Requested"
    PENDING = "Pending"
    APPROVED = "Approved"
    DENIED = "Denied"
    WITHDRAWN = "Withdrawn"
    DELETED = "Deleted"  # a denied STEM OPT is deleted (FAQ 8)


class ProgramStatus(str, Enum):
    """A program of study record's status in SEVIS."""

    ACTIVE = "Active"
    COMPLETED = "Completed"  # completed by a DSO, e.g. OPT stopped early (FAQ 8)
    ENDED = "Ended"  # replaced by a new record after a transfer or level change (FAQ 8)


class EducationLevel(str, Enum):
    ASSOCIATE = "Associate"
    BACHELORS = "Bachelor's"
    MASTERS = "Master's"
    DOCTORATE = "Doctorate"


class PerformedBy(str, Enum):
    """Who an event in the SEVIS event history is attributed to (besides a DSO's name)."""

    DHS_OFFICIAL = "DHS Official"
    SYSTEM_INTERFACE = "System Interface"
    USCIS = "USCIS"
    SRC = "SEVP Response Center"


class EmploymentStatus(str, Enum):
    ACTIVE = "Active"
    DELETED = "Deleted"  # deleted by the student; a DSO can retrieve and restore it


class TimeType(str, Enum):
    FULL_TIME = "Full time"
    PART_TIME = "Part time"


#: The SEVP Response Center's address (FAQ 4, 5, 7, 9).
SRC_EMAIL = "SEVP@ice.dhs.gov"

# ASCII digits ([0-9]: \d takes any Unicode digit) and no anchors: use these with
# ``fullmatch`` only (``$`` would also match before a trailing newline).
SEVIS_ID_PATTERN = re.compile(r"N[0-9]{10}")
ZIP_PATTERN = re.compile(r"[0-9]{5}")
EIN_PATTERN = re.compile(r"[0-9]{2}-[0-9]{7}")
PHONE_PATTERN = re.compile(r"\+?[0-9 ()\-.]{7,20}")
EMAIL_PATTERN = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")

#: US states and territories a SEVIS US address accepts.
US_STATES: frozenset[str] = frozenset(
    [
        "AL",
        "AK",
        "AZ",
        "AR",
        "CA",
        "CO",
        "CT",
        "DE",
        "DC",
        "FL",
        "GA",
        "HI",
        "ID",
        "IL",
        "IN",
        "IA",
        "KS",
        "KY",
        "LA",
        "ME",
        "MD",
        "MA",
        "MI",
        "MN",
        "MS",
        "MO",
        "MT",
        "NE",
        "NV",
        "NH",
        "NJ",
        "NM",
        "NY",
        "NC",
        "ND",
        "OH",
        "OK",
        "OR",
        "PA",
        "RI",
        "SC",
        "SD",
        "TN",
        "TX",
        "UT",
        "VT",
        "VA",
        "WA",
        "WV",
        "WI",
        "WY",
        "AS",
        "GU",
        "MP",
        "PR",
        "VI",
    ]
)


@dataclass(frozen=True)
class FieldLimits:
    """SEVIS field lengths (batch interface), applied to portal input too."""

    street: int = 64
    city: int = 60
    employer_name: int = 100
    job_title: int = 60
    course_relevance: int = 250
    person_name: int = 40
    email: int = 254


FIELDS = FieldLimits()


@dataclass(frozen=True)
class Limits:
    """The portal's numbers, as the FAQ and the official help pages state them."""

    failed_logins_before_lock: int = 3  # FAQ 3, official user guide
    registration_link_days: int = 14  # the send day counts as day 1
    registration_sevis_id_attempts: int = 3  # secondary source
    inactivity_lock_days: int = 90
    access_after_opt_end_months: int = 6  # FAQ 8, release 1.10
    closure_warning_days: int = 30  # release 1.11
    unemployment_days_post_completion: int = 90
    unemployment_days_with_stem: int = 150
    report_change_within_days: int = 10


LIMITS = Limits()


@dataclass(frozen=True)
class SecurityLimits:
    """The reference's defences against abuse (the sources state none; ASVS asks for them).

    A password reset request beyond the per-account limit is answered as usual and sends
    nothing (the answer must not tell who has an account); one beyond the per-client limit
    is refused with 429 whatever the email. Both count within a sliding window of the
    portal's clock.
    """

    reset_requests_per_account: int = 3
    reset_requests_per_client: int = 20
    reset_request_window_minutes: int = 60
    #: The largest request body any server of ours reads; larger ones are refused with 413.
    max_body_bytes: int = 64 * 1024
    #: The total time one SMTP conversation or one POST to SEVIS may take.
    peer_deadline_seconds: float = 10.0


SECURITY_LIMITS = SecurityLimits()


#: The wider of the two official special-character sets (docs/domain.md); which set a
#: portal uses is a reading (``Readings.password_special_characters``).
SPECIAL_CHARACTERS = "!@#$%^&*()-_=+[]{};:'\",.<>/?\\|`~"


@dataclass(frozen=True)
class PasswordRules:
    """The sources' password rules. Which characters count as special and whether the user
    ID is forbidden are readings (two official sources disagree, docs/domain.md):
    ``Readings.password_policy`` joins both into the ``PasswordPolicy`` in force."""

    min_length: int = 12
    require_letter: bool = True
    require_digit: bool = True
    require_special: bool = True
    forbid_sevis_id: bool = True
    history_size: int = 8
    max_age_days: int = 90


@dataclass(frozen=True)
class PasswordPolicy(PasswordRules):
    """The password rules in force: the sources' rules and the portal's readings."""

    special_characters: str = SPECIAL_CHARACTERS
    forbid_user_id: bool = False  # one tips sheet says so; the user guide does not

    def problems(self, password: str, *, sevis_id: str = "", user_id: str = "") -> list[str]:
        """Every way ``password`` breaks the policy, in words a student understands."""
        found: list[str] = []
        if len(password) < self.min_length:
            found.append(f"must be at least {self.min_length} characters")
        if self.require_letter and not any(c.isalpha() for c in password):
            found.append("must contain a letter")
        if self.require_digit and not any(c.isdigit() for c in password):
            found.append("must contain a digit")
        if self.require_special and not any(c in self.special_characters for c in password):
            found.append("must contain a special character")
        if self.forbid_sevis_id and sevis_id and sevis_id.lower() in password.lower():
            found.append("must not contain the SEVIS ID")
        if self.forbid_user_id and user_id and user_id.lower() in password.lower():
            found.append("must not contain the user ID")
        return found


class EarlyCompletionReading(str, Enum):
    """Which date FAQ 8's "six months after the OPT end date" counts from: not stated."""

    AUTHORIZED_END = "authorized-end"
    COMPLETION_DATE = "completion-date"


def _reference_readings() -> Readings:
    from simulators.common.readings import REFERENCE_READINGS  # imports this module

    return REFERENCE_READINGS


@dataclass(frozen=True)
class PortalSettings:
    """The reference portal's settings: the sources' numbers and rules, and its readings
    (what the sources leave open, ``simulators.common.readings``), held once."""

    limits: Limits = field(default_factory=Limits)
    password_policy: PasswordRules = field(default_factory=PasswordRules)
    readings: Readings = field(default_factory=_reference_readings)
    send_lock_notice: bool = True
    base_url: str = "https://portal.example.test"

    @property
    def early_completion_reading(self) -> EarlyCompletionReading:
        return self.readings.early_completion

    @property
    def password_policy_in_force(self) -> PasswordPolicy:
        """The sources' password rules with the readings' special characters and user-ID
        rule."""
        return self.readings.password_policy(self.password_policy)
