"""Steps of a student's sessions, and of two students side by side: logging out, logging
in again, a second session, and what one student's session can reach of another's data."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pytest_bdd import given, parsers, then, when

from harness.steps.common import error_code
from harness.world import ScenarioFailure, StudentActor, World
from simulators.common.contract import ContactUpdate, EmployerEdit
from simulators.common.domain import LIMITS, OptType
from simulators.common.records import StudentRecord

#: What a logged-in student can do, in the words of an outline's examples. Each takes the
#: world, the student acting and the session it acts with.
StudentAction = Callable[[World, StudentActor, str], object]

#: An employer id no portal issued: edits and deletions of a student without employers.
UNKNOWN_EMPLOYER = "no-such-employer"


def _employer_id(student: StudentActor) -> str:
    """An employer of ``student`` (the first one reported), so that a refusal is about the
    session and not about the employer."""
    return (
        next(iter(student.employers.values())).employer_id
        if student.employers
        else UNKNOWN_EMPLOYER
    )


STUDENT_ACTIONS: dict[str, StudentAction] = {
    "viewing the profile": lambda w, s, session: w.profile_in(session),
    "changing the phone number": lambda w, s, session: w.update_contact_in(
        session, ContactUpdate(phone=w.data.phone())
    ),
    "viewing the OPT authorizations": lambda w, s, session: w.authorizations_in(session),
    "viewing the unemployment counter": lambda w, s, session: w.unemployment_in(session),
    "viewing the employers": lambda w, s, session: w.employers_in(session),
    "adding an employer": lambda w, s, session: w.add_employer_in(
        session, w.employer_input(s, "Birch Analytics")
    ),
    "editing an employer": lambda w, s, session: w.edit_employer_in(
        session, _employer_id(s), EmployerEdit(job_title="Staff Engineer")
    ),
    "deleting an employer": lambda w, s, session: w.delete_employer_in(
        session, _employer_id(s), confirmed=True
    ),
    "viewing the History page": lambda w, s, session: w.history_in(session),
    "attesting": lambda w, s, session: w.attest_in(session),
    "logging out": lambda w, s, session: w.log_out_of(session),
}


def student_action(words: str) -> StudentAction:
    try:
        return STUDENT_ACTIONS[words]
    except KeyError:
        raise ValueError(
            f"unknown action {words!r}; say one of {sorted(STUDENT_ACTIONS)}"
        ) from None


def _refused(world: World, student: StudentActor, session: str, action: str, code: str) -> None:
    world.attempt(lambda: student_action(action)(world, student, session))
    world.expect_refusal(error_code(code))


# --- one student's sessions -----------------------------------------------------------------


@when("the student logs out")
def logs_out(world: World) -> None:
    world.log_out(world.student)


@when("the student logs in again on a second browser without attesting")
def second_session_without_attesting(world: World) -> None:
    world.log_in(world.student, attest=False)


@then(parsers.parse('{action} with the student\'s ended session is refused with "{code}"'))
def ended_session_refused(world: World, action: str, code: str) -> None:
    student = world.student
    if not student.earlier_sessions:
        raise ScenarioFailure("the student has no ended session: log in and out first")
    _refused(world, student, student.earlier_sessions[-1], action, code)


@then(parsers.parse('{action} in the student\'s current session is refused with "{code}"'))
def current_session_refused(world: World, action: str, code: str) -> None:
    _refused(world, world.student, world.session_of(world.student), action, code)


# --- two students ---------------------------------------------------------------------------


@dataclass(frozen=True)
class NotedData:
    """What the first student's portal showed, and SEVIS held, at one moment."""

    views: dict[str, str]  # action words -> repr of the answer
    in_sevis: StudentRecord


_VIEWS = (
    "viewing the profile",
    "viewing the OPT authorizations",
    "viewing the unemployment counter",
    "viewing the employers",
    "viewing the History page",
)


def _note(world: World, student: StudentActor) -> NotedData:
    session = world.session_of(student)
    views = {words: repr(STUDENT_ACTIONS[words](world, student, session)) for words in _VIEWS}
    return NotedData(views, world.sevis_record(student))


@given("the first student's data is noted, in the portal and in SEVIS", target_fixture="noted")
def note_first_student(world: World) -> NotedData:
    return _note(world, world.student)


@then("the first student's data is as noted, in the portal and in SEVIS")
def first_student_as_noted(world: World, noted: NotedData) -> None:
    now = _note(world, world.student)
    changed = [words for words in _VIEWS if now.views[words] != noted.views[words]]
    if now.in_sevis != noted.in_sevis:
        changed.append("the SEVIS record")
    if changed:
        raise ScenarioFailure(f"the other student's session changed the first student's {changed}")


