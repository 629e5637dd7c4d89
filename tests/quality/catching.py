"""How a seeded bug is caught, shared by the in-process and the over-the-wire bug tests: a
run of a selection of the suite, its failures with the scenario, step and reason, and the
two ways a failure can be caught for the wrong reason (a crash, or a broken Given step)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import pytest

from harness.gherkin import ScenarioSpec, read_scenarios
from harness.suite import FEATURES_DIR

SUITE = f"""
from pytest_bdd import scenarios
scenarios({str(FEATURES_DIR)!r})
"""
#: A failure reason that starts with an exception's name is a crash, not a check.
CRASH = re.compile(r"^(?!PortalError)[A-Za-z_.]*(Error|Exception|Exit):")


@dataclass(frozen=True)
class Failure:
    scenario: str
    reason: str
    step: str  # the step that failed, as its evidence names it ("step: Then ...")


def run_selection(pytester: pytest.Pytester, conftest: str, selection: str) -> tuple[int, list]:
    """Run the scenarios the ``-m`` expression ``selection`` picks, with ``conftest``; the
    count that passed and the failures with their scenario and reason."""
    pytester.makeconftest(conftest)
    pytester.makepyfile(test_suite=SUITE)
    recorded = pytester.inline_run("-p", "no:cacheprovider", "-m", selection, "-q")
    passed = len(recorded.listoutcomes()[0])
    failures = []
    for report in recorded.getfailures():
        result = dict(report.user_properties).get("sevp-harness-result", {})
        steps = [line for line in result.get("evidence", []) if line.startswith("step: ")]
        failures.append(
            Failure(
                result.get("scenario", report.nodeid),
                result.get("reason", ""),
                steps[-1] if steps else "",
            )
        )
    return passed, failures


@cache
def _scenarios() -> tuple[ScenarioSpec, ...]:
    return tuple(read_scenarios())


def in_setup(failure: Failure) -> bool:
    """Whether the failure came from a Given step: the bug broke the way there, and the
    scenario never reached the behaviour it checks."""
    spec = next((s for s in _scenarios() if s.name == failure.scenario), None)
    if spec is None or not failure.step:
        return False
    text = failure.step.split(" ", 2)[-1]
    types = {kind for kind, step in spec.steps if step == text}
    return types == {"given"}


def wrong_reason(failure: Failure) -> str:
    """Why ``failure`` does not show a check of the rule ("" when it does)."""
    if CRASH.match(failure.reason):
        return f"it crashed the scenario: {failure.reason}"
    if in_setup(failure):
        return f"it broke the scenario's setup, not its checks: {failure.step}: {failure.reason}"
    return ""
