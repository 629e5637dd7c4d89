"""The registry of time-moving steps: every entry names real step functions, and a step
that moves the clock without being listed fails its scenario (in memory too)."""

from __future__ import annotations

import importlib
import inspect
from typing import Any

import pytest

from harness import steps, timing
from harness.suite import FEATURES_DIR

pytest_plugins = ["pytester"]


def _step_functions() -> set[str]:
    from pytest_bdd.steps import step_function_context_registry

    return {timing.step_name(c.step_func) for c in step_function_context_registry.values()}


@pytest.mark.parametrize("entry", sorted(timing.TIME_MOVING_STEPS))
def test_every_entry_names_step_functions(entry: str) -> None:
    known = _step_functions()
    if entry in {m.__name__ for m in steps.MODULES}:
        module = importlib.import_module(entry)
        names = {f"{entry}.{n}" for n, f in inspect.getmembers(module, inspect.isfunction)}
        assert names & known, f"{entry} defines no step function"
    else:
        assert entry in known, f"{entry} is not a step function (renamed or removed?)"


UNLISTED_STEP = """
from datetime import timedelta
from pytest_bdd import scenarios, when

@when("a year passes quietly")
def a_year_passes(world):
    world.advance(timedelta(days=365))

scenarios("sneaky.feature")
"""
SNEAKY_FEATURE = """@rule-{rule} @core
Feature: sneaky
  Scenario: time moves in an unlisted step
    When a year passes quietly
"""


def test_a_step_that_moves_time_unlisted_fails_its_scenario(pytester: pytest.Pytester) -> None:
    from harness.catalog import RULES

    pytester.makeconftest('pytest_plugins = ["harness.plugin"]\n')
    pytester.makefile(".feature", sneaky=SNEAKY_FEATURE.format(rule=RULES[0].rule_id))
    pytester.makepyfile(test_sneaky=UNLISTED_STEP)
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", "-q")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*a_year_passes moved the clock*TIME_MOVING_STEPS*"])


def test_the_scenarios_that_move_time_are_found_before_they_run(
    pytester: pytest.Pytester,
) -> None:
    pytester.makeconftest(
        "import pytest\n"
        "from harness import timing\n"
        'pytest_plugins = ["harness.plugin"]\n'
        "MOVING = []\n"
        "def pytest_collection_modifyitems(items):\n"
        "    MOVING.extend(i.name for i in items if timing.time_moving_step(i))\n"
        "def pytest_terminal_summary(terminalreporter):\n"
        "    terminalreporter.write_line(f'moving {len(MOVING)}')\n"
    )
    pytester.makepyfile(
        test_suite=f"from pytest_bdd import scenarios\nscenarios({str(FEATURES_DIR)!r})\n"
    )
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", "-q", "--collect-only")
    moving: Any = [line for line in result.outlines if line.startswith("moving ")]
    assert moving and 5 <= int(moving[0].split()[1]) < 60, moving
