"""Steps of the student's mailbox: which notices arrived, where, and what they carry."""

from __future__ import annotations

from dataclasses import dataclass, field

from pytest_bdd import given, parsers, then

from harness.checks import (
    catalog_problems,
    names_opt_type,
    notice_body_problems,
    readable_text,
    recipient_problems,
)
from harness.world import ScenarioFailure, StudentActor, World
from simulators.common.domain import OptStatus
from simulators.common.notices import ACCEPTED_FORMS
from simulators.mail import Folder


@dataclass
class MailNotes:
    """What the mail steps remember from one step to the next, for the scenario."""

    emails_seen: dict[str, int] = field(default_factory=dict)  # notice words -> count


@given("the student's mail provider files portal email as junk")
def portal_mail_to_junk(world: World) -> None:
    world.file_portal_mail_as_junk(world.student)


@given(parsers.parse('the student deleted the "{notice}" email unread'))
def deleted_unread(world: World, notice: str) -> None:
    """The student lost the email; what matters next is that a new one comes."""
    world.notes(MailNotes).emails_seen[notice] = len(
        world.emails(world.student, world.notice(notice))
    )


@then(parsers.parse('the student receives exactly one "{notice}" email'))
def exactly_one(world: World, notice: str) -> None:
    _exactly_one(world, world.student, notice)


@then(parsers.parse('each student receives exactly one "{notice}" email'))
def each_exactly_one(world: World, notice: str) -> None:
    for student in world.students:
        _exactly_one(world, student, notice)


def _exactly_one(world: World, student: StudentActor, notice: str) -> None:
    """One email, and over the wire no second copy within the mail window either."""
    wanted = world.notice(notice)
    found = world.emails(student, wanted)
    if len(found) == 1 and world.mail_patience > 0:  # a second copy may come late
        world.wait_for_another_copy(student, wanted)
        found = world.emails(student, wanted)
    if len(found) != 1:
        raise ScenarioFailure(
            f"expected exactly one {notice!r} email at {student.email}, found {len(found)}: {found}"
        )


@then(parsers.parse('the student receives no "{notice}" email'))
def none_received(world: World, notice: str) -> None:
    found = world.emails(world.student, world.notice(notice))
    if found:
        raise ScenarioFailure(f"expected no {notice!r} email at {world.student.email}: {found}")


@then(parsers.parse('the student receives a new "{notice}" email'))
def new_one_received(world: World, notice: str) -> None:
    before = world.notes(MailNotes).emails_seen.get(notice, 0)
    found = world.emails(world.student, world.notice(notice), at_least=before + 1)
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
        given_name=student.new.given_name,
        surname=student.new.surname,
        opt_types=list(student.requests),
        closure_date=world.access_closes_on(student.opt_end) if student.opt_end else None,
    )
    if problems:
        raise ScenarioFailure(f"the {notice!r} email lacks: " + "; ".join(problems))


@then("every email the portal sent is a catalogued notice")
def all_catalogued(world: World) -> None:
    problems = catalog_problems(world.notices, world.all_mail())
    if problems:
        raise ScenarioFailure("; ".join(problems))


@then("every email the portal sent went to the student only")
def all_to_student_only(world: World) -> None:
    students = {s.email.lower() for s in world.students}
    problems = recipient_problems(world.all_mail(), students)
    if problems:
        raise ScenarioFailure("; ".join(problems))


@then(parsers.parse('the newest "{notice}" email names the student\'s latest approved OPT type'))
def names_latest_opt_type(world: World, notice: str) -> None:
    """STEM OPT students are told of STEM OPT, not of the post-completion OPT before it."""
    student = world.student
    approved = [
        world.sevis_opt_request(request_id)
        for request_id in student.requests.values()
        if world.sevis_opt_request(request_id).status is OptStatus.APPROVED
    ]
    if not approved:
        raise ScenarioFailure("the student has no approved OPT yet")
    latest = max(approved, key=lambda r: r.start_date).opt_type
    text = readable_text(world.newest_email(student, world.notice(notice)))
    if not names_opt_type(text, latest, ACCEPTED_FORMS):
        raise ScenarioFailure(f"the newest {notice!r} email does not name {latest.label}: {text!r}")
