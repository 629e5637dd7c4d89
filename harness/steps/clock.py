"""Steps that move time: days passing, the OPT end date, the six-month access window."""

from __future__ import annotations

from datetime import date, timedelta

from pytest_bdd import given, parsers, when

from harness.world import World
from simulators.common.clock import add_months
from simulators.common.domain import LIMITS


@when(parsers.parse("{days:d} days pass"))
def days_pass(world: World, days: int) -> None:
    world.advance(timedelta(days=days))


@when(parsers.parse("{days:d} days pass without a login"))
def days_pass_without_login(world: World, days: int) -> None:
    world.advance(timedelta(days=days))


@when(parsers.parse("{days:d} days pass, the student logging in monthly"))
def days_pass_logging_in(world: World, days: int) -> None:
    world.advance_logging_in(world.student, world.clock.today() + timedelta(days=days))


@when(parsers.parse("{days:d} days pass after the OPT start date, the student logging in monthly"))
def days_after_opt_start(world: World, days: int) -> None:
    student = world.student
    assert student.opt_start is not None
    world.advance_logging_in(student, student.opt_start + timedelta(days=days))


@given("the post-completion OPT end date has passed with the student logging in monthly")
def post_completion_end_passed(world: World) -> None:
    student = world.student
    assert student.opt_end is not None
    world.advance_logging_in(student, student.opt_end + timedelta(days=10))


def _six_months_after(world: World, which: str) -> date:
    student = world.student
    start = {"completion": student.completed_on, "authorized OPT end": student.opt_end}[which]
    assert start is not None, f"the scenario has no {which} date yet"
    return add_months(start, LIMITS.access_after_opt_end_months)


_MOMENT = "time passes to the day {side} six months after the {which} date"


def _target(world: World, side: str, which: str) -> date:
    offset = {"before": -1, "after": 1}[side]
    return _six_months_after(world, which) + timedelta(days=offset)


@when(parsers.parse(_MOMENT))
def time_passes_to(world: World, side: str, which: str) -> None:
    world.advance_to(_target(world, side, which))


@when(parsers.parse(_MOMENT + ", the student logging in monthly"))
def time_passes_to_logging_in(world: World, side: str, which: str) -> None:
    world.advance_logging_in(world.student, _target(world, side, which))


@when("the password reset link's lifetime passes, less an hour")
def reset_link_lifetime_less_an_hour(world: World) -> None:
    world.advance(timedelta(hours=world.readings.password_reset_link_hours - 1))


_NOTICE_DUE = 'time passes to the day {side} the "access closing" email is due'


@when(parsers.parse(_NOTICE_DUE + ", the student logging in monthly"))
def time_passes_around_closing_notice(world: World, side: str) -> None:
    """The access closing email is due ``closure_warning_days`` before access closes; the
    sources leave open whether on that very day, so the scenarios stand a day clear."""
    due = _six_months_after(world, "authorized OPT end") - timedelta(
        days=LIMITS.closure_warning_days
    )
    world.advance_logging_in(world.student, due + timedelta(days={"before": -1, "after": 1}[side]))


@when(parsers.parse('the "{notice}" link\'s lifetime passes'))
def link_lifetime_passes(world: World, notice: str) -> None:
    """Just past the lifetime of the notice's link: 14 days for the account creation link
    (the send day is day 1), the reset links' hours (and a minute) for the others."""
    lifetimes = {
        "account creation": timedelta(days=LIMITS.registration_link_days),
        "password reset": timedelta(hours=world.readings.password_reset_link_hours, minutes=1),
        "account reset": timedelta(hours=world.readings.account_reset_hours, minutes=1),
    }
    if notice not in lifetimes:
        raise ValueError(f"no link lifetime for {notice!r}; say one of {sorted(lifetimes)}")
    world.advance(lifetimes[notice])
