"""A fuzz step's outcome is a typed value: kinds and codes compare, never text prefixes;
findings still print it as they always read."""

from __future__ import annotations

from typing import NoReturn

from fixtures.factories import DataFactory
from harness.fuzz import REFERENCE
from harness.fuzz._machine import run_step
from harness.fuzz._outcome import NOT_CARRIED_OUT, OK, Outcome, OutcomeKind, raised, refused
from harness.fuzz._sentences import PlayedStep, Sentence, StepFunction
from harness.world import World


def test_outcomes_compare_by_kind_and_code_and_read_as_before() -> None:
    assert raised("account-locked") == Outcome(OutcomeKind.RAISED, "account-locked")
    assert raised("account-locked") != refused("account-locked")
    assert (str(OK), str(refused("session-invalid"))) == ("ok", "refused: session-invalid")
    assert repr(raised("x")) == "'raised: x'"
    crashed = Outcome(OutcomeKind.CRASHED, "KeyError")
    broken = Outcome(OutcomeKind.TARGET_ERROR, "timeout")
    every = (OK, refused("x"), raised("x"), crashed, broken)
    assert [o.carried_out for o in every] == [True, True, False, False, False]
    assert [o.failed_on_its_own for o in every] == [False, False, True, True, False]


def _play(world: World, act: StepFunction) -> tuple[Outcome, str]:
    return run_step(world, PlayedStep(Sentence("When", "the test acts", act), {}))


def test_run_step_says_what_a_step_came_to() -> None:
    world = REFERENCE.build_world(DataFactory(seed=5, namespace="outcomes"))

    def crash(_: World) -> NoReturn:
        raise KeyError("surprise")

    def unmet(_: World) -> NoReturn:
        raise AssertionError("no such email")

    assert _play(world, lambda w: None) == (OK, "")
    assert _play(world, crash)[0] == Outcome(OutcomeKind.CRASHED, "KeyError")
    assert _play(world, unmet) == (NOT_CARRIED_OUT, "no such email")
