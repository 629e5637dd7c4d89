"""Steps that follow one field a student writes, from the portal's form to the portal's
view and to SEVIS: every writable field of the contract, one at a time."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

from pytest_bdd import parsers, then, when

from harness.world import ScenarioFailure, StudentActor, World
from simulators.common.contract import (
    EMPLOYER_ENTRY_FIELDS,
    ContactUpdate,
    EmployerEdit,
    EmployerInput,
)
from simulators.common.domain import TimeType
from simulators.common.records import EmploymentRecord, changed_fields


@dataclass(frozen=True)
class Entered:
    """One field the student entered: where, which and what."""

    field: str  # the contract's member name
    value: Any
    employer_id: str = ""  # "" for a profile field


# --- the profile ----------------------------------------------------------------------------

#: Contact fields in a sentence's words -> the contract's member name.
CONTACT_FIELDS = {
    "phone number": "phone",
    "address": "us_address",
    "mailing address": "mailing_address",
}


def _contact_field(words: str) -> str:
    try:
        return CONTACT_FIELDS[words]
    except KeyError:
        raise ValueError(
            f"unknown contact field {words!r}; say one of {sorted(CONTACT_FIELDS)}"
        ) from None


@when(
    parsers.parse("the student enters a new {contact_field} in the profile"),
    target_fixture="entered",
)
def enter_contact_field(world: World, contact_field: str) -> Entered:
    name = _contact_field(contact_field)
    value: Any = world.data.phone() if name == "phone" else world.data.address()
    world.update_contact(world.student, ContactUpdate(**{name: value}))
    return Entered(name, value)


@then(parsers.parse("the profile shows the new {contact_field}"))
def profile_shows(world: World, contact_field: str, entered: Entered) -> None:
    profile = world.profile_in(world.session_of(world.student))
    shown = getattr(profile, _contact_field(contact_field))
    if shown != entered.value:
        raise ScenarioFailure(f"the profile shows {contact_field} {shown!r}, not {entered.value!r}")


@then(parsers.parse("SEVIS holds the student's new {contact_field}"))
def sevis_holds_contact(world: World, contact_field: str, entered: Entered) -> None:
    record = world.sevis_record(world.student)
    held = getattr(record, _contact_field(contact_field))
    if held != entered.value:
        raise ScenarioFailure(f"SEVIS holds {contact_field} {held!r}, not {entered.value!r}")


# --- employers ------------------------------------------------------------------------------

#: Employer fields in a sentence's words -> how to make a new value for the student's employer.
EMPLOYER_FIELDS: dict[str, tuple[str, Callable[[World, StudentActor, Any], Any]]] = {
    "employer name": ("employer_name", lambda w, s, e: f"{e.employer_name} Holdings"),
    "address": ("address", lambda w, s, e: w.data.address()),
    "start date": ("start_date", lambda w, s, e: e.start_date + timedelta(days=3)),
    "end date": ("end_date", lambda w, s, e: (s.opt_end or e.start_date) - timedelta(days=30)),
    "job title": ("job_title", lambda w, s, e: "Principal Investigator"),
    "supervisor first name": ("supervisor_first_name", lambda w, s, e: "Imogen"),
    "supervisor last name": ("supervisor_last_name", lambda w, s, e: "Quartermaine"),
    "supervisor email": ("supervisor_email", lambda w, s, e: "imogen.q@employer.example.com"),
    "supervisor phone": ("supervisor_phone", lambda w, s, e: w.data.phone()),
}


def _employer_field(words: str) -> tuple[str, Callable[[World, StudentActor, Any], Any]]:
    try:
        return EMPLOYER_FIELDS[words]
    except KeyError:
        raise ValueError(
            f"unknown employer field {words!r}; say one of {sorted(EMPLOYER_FIELDS)}"
        ) from None


def _employer_by_id(world: World, employer_id: str) -> Any:
    found = [e for e in world.employers(world.student) if e.employer_id == employer_id]
    if not found:
        raise ScenarioFailure(f"the student no longer sees the employer {employer_id}")
    return found[0]


def _sevis_employment(world: World, employer_id: str) -> EmploymentRecord:
    employment = world.sevis_program(world.student).employment
    if employer_id not in employment:
        raise ScenarioFailure(f"SEVIS holds no employment {employer_id} for the student")
    return employment[employer_id]


@when(
    parsers.parse('the student enters a new {employer_field} for the employer "{name}"'),
    target_fixture="entered",
)
def enter_employer_field(world: World, employer_field: str, name: str) -> Entered:
    student = world.student
    employer = world.employer_named(student, name)
    member, new_value = _employer_field(employer_field)
    value = new_value(world, student, employer)
    world.edit_employer_in(
        world.session_of(student), employer.employer_id, EmployerEdit(**{member: value})
    )
    return Entered(member, value, employer.employer_id)


@then(parsers.parse("the student sees the new {employer_field} for the employer"))
def sees_new_employer_field(world: World, employer_field: str, entered: Entered) -> None:
    shown = getattr(_employer_by_id(world, entered.employer_id), entered.field)
    if shown != entered.value:
        raise ScenarioFailure(f"the portal shows {employer_field} {shown!r}, not {entered.value!r}")


@then(parsers.parse("SEVIS holds the new {employer_field} for the employer"))
def sevis_holds_employer_field(world: World, employer_field: str, entered: Entered) -> None:
    held = getattr(_sevis_employment(world, entered.employer_id), entered.field)
    if held != entered.value:
        raise ScenarioFailure(f"SEVIS holds {employer_field} {held!r}, not {entered.value!r}")


@when(
    parsers.parse(
        'the student enters an address with a ZIP code of 4 digits for the employer "{name}"'
    ),
    target_fixture="entered",
)
def enter_bad_employer_address(world: World, name: str) -> Entered:
    student = world.student
    employer = world.employer_named(student, name)
    bad = replace(employer.address, zip_code=employer.address.zip_code[:4])
    edit = EmployerEdit(address=bad)
    session = world.session_of(student)  # before the write is observed: a login is a change
    world.attempt_write(
        student, lambda: world.edit_employer_in(session, employer.employer_id, edit)
    )
    return Entered("address", employer.address, employer.employer_id)


@then("the employer's address is unchanged in the portal and in SEVIS")
def employer_address_unchanged(world: World, entered: Entered) -> None:
    shown = _employer_by_id(world, entered.employer_id).address
    held = _sevis_employment(world, entered.employer_id).address
    if shown != entered.value or held != entered.value:
        raise ScenarioFailure(f"the refused address changed it: portal {shown}, SEVIS {held}")


@when(
    parsers.parse('the student adds the employer "{name}" with every field filled in'),
    target_fixture="added",
)
def add_employer_every_field(world: World, name: str) -> EmployerInput:
    student = world.student
    entered = world.employer_input(
        student,
        name,
        time_type=TimeType.PART_TIME,
        ein="12-3456789",
        end_date=(student.opt_end or world.clock.today()) - timedelta(days=30),
    )
    world.add_employer(student, entered)
    return entered


def _differences(entered: EmployerInput, held: object) -> dict[str, tuple[Any, Any]]:
    return changed_fields(entered, held, EMPLOYER_ENTRY_FIELDS)


@then(parsers.parse('the student sees the employer "{name}" as entered'))
def sees_employer_as_entered(world: World, name: str, added: EmployerInput) -> None:
    differences = _differences(added, world.employer_named(world.student, name))
    if differences:
        raise ScenarioFailure(f"the portal shows {name!r} otherwise than entered: {differences}")


@then(parsers.parse('SEVIS holds the employer "{name}" as entered'))
def sevis_holds_employer_as_entered(world: World, name: str, added: EmployerInput) -> None:
    employer_id = world.student.employers[name].employer_id
    differences = _differences(added, _sevis_employment(world, employer_id))
    if differences:
        raise ScenarioFailure(f"SEVIS holds {name!r} otherwise than entered: {differences}")
