"""SEVIS records as they travel between SEVIS and a portal: value objects, no behaviour
beyond checking their own fields."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields, replace
from datetime import date
from typing import Any

from simulators.common.domain import (
    EIN_PATTERN,
    EMAIL_PATTERN,
    FIELDS,
    PHONE_PATTERN,
    SEVIS_ID_PATTERN,
    US_STATES,
    ZIP_PATTERN,
    EducationLevel,
    EmploymentStatus,
    OptStatus,
    OptType,
    ProgramStatus,
    TimeType,
)


@dataclass(frozen=True)
class UsAddress:
    street: str
    city: str
    state: str
    zip_code: str
    other: str = ""

    def problems(self) -> list[str]:
        """Every SEVIS rule this address breaks; empty when it would be saved."""
        found = []
        if not self.street.strip():
            found.append("street is required")
        if len(self.street) > FIELDS.street:
            found.append(f"street must be at most {FIELDS.street} characters")
        if len(self.other) > FIELDS.street:
            found.append(f"other address line must be at most {FIELDS.street} characters")
        if not self.city.strip() or len(self.city) > FIELDS.city:
            found.append(f"city is required, at most {FIELDS.city} characters")
        if self.state not in US_STATES:
            found.append(f"state {self.state!r} is not a US state code")
        if not ZIP_PATTERN.fullmatch(self.zip_code):
            found.append("ZIP code must be 5 digits")
        found.extend(_control_characters("address", self.street, self.other, self.city))
        return found


@dataclass(frozen=True)
class AuthorizationRecord:
    """An OPT request and, once approved, its authorization."""

    authorization_id: str
    opt_type: OptType
    status: OptStatus
    start_date: date
    end_date: date

    def covers(self, start: date, end: date | None) -> bool:
        """True when an employment from ``start`` to ``end`` lies inside this authorization."""
        last = end or start
        return self.start_date <= start <= self.end_date and start <= last <= self.end_date


@dataclass(frozen=True)
class EmploymentRecord:
    """One employer of a student, as SEVIS stores it (batch interface fields)."""

    employment_id: str
    employer_name: str
    address: UsAddress
    start_date: date
    job_title: str
    time_type: TimeType = TimeType.FULL_TIME
    end_date: date | None = None
    ein: str = ""
    self_employed: bool = False
    course_relevance: str = ""
    supervisor_first_name: str = ""
    supervisor_last_name: str = ""
    supervisor_email: str = ""
    supervisor_phone: str = ""
    opt_type: OptType = OptType.POST_COMPLETION
    status: EmploymentStatus = EmploymentStatus.ACTIVE

    def problems(self) -> list[str]:
        """Every SEVIS field rule this employer breaks."""
        found = []
        if not self.employer_name.strip():
            found.append("employer name is required")
        if len(self.employer_name) > FIELDS.employer_name:
            found.append(f"employer name must be at most {FIELDS.employer_name} characters")
        if not self.job_title.strip() or len(self.job_title) > FIELDS.job_title:
            found.append(f"job title is required, at most {FIELDS.job_title} characters")
        if len(self.course_relevance) > FIELDS.course_relevance:
            found.append(f"course relevance must be at most {FIELDS.course_relevance} characters")
        if self.ein and not EIN_PATTERN.fullmatch(self.ein):
            found.append("EIN must look like NN-NNNNNNN")
        if self.supervisor_email and not EMAIL_PATTERN.fullmatch(self.supervisor_email):
            found.append("supervisor email is not an email address")
        if self.supervisor_phone and not PHONE_PATTERN.fullmatch(self.supervisor_phone):
            found.append("supervisor phone is not a phone number")
        if self.end_date is not None and self.end_date < self.start_date:
            found.append("end date is before start date")
        found.extend(f"address: {p}" for p in self.address.problems())
        found.extend(
            _control_characters(
                "employer",
                self.employer_name,
                self.job_title,
                self.course_relevance,
                self.supervisor_first_name,
                self.supervisor_last_name,
            )
        )
        return found

    def with_status(self, status: EmploymentStatus) -> EmploymentRecord:
        return replace(self, status=status)


@dataclass(frozen=True)
class StudentRecord:
    """A snapshot of what SEVIS sends the portal about one student (docs/domain.md)."""

    sevis_id: str
    given_name: str
    surname: str
    birth_date: date
    email: str
    us_address: UsAddress
    phone: str
    program_id: str
    program_status: ProgramStatus
    education_level: EducationLevel
    mailing_address: UsAddress | None = None
    completed_on: date | None = None
    authorizations: tuple[AuthorizationRecord, ...] = ()
    employers: tuple[EmploymentRecord, ...] = ()

    def problems(self) -> list[str]:
        found = []
        if not SEVIS_ID_PATTERN.fullmatch(self.sevis_id):
            found.append("SEVIS ID must be N followed by 10 digits")
        if not EMAIL_PATTERN.fullmatch(self.email):
            found.append("email is not an email address")
        if not self.given_name.strip() and not self.surname.strip():
            found.append("a name is required")
        found.extend(_control_characters("name", self.given_name, self.surname))
        found.extend(f"US address: {p}" for p in self.us_address.problems())
        return found

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.surname}".strip()


@dataclass(frozen=True)
class FieldChange:
    """One field's old and new value, as the History page and SEVIS show it."""

    field: str
    old_value: str
    new_value: str


def changed_fields(
    before: object, after: object, names: Iterable[str] | None = None
) -> dict[str, tuple[Any, Any]]:
    """Each of ``names`` (by default ``before``'s dataclass fields) whose value ``after``
    holds otherwise: name -> (before's value, after's). A field ``after`` lacks reads None.
    The one field diff: the portal's History entries and the harness's messages."""
    if names is None:
        names = [f.name for f in fields(before)]  # type: ignore[arg-type]
    return {
        name: (getattr(before, name), getattr(after, name, None))
        for name in names
        if getattr(before, name) != getattr(after, name, None)
    }


def _is_control(ch: str) -> bool:
    """C0, DEL, C1 (U+0080-U+009F) and the bidi embeddings, overrides and isolates (which
    make a name read differently from what it holds): none belongs in a name or address."""
    code = ord(ch)
    return code < 32 or 127 <= code <= 159 or 0x202A <= code <= 0x202E or 0x2066 <= code <= 0x2069


def _control_characters(what: str, *values: str) -> list[str]:
    if any(_is_control(ch) for value in values for ch in value):
        return [f"{what} contains control or bidi override characters"]
    return []


@dataclass(frozen=True)
class NewStudent:
    """What a school enters in SEVIS to create a student record (factories make these)."""

    sevis_id: str
    given_name: str
    surname: str
    birth_date: date
    email: str
    us_address: UsAddress
    phone: str
    education_level: EducationLevel = EducationLevel.MASTERS
    mailing_address: UsAddress | None = None
