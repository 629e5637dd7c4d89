"""Steps of reports to the SEVP Response Center (SEVP@ice.dhs.gov) and its tickets."""

from __future__ import annotations

from pytest_bdd import parsers, then, when

from harness.world import ScenarioFailure, World
from simulators.sevis import RetransmitData, Ticket, UnlockPortalAccount

LEAVING_OUT: dict[str, dict[str, bool]] = {
    "the student's name": {"names": False},
    "the SEVIS ID": {"sevis_ids": False},
    "the student's name or SEVIS ID": {"names": False, "sevis_ids": False},
}
MISSING_WORDS = {
    "student names": {"student names"},
    "SEVIS IDs": {"SEVIS IDs"},
    "student names and SEVIS IDs": {"student names", "SEVIS IDs"},
}


@when(parsers.parse("the DSO reports a portal issue to the SRC without {what}"))
def report_without(world: World, what: str) -> None:
    leave_out = LEAVING_OUT[what]
    world.report_to_src(
        world.student,
        "The student cannot see the employer",
        names=leave_out.get("names", True),
        sevis_ids=leave_out.get("sevis_ids", True),
    )


@when(
    parsers.parse(
        "the DSO reports a portal issue to the SRC with the student's name and SEVIS ID {shots}"
    )
)
def report_complete(world: World, shots: str) -> None:
    screenshots = ("portal-employers.png",) if shots == "and a screenshot" else ()
    world.report_to_src(world.student, "The employer page is empty", screenshots=screenshots)


@when("the student reports a portal issue to the SRC with their name and SEVIS ID")
def student_reports(world: World) -> None:
    world.report_to_src(world.student, "My History page is empty", sender=world.student.email)


@when("the DSO reports the locked account to the SRC with the student's name and SEVIS ID")
def report_locked(world: World) -> None:
    world.report_to_src(
        world.student, "The student's portal account is locked; Reset Portal Account is missing"
    )


@when(
    "the DSO reports the missing Reset Portal Account action to the SRC with details and a screenshot"
)
def report_missing_reset(world: World) -> None:
    world.report_to_src(
        world.student,
        "The Reset Portal Account link does not appear on the Student Information page",
        screenshots=("student-information-page.png",),
    )


@when("the DSO reports the failed transmission to the SRC with the student's name and SEVIS ID")
def report_failed_transmission(world: World) -> None:
    world.report_to_src(world.student, "The event history shows the data failed to transmit")


def _ticket(world: World) -> Ticket:
    outcome = world.last_report_outcome
    if outcome is None or outcome.ticket is None:
        raise ScenarioFailure(f"no ticket was opened; the SRC answered: {outcome}")
    return outcome.ticket


@then("the SRC opens a ticket")
def ticket_opened(world: World) -> None:
    _ticket(world)


@then("the SRC opens no ticket")
def no_ticket(world: World) -> None:
    outcome = world.last_report_outcome
    if outcome is None or outcome.ticket is not None or world.src_tickets():
        raise ScenarioFailure(f"expected no ticket; the SRC answered: {outcome}")


@then(parsers.parse("the SRC asks for the missing {what}"))
def src_asks_for(world: World, what: str) -> None:
    outcome = world.last_report_outcome
    asked: set[str] = set(outcome.missing) if outcome else set()
    if asked != MISSING_WORDS[what]:
        raise ScenarioFailure(
            f"the SRC asked for {sorted(asked)}, expected {sorted(MISSING_WORDS[what])}"
        )


@when("the SRC resolves the ticket by resetting the portal account")
def src_resets(world: World) -> None:
    world.resolve_ticket(_ticket(world), UnlockPortalAccount(world.student.sevis_id))


@when("the SRC resolves the ticket by re-transmitting the student's data")
def src_retransmits(world: World) -> None:
    world.resolve_ticket(_ticket(world), RetransmitData(world.student.sevis_id))


@when(parsers.parse('the SRC corrects the OPT status to "{status}"'))
def src_corrects(world: World, status: str) -> None:
    student = world.student
    if status != "Approved":
        raise ValueError(f"the scenarios correct to 'Approved' only, not {status!r}")
    world.approve_by_src_correction(student, next(iter(student.requests)))
