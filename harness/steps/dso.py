"""Steps of the DSO, who works in SEVIS and never in the portal."""

from __future__ import annotations

from datetime import timedelta

from pytest_bdd import given, parsers, then, when

from harness.world import DSO_EMAIL, ScenarioFailure, World
from simulators.common.domain import OptType
from simulators.sevis import ResetNotOffered


@given("SEVIS does not show the Reset Portal Account action for the student")
def reset_action_missing(world: World) -> None:
    world.hide_reset_portal_account(world.student)


@then("SEVIS offers Reset Portal Account for the student")
def reset_offered(world: World) -> None:
    if not world.reset_portal_account_offered(world.student):
        raise ScenarioFailure("SEVIS does not offer Reset Portal Account for an approved student")


@then("SEVIS does not offer Reset Portal Account for the student")
def reset_not_offered(world: World) -> None:
    if world.reset_portal_account_offered(world.student):
        raise ScenarioFailure("SEVIS offers Reset Portal Account, expected it not to")


@when("the DSO uses Reset Portal Account")
def dso_resets(world: World) -> None:
    world.reset_portal_account(world.student)


@then("the DSO cannot use Reset Portal Account")
def dso_cannot_reset(world: World) -> None:
    try:
        world.reset_portal_account(world.student)
    except ResetNotOffered:
        return
    raise ScenarioFailure("the DSO could use Reset Portal Account although SEVIS hides it")


@when("the DSO corrects the student's email address in SEVIS")
def dso_corrects_email(world: World) -> None:
    world.correct_email(world.student)


@given("the student's email address in SEVIS has a typo")
def email_typo(world: World) -> None:
    world.mistype_email(world.student)


@when(parsers.parse('the DSO retrieves the deleted employment "{name}" in SEVIS and restores it'))
def dso_restores(world: World, name: str) -> None:
    student = world.student
    deleted = [e for e in world.sevis_deleted_employment(student) if e.employer_name == name]
    if not deleted:
        raise ScenarioFailure(f"SEVIS has no deleted employment {name!r} to retrieve")
    world.restore_employment(student, deleted[0].employment_id)


@given(parsers.parse('the DSO entered the STEM employer "{name}" in SEVIS'))
@when(parsers.parse('the DSO enters the STEM employer "{name}" in SEVIS'))
def dso_enters_stem_employer(world: World, name: str) -> None:
    student = world.student
    stem = world.sevis_opt_request(student.requests[OptType.STEM])
    start = max(world.clock.today(), stem.start_date)
    employment = world.data.stem_employment("", start, name=name)  # SEVIS gives it its id
    entered = world.enter_stem_employer(student, employment)
    world.evidence.note(f"SEVIS entered STEM employment {entered.employment_id} ({name})")


@when("the DSO records the student's transfer to another school")
def dso_transfer(world: World) -> None:
    world.transfer(world.student, "Another University")


@when("the DSO records the student's change of education level")
def dso_level_change(world: World) -> None:
    world.change_education_level(world.student)


@when(
    parsers.parse(
        "the DSO completes the student's record {days:d} days before the authorized OPT end date"
    )
)
def dso_completes_early(world: World, days: int) -> None:
    student = world.student
    assert student.opt_end is not None
    completed_on = student.opt_end - timedelta(days=days)
    world.advance_logging_in(student, completed_on)
    world.complete_record(student, completed_on)


@then("the DSO receives a notification of the student's change")
def dso_notified(world: World) -> None:
    if not world.mail_to(DSO_EMAIL):
        raise ScenarioFailure("no notification of the student's change reached the DSO")
