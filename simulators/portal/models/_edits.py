"""What a student may change on the portal: contact details and employers, checked the way
SEVIS would before anything is saved."""

from __future__ import annotations

from dataclasses import replace

from simulators.common.contract import (
    EmployerEdit,
    EmployerInput,
    ErrorCode,
    PortalError,
    StudentProfile,
    entered_employer_fields,
)
from simulators.common.domain import PHONE_PATTERN
from simulators.common.readings import Readings
from simulators.common.records import AuthorizationRecord, EmploymentRecord, FieldChange, UsAddress
from simulators.portal.models._accounts import ProgramData
from simulators.portal.models._sync import describe_authorization, field_changes

#: What a STEM OPT student may change on an employer (docs/domain.md, official).
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


def contact_changes(profile: StudentProfile, update_fields: dict[str, object]) -> list[FieldChange]:
    """Validate a contact update the way SEVIS would; nothing is saved if anything fails."""
    problems: list[str] = []
    for name in ("us_address", "mailing_address"):
        address = update_fields.get(name)
        if isinstance(address, UsAddress):
            problems.extend(f"{name.replace('_', ' ')}: {p}" for p in address.problems())
    phone = update_fields.get("phone")
    if isinstance(phone, str) and not PHONE_PATTERN.fullmatch(phone):
        problems.append("phone is not a phone number")
    if problems:
        raise PortalError(ErrorCode.VALIDATION_FAILED, "; ".join(problems))
    updated = replace(profile, **update_fields)  # type: ignore[arg-type]
    return field_changes(profile, updated, update_fields.keys())


def check_employer_changes_allowed(program: ProgramData, readings: Readings) -> None:
    """Refuse employer changes on a record a DSO completed (option) or with no approved OPT."""
    if readings.completed_record_read_only and program.completed_on is not None:
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
    record = EmploymentRecord(employment_id=employer_id, **entered_employer_fields(employer))  # type: ignore[arg-type]
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
