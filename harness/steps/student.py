"""Steps of the student: registering, logging in, resetting, reporting employers and
contact details, and what the student sees in the portal."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import timedelta
from functools import partial

from pytest_bdd import given, parsers, then, when

from harness.checks import records_employer
from harness.steps.common import error_code, opt_type
from harness.world import ADDRESS_PROBLEMS, ScenarioFailure, World, password_special_character
from simulators.common.contract import (
    ContactUpdate,
    EmployerEdit,
    EmployerView,
    ErrorCode,
    HistoryEntry,
    HistoryKind,
    PortalError,
)
from simulators.common.domain import LIMITS, OptStatus, OptType, PasswordRules
from simulators.common.records import UsAddress


@dataclass
class StudentNotes:
    """What the student's steps remember from one step to the next, for the scenario (the
    SEVIS steps read the contact change and the deleted employers too)."""

    unemployment_seen: int = 0
    old_phone: str = ""
    new_phone: str = ""
    old_address: UsAddress | None = None
    history_noted: list[HistoryEntry] = field(default_factory=list)
    deleted: dict[str, EmployerView] = field(default_factory=dict)  # as seen before deletion


# --- who the student is -------------------------------------------------------------


@given(parsers.parse("a student on {opt} OPT approved by USCIS"))
def approved_student(world: World, opt: str) -> None:
    student = world.enroll_student()
    kind = opt_type(opt)
    if kind is OptType.STEM:
        world.request_opt(student, OptType.POST_COMPLETION, pending=True)
        world.approve_by_uscis(student, OptType.POST_COMPLETION)
    world.request_opt(student, kind, pending=True)
    world.approve_by_uscis(student, kind)


@given(parsers.parse("a student whose {opt} OPT request is pending with USCIS"))
def pending_student(world: World, opt: str) -> None:
    student = world.enroll_student()
    world.request_opt(student, opt_type(opt), pending=True)


@given(parsers.parse("a registered student on {opt} OPT"))
def registered_student(world: World, opt: str) -> None:
    approved_student(world, opt)
    world.register(world.students[-1])


@given(parsers.parse("a logged-in student on {opt} OPT"))
def logged_in_student(world: World, opt: str) -> None:
    registered_student(world, opt)
    world.log_in(world.students[-1])


@given(parsers.parse("another logged-in student on {opt} OPT"))
def another_logged_in_student(world: World, opt: str) -> None:
    logged_in_student(world, opt)


@given(parsers.parse("another student whose {opt} OPT request is pending with USCIS"))
def another_pending_student(world: World, opt: str) -> None:
    pending_student(world, opt)


# --- registration ------------------------------------------------------------------------


@given(parsers.parse('the student registered with the link in the newest "{notice}" email'))
def registered_with_link(world: World, notice: str) -> None:
    world.follow_link(world.student, world.link_in(world.student, notice), world.first_password)


@then(parsers.parse('the student can register with the link in the newest "{notice}" email'))
def can_register(world: World, notice: str) -> None:
    student = world.student
    try:
        world.follow_link(student, world.link_in(student, notice), world.first_password)
        world.log_in(student)
    except PortalError as refusal:
        raise ScenarioFailure(
            f"the student could not register with the link in the newest {notice!r} email: "
            f"{refusal.code.value} ({refusal.detail})"
        ) from refusal


@then(parsers.parse('registering with the link in the newest "{notice}" email succeeds'))
def registering_succeeds(world: World, notice: str) -> None:
    can_register(world, notice)


@then(parsers.parse('neither student can register with the link in the other\'s "{notice}" email'))
def neither_registers_with_the_others_link(world: World, notice: str) -> None:
    first, other = world.student, world.other_student
    for student, owner in ((first, other), (other, first)):
        link = world.link_in(owner, notice)
        world.attempt_write(
            student, partial(world.follow_link, student, link, world.first_password)
        )
        if world.last_refusal is None:
            raise ScenarioFailure(
                f"{student.sevis_id} registered with the link emailed to {owner.sevis_id}"
            )
        world.expect_refusal(ErrorCode.SEVIS_ID_MISMATCH)


@then(parsers.parse('each student can register with the link in their own "{notice}" email'))
def each_registers_with_own_link(world: World, notice: str) -> None:
    for student in world.students:
        try:
            world.follow_link(student, world.link_in(student, notice), world.first_password)
            world.log_in(student)
        except PortalError as refusal:
            raise ScenarioFailure(
                f"{student.sevis_id} could not register with their own link: "
                f"{refusal.code.value} ({refusal.detail})"
            ) from refusal


@then(
    parsers.parse(
        'registering with the link in the newest "{notice}" email is refused with "{code}"'
    )
)
def registering_refused(world: World, notice: str, code: str) -> None:
    student = world.student
    link = world.link_in(student, notice)
    world.attempt_write(
        student, lambda: world.follow_link(student, link, world.new_password(student))
    )
    world.expect_refusal(error_code(code))


@when(parsers.re(r"the student registers with a wrong SEVIS ID (?P<times>\d+) times?"))
def register_with_wrong_sevis_id(world: World, times: str) -> None:
    wrong = world.data.sevis_id()
    for _ in range(int(times)):
        world.attempt_write(world.student, lambda: world.register(world.student, sevis_id=wrong))


@when(parsers.parse('the student registers with the password "{password}"'))
def register_with_password(world: World, password: str) -> None:
    world.attempt_write(world.student, lambda: world.register(world.student, password=password))


@when("the student registers with a password containing their SEVIS ID")
def register_with_sevis_id_password(world: World) -> None:
    special = password_special_character(world.readings)  # only the SEVIS ID is wrong
    password = f"Pw{special}{world.student.sevis_id}x"
    world.attempt_write(world.student, lambda: world.register(world.student, password=password))


@when("the student registers with a password one character short of the minimum length")
def register_with_short_password(world: World) -> None:
    password = world.password_of_length(PasswordRules().min_length - 1)
    world.attempt_write(world.student, lambda: world.register(world.student, password=password))


@when("the student registers with a password of the minimum length")
def register_with_minimum_password(world: World) -> None:
    password = world.password_of_length(PasswordRules().min_length)
    world.attempt_write(world.student, lambda: world.register(world.student, password=password))


# --- login, attestation and locks -----------------------------------------------------


@when(parsers.re(r"the student logs in with a wrong password (?P<times>\d+) times?"))
def wrong_password(world: World, times: str) -> None:
    world.fail_logins(world.student, int(times))


@given("the student locked the account with failed logins")
def locked_by_failed_logins(world: World) -> None:
    world.fail_logins(world.student, LIMITS.failed_logins_before_lock)


@when("the student logs in")
def logs_in(world: World) -> None:
    world.log_in(world.student)


@when("the student logs in without attesting")
def logs_in_without_attesting(world: World) -> None:
    world.log_in(world.student, attest=False)


@when("the student attests")
def attests(world: World) -> None:
    world.attest_in(world.session_of(world.student))


@then("the student can log in")
def can_log_in(world: World) -> None:
    try:
        world.log_in(world.student)
    except PortalError as refusal:
        raise ScenarioFailure(
            f"the student could not log in: {refusal.code.value} ({refusal.detail})"
        ) from refusal


@then(parsers.parse('the student cannot log in with the right password: the portal says "{code}"'))
def cannot_log_in(world: World, code: str) -> None:
    world.attempt_write(world.student, lambda: world.log_in(world.student))
    world.expect_refusal(error_code(code))


@then("the student cannot log in with the new password they chose")
def cannot_log_in_with_rejected_password(world: World) -> None:
    rejected = world.student.rejected_password
    world.attempt_write(world.student, lambda: world.log_in(world.student, password=rejected))
    world.expect_refusal(ErrorCode.INVALID_CREDENTIALS)


@then(parsers.parse('viewing the employers is refused with "{code}"'))
def viewing_employers_refused(world: World, code: str) -> None:
    world.attempt(lambda: world.employers(world.student))
    world.expect_refusal(error_code(code))


# --- password reset ----------------------------------------------------------------------


@when("the student uses the password reset button")
def password_reset_button(world: World) -> None:
    world.request_password_reset(world.student)


@when(parsers.parse('the student follows the link in the "{notice}" email and sets a new password'))
def follow_reset_link(world: World, notice: str) -> None:
    student = world.student
    world.follow_link(student, world.link_in(student, notice), world.new_password(student))


@when(
    parsers.parse(
        'the student follows the link in the "{notice}" email and sets the current password again'
    )
)
def follow_reset_link_same_password(world: World, notice: str) -> None:
    student = world.student
    link = world.link_in(student, notice)
    world.attempt_write(student, lambda: world.follow_link(student, link, student.password))


@given("the student's own password reset failed because the link expired")
def own_reset_link_expired(world: World) -> None:
    student = world.student
    world.request_password_reset(student)
    world.advance(timedelta(hours=world.readings.password_reset_link_hours, minutes=1))
    # not new_password(): the refused reset adds no password, so that would be the next one
    student.rejected_password = world.make_password("Expired")
    world.attempt_write(
        world.student,
        lambda: world.reset_password_by_email(student, "password reset", student.rejected_password),
    )
    world.expect_refusal(ErrorCode.TOKEN_EXPIRED)


@given("the student's own password reset failed because their school mailbox was closed")
def own_reset_mailbox_closed(world: World) -> None:
    student = world.student
    world.close_mailbox(student)
    world.request_password_reset(student)
    if world.emails(student, world.notice("password reset")):
        raise ScenarioFailure("a reset email reached a closed mailbox")


@then(parsers.parse('following the same link again is refused with "{code}"'))
def same_link_again(world: World, code: str) -> None:
    """The link the student followed last, whichever notice it came from."""
    student = world.student
    link = student.last_link
    if link is None:
        raise ScenarioFailure("the student has followed no link yet")
    world.attempt_write(
        student, lambda: world.follow_link(student, link, world.new_password(student))
    )
    world.expect_refusal(error_code(code))


@then(parsers.parse('following the link in the "{notice}" email is refused with "{code}"'))
def link_in_email_refused(world: World, notice: str, code: str) -> None:
    student = world.student
    link = world.link_in(student, notice)
    world.attempt_write(
        student, lambda: world.follow_link(student, link, world.new_password(student))
    )
    world.expect_refusal(error_code(code))


@then("the student cannot log in with the old password")
def cannot_log_in_with_old_password(world: World) -> None:
    student = world.student
    if len(student.passwords) < 2:
        raise ScenarioFailure("the student has set no new password yet")
    old = student.passwords[-2]
    world.attempt_write(student, lambda: world.log_in(student, password=old))
    world.expect_refusal(ErrorCode.INVALID_CREDENTIALS)


@then(parsers.parse('the student\'s earlier session is refused with "{code}"'))
def earlier_session_refused(world: World, code: str) -> None:
    student = world.student
    if student.session is None:
        raise ScenarioFailure("the student had no session before the reset")
    world.attempt(lambda: world.employers_in(student.session or ""))
    world.expect_refusal(error_code(code))


# --- employers ---------------------------------------------------------------------------


@given(parsers.parse('the student works for "{name}"'))
def works_for(world: World, name: str) -> None:
    world.add_employer(world.student, world.employer_input(world.student, name))


@when(parsers.parse('the student adds the employer "{name}"'))
@when(parsers.parse('the student adds the employer "{name}" again'))
def adds_employer(world: World, name: str) -> None:
    world.attempt_write(
        world.student,
        lambda: world.add_employer(world.student, world.employer_input(world.student, name)),
    )


@when("the student reports an employer starting today")
def reports_employer_today(world: World) -> None:
    student = world.student
    world.add_employer(student, world.employer_input(student, "Today Starts Inc."))


EMPLOYER_PROBLEMS = {
    "a name of 101 characters": lambda w, s: {"employer_name": "N" * 101},
    "a ZIP code of 4 digits": lambda w, s: {"address": replace(w.data.address(), zip_code="1234")},
    "a start date before the OPT start date": lambda w, s: {
        "start_date": s.opt_start - timedelta(days=1)
    },
    "an end date after the OPT end date": lambda w, s: {
        "start_date": s.opt_start,
        "end_date": s.opt_end + timedelta(days=1),
    },
}


@when(parsers.parse("the student adds an employer with {problem}"))
def adds_bad_employer(world: World, problem: str) -> None:
    student = world.student
    changes = EMPLOYER_PROBLEMS[problem](world, student)
    employer = world.employer_input(student, "Faulty Input LLC", **changes)
    world.attempt_write(world.student, lambda: world.add_employer(student, employer))


@given(parsers.parse('the student deleted the employer "{name}" by accident'))
def deleted_by_accident(world: World, name: str) -> None:
    world.notes(StudentNotes).deleted[name] = world.employer_named(world.student, name)
    world.delete_employer(world.student, name, confirmed=True)


@when(
    parsers.parse(
        'the student deletes the employer "{name}" without confirming they never worked there'
    )
)
def delete_without_confirmation(world: World, name: str) -> None:
    world.attempt_write(
        world.student, lambda: world.delete_employer(world.student, name, confirmed=False)
    )


@when(parsers.parse('the student deletes the employer "{name}" confirming they never worked there'))
def delete_with_confirmation(world: World, name: str) -> None:
    world.notes(StudentNotes).deleted[name] = world.employer_named(world.student, name)
    world.attempt_write(
        world.student, lambda: world.delete_employer(world.student, name, confirmed=True)
    )


@when(
    parsers.parse(
        'the other student deletes the employer "{name}" of the first student, confirming'
    )
)
def other_student_deletes(world: World, name: str) -> None:
    target = world.student.employers.get(name) or world.employer_named(world.student, name)
    other = world.other_student
    world.attempt_write(
        world.student,
        lambda: world.delete_employer_in(
            world.session_of(other), target.employer_id, confirmed=True
        ),
    )


@when(parsers.parse('the student changes the job title at "{name}" to "{title}"'))
def change_job_title(world: World, name: str, title: str) -> None:
    world.attempt_write(
        world.student,
        lambda: world.edit_employer(world.student, name, EmployerEdit(job_title=title)),
    )


@when(parsers.parse('the student changes the employer name of "{name}" to "{new_name}"'))
def change_employer_name(world: World, name: str, new_name: str) -> None:
    edit = EmployerEdit(employer_name=new_name)
    world.attempt_write(world.student, lambda: world.edit_employer(world.student, name, edit))


@then(parsers.parse('the student sees the employer "{name}"'))
@then(parsers.parse('the student still sees the employer "{name}"'))
@then(parsers.parse('the first student still sees the employer "{name}"'))
def sees_employer(world: World, name: str) -> None:
    world.employer_named(world.student, name)


@then(parsers.parse('the student no longer sees the employer "{name}"'))
@then(parsers.parse('the student does not see the employer "{name}"'))
def does_not_see_employer(world: World, name: str) -> None:
    names = [e.employer_name for e in world.employers(world.student)]
    if name in names:
        raise ScenarioFailure(f"the student still sees the employer {name!r} (sees {names})")


@then("the student sees no employers")
def sees_no_employers(world: World) -> None:
    names = [e.employer_name for e in world.employers(world.student)]
    if names:
        raise ScenarioFailure(f"expected no employers; the student sees {names}")


@then("the other student sees no employers")
def other_sees_no_employers(world: World) -> None:
    names = [e.employer_name for e in world.employers(world.other_student)]
    if names:
        raise ScenarioFailure(f"expected no employers; the other student sees {names}")


@then(parsers.parse('the student sees the employer "{name}" exactly as it was before the deletion'))
def sees_employer_as_before(world: World, name: str) -> None:
    before = world.notes(StudentNotes).deleted[name]
    now = world.employer_named(world.student, name)
    if now != before:
        differences = {
            field: (getattr(before, field), getattr(now, field))
            for field in vars(before)
            if getattr(before, field) != getattr(now, field)
        }
        raise ScenarioFailure(f"the restored employer differs from the original: {differences}")


@then(parsers.parse('the student sees "{title}" as the job title at "{name}"'))
def sees_job_title(world: World, title: str, name: str) -> None:
    employer = world.employer_named(world.student, name)
    if employer.job_title != title:
        raise ScenarioFailure(
            f"job title at {name!r} is {employer.job_title!r}, expected {title!r}"
        )


# --- authorizations and the unemployment counter ----------------------------------------


@then("the student sees no OPT authorization")
def sees_no_authorization(world: World) -> None:
    seen = world.authorizations_in(world.session_of(world.student))
    if seen:
        raise ScenarioFailure(f"expected no OPT authorization; the student sees {seen}")


@then(parsers.parse('the student sees no "{label}" authorization'))
def sees_no_authorization_of(world: World, label: str) -> None:
    seen = world.authorizations_in(world.session_of(world.student))
    found = [a for a in seen if a.opt_type.label == label]
    if found:
        raise ScenarioFailure(f"expected no {label} authorization; the student sees {found}")


@then(parsers.parse('the student still sees a "{label}" authorization'))
def still_sees_authorization_of(world: World, label: str) -> None:
    seen = world.authorizations_in(world.session_of(world.student))
    if not any(a.opt_type.label == label and a.status is OptStatus.APPROVED for a in seen):
        raise ScenarioFailure(
            f"expected an approved {label} authorization; the student sees {seen}"
        )


@then(parsers.parse("the unemployment counter shows {used:d} of {allowed:d} days used"))
def unemployment_shows(world: World, used: int, allowed: int) -> None:
    counter = world.unemployment_in(world.session_of(world.student))
    world.notes(StudentNotes).unemployment_seen = counter.days_used
    # Whether the current day counts is not stated anywhere: accept either reading.
    if counter.days_allowed != allowed or counter.days_used not in (used, used + 1):
        raise ScenarioFailure(
            f"expected {used} (or {used + 1}) of {allowed} days used; the counter shows "
            f"{counter.days_used} of {counter.days_allowed}"
        )


@then("the unemployment counter has not moved")
def unemployment_unchanged(world: World) -> None:
    counter = world.unemployment_in(world.session_of(world.student))
    seen = world.notes(StudentNotes).unemployment_seen
    if counter.days_used != seen:
        raise ScenarioFailure(
            f"the counter moved from {seen} to {counter.days_used} "
            "days while the student was employed"
        )


@then(parsers.parse("the unemployment counter allows {allowed:d} days"))
def unemployment_allows(world: World, allowed: int) -> None:
    counter = world.unemployment_in(world.session_of(world.student))
    if counter.days_allowed != allowed:
        raise ScenarioFailure(f"the counter allows {counter.days_allowed} days, expected {allowed}")


# --- contact information ---------------------------------------------------------------


@when("the student changes their phone number")
def change_phone(world: World) -> None:
    student, notes = world.student, world.notes(StudentNotes)
    notes.old_phone = world.profile_in(world.session_of(student)).phone
    notes.new_phone = world.data.phone()
    world.update_contact(student, ContactUpdate(phone=notes.new_phone))


@when(parsers.parse('the student changes their phone number to "{phone}"'))
def change_phone_to(world: World, phone: str) -> None:
    student = world.student
    world.attempt_write(student, lambda: world.update_contact(student, ContactUpdate(phone=phone)))


@when(parsers.parse("the student changes their address to one with {problem}"))
def change_address_badly(world: World, problem: str) -> None:
    student = world.student
    current = world.profile_in(world.session_of(student)).us_address
    world.notes(StudentNotes).old_address = current
    bad = ADDRESS_PROBLEMS[problem](current)
    world.attempt_write(
        world.student, lambda: world.update_contact(student, ContactUpdate(us_address=bad))
    )


@then("the student's address is unchanged")
def address_unchanged(world: World) -> None:
    now = world.profile_in(world.session_of(world.student)).us_address
    if now != world.notes(StudentNotes).old_address:
        raise ScenarioFailure(f"the address changed to {now} after a refused update")


@then("the History page shows the phone change with the old and the new number")
def history_shows_phone_change(world: World) -> None:
    notes = world.notes(StudentNotes)
    entries = world.history_in(world.session_of(world.student))
    if not any(e.old_value == notes.old_phone and e.new_value == notes.new_phone for e in entries):
        raise ScenarioFailure(
            f"no history entry from {notes.old_phone!r} to {notes.new_phone!r}: {entries}"
        )


# --- history ------------------------------------------------------------------------------


@then(parsers.parse('the History page shows the deletion of "{name}"'))
def history_shows_deletion(world: World, name: str) -> None:
    entries = world.history_in(world.session_of(world.student))
    if not any(records_employer(e, HistoryKind.EMPLOYER_DELETED, name) for e in entries):
        raise ScenarioFailure(f"no History entry records the deletion of {name!r}: {entries}")


@then(parsers.parse('the History page still shows that "{name}" was added'))
def history_shows_added(world: World, name: str) -> None:
    entries = world.history_in(world.session_of(world.student))
    if not any(records_employer(e, HistoryKind.EMPLOYER_ADDED, name) for e in entries):
        raise ScenarioFailure(f"the History page no longer shows {name!r}: {entries}")


@given("the student noted every entry on the History page")
def notes_history(world: World) -> None:
    world.notes(StudentNotes).history_noted = world.history_in(world.session_of(world.student))


@then("the History page still shows every entry the student noted")
def history_still_shows_noted(world: World) -> None:
    """The whole list, in order: nothing the student saw before is lost or rewritten."""
    now = iter(world.history_in(world.session_of(world.student)))
    noted = world.notes(StudentNotes).history_noted
    lost = [entry for entry in noted if not any(entry == e for e in now)]
    if lost:
        raise ScenarioFailure(f"the History page lost or rewrote {len(lost)} entries: {lost}")


# --- secrets --------------------------------------------------------------------------------


@then("no email, view or history entry contains any of the student's passwords")
def no_password_anywhere(world: World) -> None:
    student = world.student
    session = world.session_of(student)
    texts = [(f"email {m.subject!r}", m.text + (m.content.html or "")) for m in world.all_mail()]
    texts += [
        ("profile", repr(world.profile_in(session))),
        ("employers", repr(world.employers_in(session))),
        ("history", repr(world.history_in(session))),
    ]
    leaks = [where for where, text in texts for p in student.passwords if p and p in text]
    leaks += world.echoed_passwords()
    if leaks:
        raise ScenarioFailure(f"a password appears in: {sorted(set(leaks))}")


@then("no history entry contains a link token")
def no_token_in_history(world: World) -> None:
    student = world.student
    tokens = [m.link_parameter("token") for m in world.mail_to(student.email)]
    history = repr(world.history_in(world.session_of(student)))
    leaked = [t for t in tokens if t and t in history]
    if leaked:
        raise ScenarioFailure(f"{len(leaked)} link token(s) appear on the History page")


@then(parsers.parse('the portal refuses with "{code}"'))
def portal_refuses(world: World, code: str) -> None:
    world.expect_refusal(error_code(code))
