"""Sessions across time: when the world logs a student in again (``World.session_of``), and
proof that it matters: against a reference with a 30-minute idle timeout, the scenarios
that move the clock fail with session-invalid once the re-login is switched off."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from fixtures.factories import DataFactory
from harness.drivers.memory import reference_portal
from harness.steps import clock, student
from harness.targets import in_memory_world
from harness.world import World
from simulators.common.contract import ErrorCode, PortalError
from simulators.common.domain import PortalSettings
from tests.scenarios.session_limits import IDLE_30_MINUTES

pytest_plugins = ["pytester"]

#: What a world declares for a portal whose sessions never idle out (in effect: about 1,900
#: years): the harness then never logs in again on its own, as before sessions across time
#: were handled.
NEVER = 10**9


def declare_idle_timeout(world: World, minutes: int | None) -> None:
    """The portal under test declares this idle timeout: the world reads it from there."""
    world.use_readings(replace(world.readings, session_idle_timeout_minutes=minutes))


def world_with(settings: PortalSettings | None = None) -> World:
    return in_memory_world(
        DataFactory(seed=17, namespace="sessions"),
        lambda *seams: reference_portal(*seams, settings=settings),
    )


@pytest.fixture
def world() -> World:
    built = world_with()
    student.logged_in_student(built, "post-completion")
    return built


def re_logins(world: World) -> list[str]:
    return [line for line in world.evidence.lines() if "logs in again" in line]


def test_no_clock_move_keeps_the_session(world: World) -> None:
    first = world.session_of(world.student)
    assert world.session_of(world.student) == first
    assert not re_logins(world)


def test_with_no_declaration_any_clock_move_logs_the_student_in_again(world: World) -> None:
    first = world.session_of(world.student)
    world.advance(timedelta(minutes=1))
    again = world.session_of(world.student)
    assert again != first and world.student.earlier_sessions[-1] == first
    assert world.session_of(world.student) == again  # once: the new session was just used
    assert len(re_logins(world)) == 1
    assert "declares no idle timeout" in re_logins(world)[0]


def test_a_declared_idle_timeout_logs_in_again_only_once_it_is_reached(world: World) -> None:
    declare_idle_timeout(world, 30)
    first = world.session_of(world.student)
    world.advance(timedelta(minutes=29))
    assert world.session_of(world.student) == first  # used again: the idle time restarts
    world.advance(timedelta(minutes=29))
    assert world.session_of(world.student) == first
    world.advance(timedelta(minutes=30))
    assert world.session_of(world.student) != first
    assert "idle timeout of 0:30:00" in re_logins(world)[0]


def test_a_declared_lifetime_logs_in_again_however_busy_the_session(world: World) -> None:
    """Used every 20 minutes, a session never idles out at 30; at a 12-hour lifetime the
    student still logs in again once 12 hours have passed since the login."""
    world.use_readings(
        replace(
            world.readings,
            session_idle_timeout_minutes=30,
            session_absolute_lifetime_minutes=720,
        )
    )
    world.log_in(world.student)
    first = world.session_of(world.student)
    for _ in range(35):  # 11 h 40 min
        world.advance(timedelta(minutes=20))
        assert world.session_of(world.student) == first
    world.advance(timedelta(minutes=20))  # 12 h
    assert world.session_of(world.student) != first
    assert "a lifetime of 12:00:00" in re_logins(world)[0]


def test_the_re_login_attests(world: World) -> None:
    world.next_morning()
    assert world.portal.employers(world.session_of(world.student)) == []


def test_a_refused_re_login_is_the_students_answer(world: World) -> None:
    """After 91 days without a login the student cannot get in again: the step hears the
    lock, not a stale session's answer."""
    world.advance(timedelta(days=91))
    world.attempt(lambda: world.employers(world.student))
    world.expect_refusal(ErrorCode.ACCOUNT_LOCKED)


def test_a_step_about_the_old_session_still_uses_it(world: World) -> None:
    """'The student's earlier session is refused' speaks of the session itself."""
    world.advance(timedelta(days=1))
    world.portal.request_password_reset(world.student.email)
    world.reset_password_by_email(world.student, "password reset", "Reset-1-Portal-2026!")
    student.earlier_session_refused(world, "session-invalid")


def test_a_day_later_the_same_session_fails_against_a_30_minute_idle_timeout() -> None:
    """The converse, step by step: a session kept across a day is refused."""
    world = world_with(IDLE_30_MINUTES)
    declare_idle_timeout(world, NEVER)
    student.logged_in_student(world, "post-completion")
    student.works_for(world, "Acme Robotics")
    clock.days_pass(world, 1)
    with pytest.raises(PortalError) as refusal:
        student.sees_employer(world, "Acme Robotics")
    assert refusal.value.code is ErrorCode.SESSION_INVALID


def test_a_day_later_the_student_logs_in_again_against_a_30_minute_idle_timeout() -> None:
    world = world_with(IDLE_30_MINUTES)
    declare_idle_timeout(world, 30)
    student.logged_in_student(world, "post-completion")
    student.works_for(world, "Acme Robotics")
    clock.days_pass(world, 1)
    student.sees_employer(world, "Acme Robotics")
    assert len(re_logins(world)) == 1


# --- the converse, scenario by scenario ---------------------------------------------------

CONFTEST = """
from dataclasses import replace

import pytest

from harness.drivers.memory import reference_portal
from tests.scenarios.session_limits import IDLE_30_MINUTES

pytest_plugins = ["harness.plugin"]


@pytest.fixture
def portal_factory():
    return lambda *seams: reference_portal(*seams, settings=IDLE_30_MINUTES)


@pytest.fixture
def world(world):
    world.use_readings(replace(world.readings, session_idle_timeout_minutes={declared}))
    return world
"""
SUITE = """
from pytest_bdd import scenarios
from harness.suite import FEATURES_DIR
scenarios(str(FEATURES_DIR))
"""
#: The rules whose scenarios keep using a session after a day or more passes (issue 17).
CLOCK_MOVING_RULES = (
    "dso-restores-employer",
    "stem-denial-deletes",
    "stem-employer-by-dso",
    "stem-pending-edit",
    "unemployment-counter",
)


def run_against_idle_timeout(pytester: pytest.Pytester, declared: str) -> pytest.RunResult:
    pytester.makeconftest(CONFTEST.format(declared=declared))
    pytester.makepyfile(test_suite=SUITE)
    selection = " or ".join(f"rule-{rule}" for rule in CLOCK_MOVING_RULES)
    return pytester.runpytest_inprocess(
        "-p", "no:cacheprovider", "-p", "no:randomly", "-m", selection, "-q"
    )


def test_without_re_login_the_clock_moving_rules_fail_with_session_invalid(
    pytester: pytest.Pytester,
) -> None:
    result = run_against_idle_timeout(pytester, str(NEVER))
    failed = result.parseoutcomes().get("failed", 0)
    # each failure's message, under its steps in the Gherkin view
    refusals = [line for line in result.outlines if line.startswith("  PortalError")]
    assert failed >= len(CLOCK_MOVING_RULES), result.outlines
    assert len(refusals) == failed and all("session-invalid" in r for r in refusals), refusals


@pytest.mark.parametrize("declared", ["None", "30"])
def test_with_re_login_the_same_rules_pass(pytester: pytest.Pytester, declared: str) -> None:
    outcome = run_against_idle_timeout(pytester, declared).parseoutcomes()
    assert outcome.get("failed", 0) == 0 and outcome.get("passed", 0) >= 5, outcome
