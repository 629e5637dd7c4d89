"""Steps that could not fail where they should, held to what they must see: a burst of
emails waited for in full, passwords made from the declared specials, a profile's name
parts traced, a crash never read as an answer, a declared mail delay waited out, and an
employer edit's refusal checked for changes."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from fixtures.factories import DataFactory
from harness.drivers.errors import TargetError, TargetFault
from harness.steps import fields, mail, security, sessions, student
from harness.targets import in_memory_world
from harness.untouched import Untouched
from harness.world import ScenarioFailure, World
from simulators.common.contract import ContactUpdate, ErrorCode, PortalError
from simulators.common.domain import PasswordRules
from simulators.common.readings import Readings


def fresh_world(namespace: str) -> World:
    return in_memory_world(DataFactory(seed=23, namespace=namespace))


def record_waits(world: World, monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The timeouts of the world's mail waits, which end at once."""
    waits: list[float] = []

    def wait_until(ready: Any, timeout: float) -> bool:
        waits.append(timeout)
        return bool(ready())

    monkeypatch.setattr(world.mail, "wait_until", wait_until)
    return waits


# --- 1: a burst of emails is waited for in full -------------------------------------------


def test_fewer_emails_than_waits_for_the_count_it_must_not_reach(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    world = fresh_world("burst")
    student.registered_student(world, "post-completion")
    asked: list[int] = []
    monkeypatch.setattr(
        world,
        "emails",
        lambda who, notice, folder=None, *, at_least=1: asked.append(at_least) or [],
    )
    security.fewer_emails_than(world, 10, "password reset")
    assert asked == [10]


# --- 2: passwords from the declared special characters ------------------------------------


@pytest.mark.parametrize("specials", ["!@#$%^&*", "~", "-_"])
def test_password_of_length_breaks_only_the_length(specials: str) -> None:
    world = fresh_world("lengths")
    world.use_readings(Readings(password_special_characters=specials))
    policy = world.readings.password_policy()
    minimum = PasswordRules().min_length
    exact = world.password_of_length(minimum)
    short = world.password_of_length(minimum - 1)
    assert len(exact) == minimum and len(short) == minimum - 1
    assert policy.problems(exact) == []
    assert policy.problems(short) == [f"must be at least {minimum} characters"]
    assert "!" not in exact or "!" in specials


# --- 3: a profile's name parts are traced -----------------------------------------------------


@pytest.fixture
def two_students() -> World:
    world = fresh_world("isolation")
    student.logged_in_student(world, "post-completion")
    student.another_logged_in_student(world, "post-completion")
    return world


def test_the_first_students_name_parts_and_street_are_traced(two_students: World) -> None:
    first, other = two_students.student, two_students.other_student
    profile = two_students.profile_in(two_students.session_of(first))
    # the first student's name and street in a profile otherwise the other student's own
    leaked = replace(profile, sevis_id=other.sevis_id, email=other.email, phone=other.new.phone)
    traces = sessions._traces_of(two_students, first)
    found = [what for what, value in traces.items() if value in repr(leaked)]
    assert {"given name", "surname", "US address street"} <= set(found)
    own = two_students.profile_in(two_students.session_of(other))
    assert not [what for what, value in traces.items() if value in repr(own)]


def test_a_name_part_both_students_share_is_no_trace(two_students: World) -> None:
    first, other = two_students.student, two_students.other_student
    other.new = replace(other.new, surname=first.new.surname)
    assert "surname" not in sessions._traces_of(two_students, first)


# --- 4: a crash is never an answer ------------------------------------------------------------


def crash() -> None:
    raise TargetError(TargetFault.SERVER_ERROR, "login", "POST", "/sessions", "boom", 500)


def test_a_crash_is_not_an_answer_of_the_portal() -> None:
    with pytest.raises(TargetError):
        security._answer(crash)


def test_a_refusal_the_contract_knows_is_an_answer() -> None:
    def refuse() -> None:
        raise PortalError(ErrorCode.ACCOUNT_LOCKED, "locked")

    assert security._answer(refuse) == ErrorCode.ACCOUNT_LOCKED.value
    assert security._answer(lambda: None) == "accepted"


def test_an_outsiders_refusal_outside_the_contract_is_still_read() -> None:
    def unauthenticated() -> None:
        raise TargetError(TargetFault.CONTRACT_VIOLATION, "reset", "POST", "/x", "no", 401)

    assert security._outsider_answer(unauthenticated) == "refused 401"


def test_two_crashing_logins_do_not_read_as_the_same_answer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    world = fresh_world("crashes")
    student.registered_student(world, "post-completion")
    monkeypatch.setattr(world, "try_login", lambda who, password: crash())
    with pytest.raises(TargetError):
        security.same_answer_for_every_password(world)
    with pytest.raises(TargetError):
        security.old_password_refused(world)


# --- 5: a declared mail delay is waited out ------------------------------------------------


def test_a_second_copy_and_a_refused_writes_email_get_the_declared_delay(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    world = fresh_world("patience")
    student.logged_in_student(world, "post-completion")
    world.use_readings(replace(world.readings, mail_delay_ms=2000))
    assert world.mail_wait == 0 and world.mail_patience > 2
    waits = record_waits(world, monkeypatch)
    world.wait_for_another_copy(world.student, world.notice("account creation"))
    assert waits == [world.mail_patience]
    waits.clear()
    Untouched.observe(world, world.student).changes(world, world.student)
    assert waits == [world.mail_patience]
    waits.clear()
    mail._exactly_one(world, world.student, "account creation")
    assert waits[-2] == world.mail_patience  # the wait for a second copy


# --- 6: a refused employer edit is checked for changes ------------------------------------


def test_a_refused_employer_address_is_checked_for_changes() -> None:
    world = fresh_world("employer-zip")
    student.logged_in_student(world, "post-completion")
    student.works_for(world, "Acme Robotics")
    fields.enter_bad_employer_address(world, "Acme Robotics")
    assert world.last_refusal is not None
    assert world.untouched is not None and world.untouched[0] is world.student
    world.expect_refusal(ErrorCode.VALIDATION_FAILED)


def test_expect_refusal_sees_a_refused_write_that_changed_something() -> None:
    world = fresh_world("employer-zip-changed")
    student.logged_in_student(world, "post-completion")
    student.works_for(world, "Acme Robotics")
    fields.enter_bad_employer_address(world, "Acme Robotics")
    assert world.untouched is not None
    # a change after the observation, as if the refused write had made it
    world.update_contact(world.student, ContactUpdate(phone=world.data.phone()))
    with pytest.raises(ScenarioFailure, match="refused write changed"):
        world.expect_refusal(ErrorCode.VALIDATION_FAILED)
