"""What a SEVIS snapshot makes of an account: the data the portal keeps and shows, and each
difference written to the History page."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import fields
from datetime import date, datetime, timedelta
from enum import Enum

from simulators.common.contract import HistoryCategory, HistoryKind, StudentProfile
from simulators.common.domain import EmploymentStatus, OptStatus, OptType, PortalSettings
from simulators.common.readings import Readings
from simulators.common.records import (
    AuthorizationRecord,
    EmploymentRecord,
    FieldChange,
    StudentRecord,
    UsAddress,
    changed_fields,
)
from simulators.portal.models._accounts import Account, ProgramData, access_closes_after

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
    record: StudentRecord, readings: Readings, *, drop_stem: bool = False
) -> dict[str, AuthorizationRecord]:
    """The authorizations of a SEVIS snapshot the portal keeps."""
    statuses = {OptStatus.APPROVED}
    if readings.pending_authorizations_shown:
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
    return [
        FieldChange(name, describe(before), describe(after))
        for name, (before, after) in changed_fields(old, new, names).items()
    ]


def apply_snapshot(
    account: Account,
    record: StudentRecord,
    at: datetime,
    readings: Readings,
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
    _sync_program(account, record, at, readings, drop_stem=drop_stem)


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
    readings: Readings,
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

    authorizations = shown_authorizations(record, readings, drop_stem=drop_stem)
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
                kind=HistoryKind.EMPLOYER_ADDED,
                employer_name=employer.employer_name,
            )
            continue
        for change in field_changes(old_employer, employer, _EMPLOYER_FIELDS_SHOWN):
            account.remember(
                at,
                HistoryCategory.CHANGE,
                f"Employer changed in SEVIS: {employer.employer_name}",
                change,
                kind=HistoryKind.EMPLOYER_CHANGED,
                employer_name=employer.employer_name,
            )
    for employer_id, employer in program.employers.items():
        if employer_id not in employers:
            account.remember(
                at,
                HistoryCategory.CHANGE,
                f"Employer removed in SEVIS: {employer.employer_name}",
                FieldChange("employer", employer.employer_name, ""),
                kind=HistoryKind.EMPLOYER_DELETED,
                employer_name=employer.employer_name,
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
                kind=HistoryKind.EMPLOYER_DELETED,
                employer_name=employer.employer_name,
            )


def new_account(record: StudentRecord, at: datetime, readings: Readings) -> Account:
    """The account an approval creates: waiting for registration, holding the snapshot."""
    account = Account(
        sevis_id=record.sevis_id,
        profile=profile_from(record),
        programs=[ProgramData(record.program_id, record.education_level)],
        created_at=at,
        data_as_of=at,
    )
    account.remember(at, HistoryCategory.EVENT, "Portal account created from SEVIS (OPT approved)")
    _sync_program(account, record, at, readings, drop_stem=False)
    return account


def date_problems(record: StudentRecord, settings: PortalSettings) -> list[str]:
    """Dates the portal could not work with (an access window past the calendar's end, a
    day after the last one): refused before anything is stored, so one poisoned record
    never breaks a later clock move."""
    found = []
    dates = [a.end_date for a in record.authorizations] + [
        d for d in (record.completed_on, record.birth_date) if d is not None
    ]
    dates += [e.end_date or e.start_date for e in record.employers]
    for day in dates:
        try:
            access_closes_after(day, settings) + timedelta(days=1)
        except (OverflowError, ValueError):
            found.append(f"the date {day.isoformat()} lies beyond what the portal can represent")
    return found
