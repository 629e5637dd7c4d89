"""The console's live view: one line a scenario with its result and the count done of the
total, in place of pytest's dots, in one process and under xdist."""

from __future__ import annotations

import re

import pytest

from harness.live_view import scenario_line
from harness.verdict import Outcome, ScenarioResult
from tests.unit.harness.test_plugin import project, run

__all__ = ["project"]  # the fixture, shared with the plugin's tests

pytest_plugins = ["pytester"]

#: A live line: the result, the count done of the total, the feature and the scenario.
LIVE_LINE = re.compile(r"^(passed|failed|not applicable) +(\d)/3  (\w+): (.+)$")


def live_lines(text: str) -> list[tuple[str, str, str, str]]:
    return [match.groups() for match in map(LIVE_LINE.match, text.splitlines()) if match]


def test_each_scenario_gets_a_line_with_its_result_and_the_count_done(
    project: pytest.Pytester,
) -> None:
    result = run(project, "--harness-gherkin", "--harness-matrix", "--harness-seed", "7")
    result.assert_outcomes(passed=1, failed=1, skipped=1)  # pytest's counts are kept
    assert live_lines(result.stdout.str()) == [
        ("passed", "1", "Deletion", "Refused without confirmation"),
        ("failed", "2", "Deletion", "Wrongly expects a refusal"),
        ("not applicable", "3", "Future", "Notified"),
    ]
    text = result.stdout.str()
    # no dots, no test ids beside the lines; the failure's view, the matrix and the verdict stay
    assert not re.search(r"^[.sF]+ *(\[ *\d+%\])?$", text, re.MULTILINE)
    assert "test_suite.py::" not in text.split("FAILURES")[0]
    result.stdout.fnmatch_lines(
        ["*Scenario: Wrongly expects a refusal*", "delete-recorded *failed", "FAILED: *"]
    )


def test_under_xdist_the_controller_prints_every_scenario_once(project: pytest.Pytester) -> None:
    result = run(project, "--harness-gherkin", "-n", "2", "--harness-seed", "5")
    result.assert_outcomes(passed=1, failed=1, skipped=1)
    lines = live_lines(result.stdout.str())
    assert sorted(count for _, count, _, _ in lines) == ["1", "2", "3"]
    assert {(outcome, scenario) for outcome, _, _, scenario in lines} == {
        ("passed", "Refused without confirmation"),
        ("failed", "Wrongly expects a refusal"),
        ("not applicable", "Notified"),
    }
    assert "[gw" not in result.stdout.str().split("FAILURES")[0]  # no worker's test ids


def test_steps_are_listed_under_each_line_on_request(project: pytest.Pytester) -> None:
    result = run(project, "--harness-gherkin", "--harness-steps", "-q")
    result.stdout.fnmatch_lines(
        [
            "passed *1/3  Deletion: Refused without confirmation",
            "    passed    Given a logged-in student on post-completion OPT  (* ms)",
        ]
    )


def test_without_the_option_pytest_users_keep_their_dots(project: pytest.Pytester) -> None:
    result = run(project, "--harness-seed", "7")
    assert live_lines(result.stdout.str()) == []
    result.stdout.fnmatch_lines(["test_suite.py .Fs*"])


def test_a_line_names_an_outline_example_and_aligns_its_count() -> None:
    result = ScenarioResult(
        "t.py::test_logout[viewing the profile]", "Sessions", "Logged out", (), (), "core"
    )
    result.outcome = Outcome.EXPECTED_FAILURE
    assert scenario_line(result, 7, 147) == (
        "expected failure    7/147  Sessions: Logged out [viewing the profile]"
    )
