"""Steps of SEVIS and USCIS: OPT decisions, transmissions to the portal and their faults,
the daily sync, and what SEVIS holds."""

from __future__ import annotations

from datetime import timedelta

from pytest_bdd import given, parsers, then, when

from harness.steps.student import StudentNotes
from harness.world import ScenarioFailure, World
from simulators.common.domain import EmploymentStatus, OptStatus, OptType, ProgramStatus
from simulators.sevis import EventName, TransmissionOutcome


@given("the student's STEM OPT extension is pending with USCIS")
def stem_pending(world: World) -> None:
    world.request_opt(world.student, OptType.STEM, pending=True)


@when("USCIS approves the OPT request")
def uscis_approves(world: World) -> None:
    student = world.student
    world.approve_by_uscis(student, next(iter(student.requests)))


@when("USCIS denies the OPT request")
def uscis_denies(world: World) -> None:
    student = world.student
    world.deny_by_uscis(student, next(iter(student.requests)))


@when("USCIS approves both OPT requests")
def uscis_approves_both(world: World) -> None:
    for student in world.students:
        world.approve_by_uscis(student, next(iter(student.requests)))


@when("USCIS denies the STEM OPT extension")
def uscis_denies_stem(world: World) -> None:
    world.deny_by_uscis(world.student, OptType.STEM)


@given("the next transmission to the portal fails")
def next_transmission_fails(world: World) -> None:
    world.fail_next_transmission()


@given("the next transmission to the portal is delivered twice")
def next_transmission_twice(world: World) -> None:
    world.duplicate_next_transmission()


@given("the daily sync from SEVIS to the portal runs")
@when("the daily sync from SEVIS to the portal runs")
def daily_sync(world: World) -> None:
    world.next_morning()


@then("the SEVIS event history shows the data went to the portal")
def data_went_to_portal(world: World) -> None:
    sent = world.sevis_transmissions(world.student)
    if not sent or sent[-1].outcome is not TransmissionOutcome.DELIVERED:
        raise ScenarioFailure(f"the latest transmission did not reach the portal: {sent}")


@then("the SEVIS event history shows the transmission to the portal failed")
def transmission_failed(world: World) -> None:
    events = world.sevis_events(world.student)
    if not any(
        e.name is EventName.DATA_SENT_TO_PORTAL and e.outcome is TransmissionOutcome.FAILED
        for e in events
    ):
        raise ScenarioFailure(f"no failed transmission in the SEVIS event history: {events}")


@then("the SEVIS event history shows the student's change made through the portal")
def change_in_event_history(world: World) -> None:
    portal_events = {
        EventName.EMPLOYER_ADDED_IN_PORTAL,
        EventName.EMPLOYER_EDITED_IN_PORTAL,
        EventName.EMPLOYER_DELETED_IN_PORTAL,
        EventName.CONTACT_CHANGED_IN_PORTAL,
    }
    events = world.sevis_events(world.student)
    if not any(e.name in portal_events for e in events):
        raise ScenarioFailure(f"SEVIS shows no change made through the portal: {events}")


def _employment(world: World, name: str, status: EmploymentStatus) -> list:
    program = world.sevis_program(world.student)
    return [
        e for e in program.employment.values() if e.employer_name == name and e.status is status
    ]


@then(parsers.parse('SEVIS shows "{name}" as an active employment'))
def sevis_active_employment(world: World, name: str) -> None:
    if len(_employment(world, name, EmploymentStatus.ACTIVE)) != 1:
        raise ScenarioFailure(f"SEVIS does not hold {name!r} as one active employment")


@then(parsers.parse('SEVIS shows "{name}" as a deleted employment'))
def sevis_deleted_employment(world: World, name: str) -> None:
    if not _employment(world, name, EmploymentStatus.DELETED):
        raise ScenarioFailure(f"SEVIS holds no deleted employment {name!r}")
    if _employment(world, name, EmploymentStatus.ACTIVE):
        raise ScenarioFailure(f"SEVIS still holds {name!r} as active")


@then(parsers.parse('SEVIS holds a new employment record for "{name}" beside the deleted original'))
def sevis_new_record_beside_original(world: World, name: str) -> None:
    original = world.notes(StudentNotes).deleted[name]
    active = _employment(world, name, EmploymentStatus.ACTIVE)
    if len(active) != 1 or active[0].employment_id == original.employer_id:
        raise ScenarioFailure(
            f"expected one new active record for {name!r} apart from {original.employer_id}: {active}"
        )


@then(parsers.parse('the deleted original "{name}" still waits in SEVIS for the DSO to restore'))
def original_still_deleted(world: World, name: str) -> None:
    original = world.notes(StudentNotes).deleted[name]
    deleted = world.sevis_deleted_employment(world.student)
    if original.employer_id not in {e.employment_id for e in deleted}:
        raise ScenarioFailure(f"the original {name!r} is no longer among the deleted: {deleted}")


@then("SEVIS holds no employment for the student")
def sevis_no_employment(world: World) -> None:
    program = world.sevis_program(world.student)
    if program.employment:
        raise ScenarioFailure(f"SEVIS holds employment: {list(program.employment.values())}")


@then(parsers.parse('SEVIS shows "{title}" as the job title at "{name}"'))
def sevis_job_title(world: World, title: str, name: str) -> None:
    found = _employment(world, name, EmploymentStatus.ACTIVE)
    if not found or found[0].job_title != title:
        raise ScenarioFailure(f"SEVIS holds {found} for {name!r}, expected job title {title!r}")


@then("SEVIS holds a new active program record under the same SEVIS ID, with no OPT")
def sevis_new_program(world: World) -> None:
    programs = world.sevis_programs(world.student)
    active = [p for p in programs if p.status is ProgramStatus.ACTIVE]
    if len(programs) < 2 or len(active) != 1 or active[0] is not programs[-1]:
        raise ScenarioFailure(f"expected a new, sole active program record: {programs}")
    if active[0].requests or active[0].employment:
        raise ScenarioFailure(f"the new program record carries OPT or employment: {active[0]}")


@then("SEVIS shows the STEM OPT as deleted")
def sevis_stem_deleted(world: World) -> None:
    request = world.sevis_opt_request(world.student.requests[OptType.STEM])
    if request.status is not OptStatus.DELETED:
        raise ScenarioFailure(f"the STEM OPT is {request.status.value} in SEVIS, expected Deleted")


@then("SEVIS still holds the student's old address")
def sevis_old_address(world: World) -> None:
    held = world.sevis_record(world.student).us_address
    old = world.notes(StudentNotes).old_address
    if held != old:
        raise ScenarioFailure(f"SEVIS holds {held}, expected the old {old}")


@then("SEVIS holds the new phone number")
def sevis_new_phone(world: World) -> None:
    held = world.sevis_record(world.student).phone
    new = world.notes(StudentNotes).new_phone
    if held != new:
        raise ScenarioFailure(f"SEVIS holds phone {held!r}, expected {new!r}")


@then(
    parsers.parse('the downloadable list of student changes shows a "{kind}" change by the student')
)
def change_list_shows(world: World, kind: str) -> None:
    rows = world.sevis_change_list()
    mine = [r for r in rows if r.sevis_id == world.student.sevis_id and r.kind.value == kind]
    if not mine:
        raise ScenarioFailure(
            f"no {kind!r} row for {world.student.sevis_id} in the change list: {rows}"
        )


@given("USCIS approved the request but SEVIS still shows it pending past the OPT start date")
def pending_past_start(world: World) -> None:
    student = world.student
    request = world.sevis_opt_request(student.requests[next(iter(student.requests))])
    world.advance_to(request.start_date + timedelta(days=7))