OTHER_STUDENT_ACTIONS: dict[str, Callable[[World], object]] = {
    "changes their phone number": lambda w: w.update_contact(
        w.other_student, ContactUpdate(phone=w.data.phone())
    ),
    "changes their address": lambda w: w.update_contact(
        w.other_student, ContactUpdate(us_address=w.data.address())
    ),
    "adds an employer": lambda w: w.add_employer(
        w.other_student, w.employer_input(w.other_student, "Birch Analytics")
    ),
    "edits the first student's employer": lambda w: w.edit_employer_in(
        w.session_of(w.other_student), _employer_id(w.student), EmployerEdit(job_title="Intruder")
    ),
    "deletes the first student's employer": lambda w: w.delete_employer_in(
        w.session_of(w.other_student), _employer_id(w.student), confirmed=True
    ),
    "logs out": lambda w: w.log_out_of(w.session_of(w.other_student)),
}


@when(parsers.parse("the other student, in their own session, {action}"))
def other_student_acts(world: World, action: str) -> None:
    try:
        act = OTHER_STUDENT_ACTIONS[action]
    except KeyError:
        known = sorted(OTHER_STUDENT_ACTIONS)
        raise ValueError(f"unknown action {action!r}; say one of {known}") from None
    world.attempt(lambda: act(world))


def _traces_of(world: World, student: StudentActor) -> dict[str, str]:
    """What would give ``student``'s data away in another student's view (its repr). A
    profile shows the name as its parts, so each part is traced as the field it is in; a
    part or street the other student shares is no trace (their own view shows it too)."""
    other = world.other_student.new
    new = student.new
    traces = {
        "SEVIS ID": student.sevis_id,
        "email": student.email,
        "name": student.full_name,
        "phone": new.phone,
    }
    if new.given_name != other.given_name:
        traces["given name"] = f"given_name={new.given_name!r}"
    if new.surname != other.surname:
        traces["surname"] = f"surname={new.surname!r}"
    if new.us_address.street != other.us_address.street:
        traces["US address street"] = new.us_address.street
    for name, employer in student.employers.items():
        traces[f"employer {name!r}"] = name
        traces[f"employer id of {name!r}"] = employer.employer_id
    for opt, request_id in student.requests.items():
        traces[f"{opt.value} OPT request id"] = request_id
    return {what: value for what, value in traces.items() if value}


def _own_view_problem(world: World, action: str, answer: object) -> str:
    """Why ``answer`` is not the other student's own view ("" when it is)."""
    other = world.other_student
    if action == "viewing the profile":
        sevis_id = getattr(answer, "sevis_id", None)
        return "" if sevis_id == other.sevis_id else f"a profile of {sevis_id}"
    if action == "viewing the unemployment counter":
        stem = OptType.STEM in other.requests
        allowed = (
            LIMITS.unemployment_days_with_stem if stem else LIMITS.unemployment_days_post_completion
        )
        shown = getattr(answer, "days_allowed", None)
        return "" if shown == allowed else f"a counter allowing {shown} days, not {allowed}"
    if action == "viewing the OPT authorizations":
        own = {a.authorization_id for a in world.sevis_opt_requests(other)}
        foreign = [a for a in answer if a.authorization_id not in own]  # type: ignore[attr-defined]
        return f"authorizations that are not theirs: {foreign}" if foreign else ""
    return ""


@then(parsers.parse("{action} in the other student's session shows nothing of the first student"))
def other_view_is_their_own(world: World, action: str) -> None:
    other = world.other_student
    answer = student_action(action)(world, other, world.session_of(other))
    shown = repr(answer)
    leaks = [what for what, value in _traces_of(world, world.student).items() if value in shown]
    if leaks:
        raise ScenarioFailure(f"{action} in the other student's session shows the first's {leaks}")
    problem = _own_view_problem(world, action, answer)
    if problem:
        raise ScenarioFailure(f"{action} in the other student's session shows {problem}")


# --- links ----------------------------------------------------------------------------------

#: A token no portal issued: the shape of one, the value of none.
NEVER_SENT_TOKEN = "never-sent-0000000000000000000000000000"


@then(parsers.parse('registering with a link the portal never sent is refused with "{code}"'))
def register_with_unsent_link(world: World, code: str) -> None:
    world.attempt(lambda: world.register(world.student, token=NEVER_SENT_TOKEN))
    world.expect_refusal(error_code(code))


@then(
    parsers.parse('following a password reset link the portal never sent is refused with "{code}"')
)
def reset_with_unsent_link(world: World, code: str) -> None:
    new_password = world.new_password(world.student)
    world.attempt(lambda: world.complete_password_reset(NEVER_SENT_TOKEN, new_password))
    world.expect_refusal(error_code(code))
