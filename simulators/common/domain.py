"""The domain vocabulary, one source of truth: status names, actors, limits and settings.

Every number the FAQ or the official help pages state (3 failed logins, 14 days,
six months, 90 / 150 days) lives here and is imported wherever it is needed.
Facts DOMAIN.md marks as unverified are settings with a default, never constants.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum


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

SEVIS_ID_PATTERN = re.compile(r"^N\d{10}$")
ZIP_PATTERN = re.compile(r"^\d{5}$")
EIN_PATTERN = re.compile(r"^\d{2}-\d{7}$")
PHONE_PATTERN = re.compile(r"^\+?[0-9 ()\-.]{7,20}$")
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

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
    password_reset_link_hours: int = 24  # unverified: the help pages give no figure


LIMITS = Limits()


@dataclass(frozen=True)
class PasswordPolicy:
    """Configurable: two official sources disagree on the special characters (DOMAIN.md)."""

    min_length: int = 12
    require_letter: bool = True
    require_digit: bool = True
    require_special: bool = True
    special_characters: str = "!@#$%^&*()-_=+[]{};:'\",.<>/?\\|`~"
    forbid_sevis_id: bool = True
    forbid_user_id: bool = False  # one tips sheet says so; the user guide does not
    history_size: int = 8
    max_age_days: int = 90

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


@dataclass(frozen=True)
class PortalSettings:
    """Everything about the reference portal that the sources leave open."""

    limits: Limits = field(default_factory=Limits)
    password_policy: PasswordPolicy = field(default_factory=PasswordPolicy)
    early_completion_reading: EarlyCompletionReading = EarlyCompletionReading.AUTHORIZED_END
    send_lock_notice: bool = True
    base_url: str = "https://portal.example.test"
