"""Steps of the student's mailbox: which notices arrived, where, and what they carry."""

from __future__ import annotations

from pytest_bdd import given, parsers, then

from harness.checks import catalog_problems, notice_body_problems, recipient_problems
from harness.world import ScenarioFailure, World
from simulators.mail import Folder


@given("the student's mail provider files portal email as junk")
def portal_mail_to_junk(world: World) -> None:
    sender = world.notice("account creation").sender
    world.mail.route_to_junk(world.student.email, sender=sender)


@given(parsers.parse('the student deleted the "{notice}" email unread'))
def deleted_unread(world: World, notice: str) -> None:
    """The student lost the email; what matters next is that a new one comes."""
    world.student.emails_seen[notice] = len(world.emails(world.student, world.notice(notice)))


@then(parsers.parse('the student receives exactly one "{notice}" email'))
def exactly_one(world: World, notice: str) -> None:
    found = world.emails(world.student, world.notice(notice))
    if len(found) != 1:
        raise ScenarioFailure(
            f"expected exactly one {notice!r} email at {world.student.email}, found {len(found)}: "
            f"{found}"
        )


@then(parsers.parse('the student receives no "{notice}" email'))
def none_received(world: World, notice: str) -> None:
    found = world.emails(world.student, world.notice(notice))
    if found:
        raise ScenarioFailure(f"expected no {notice!r} email at {world.student.email}: {found}")


@then(parsers.parse('the student receives a new "{notice}" email'))
def new_one_received(world: World, notice: str) -> None:
    before = world.student.emails_seen.get(notice, 0)
    found = world.emails(world.student, world.notice(notice))
    if len(found) != before + 1:
        raise ScenarioFailure(
            f"expected one new {notice!r} email after {before}; found {len(found)}"
        )


@then(parsers.parse('the "{notice}" email is in the student\'s junk folder'))
def in_junk(world: World, notice: str) -> None:
    found = world.emails(world.student, world.notice(notice), folder=Folder.JUNK)
    if len(found) != 1:
        raise ScenarioFailure(f"expected the {notice!r} email in Junk; Junk holds {found}")


@then(parsers.parse('the "{notice}" email carries everything the catalog requires'))
def carries_everything(world: World, notice: str) -> None:
    student = world.student
    wanted = world.notice(notice)
    message = world.newest_email(student, wanted)
    problems = notice_body_problems(
        wanted,
        message,
        student_name=student.full_name,
        opt_types=list(student.requests),
        closure_date=world.access_closes_on(student.opt_end) if student.opt_end else None,
    )
    if problems:
        raise ScenarioFailure(f"the {notice!r} email lacks: " + "; ".join(problems))


@then("every email the portal sent is a catalogued notice")
def all_catalogued(world: World) -> None:
    problems = catalog_problems(world.notices, world.mail.messages())
    if problems:
        raise ScenarioFailure("; ".join(problems))


@then("every email the portal sent went to the student only")
def all_to_student_only(world: World) -> None:
    students = {s.email.lower() for s in world.students}
    problems = recipient_problems(world.mail.messages(), students)
    if problems:
        raise ScenarioFailure("; ".join(problems))
