"""What QA authors and CI readers see of a run: the console's Gherkin view of a failure,
every step with ``-v``, and JUnit XML as a CI system's JUnit reader takes it."""

from __future__ import annotations

from pathlib import Path

import pytest
from junitparser import Failure, JUnitXml, Properties, Skipped

from tests.unit.harness.test_plugin import project, run

__all__ = ["project"]  # the fixture, shared with the plugin's tests

pytest_plugins = ["pytester"]

FAILED_STEP = 'Then the portal refuses with "never-worked-confirmation-required"'
MESSAGE = "expected the portal to refuse with 'never-worked-confirmation-required'; it accepted"


def test_a_failure_is_shown_in_gherkin_with_its_steps_message_and_rerun(
    project: pytest.Pytester,
) -> None:
    result = run(project, "--harness-seed", "7")
    result.assert_outcomes(passed=1, failed=1, skipped=1)
    result.stdout.fnmatch_lines(
        [
            "Feature: Deletion",
            "  Scenario: Wrongly expects a refusal  (features/deletion.feature:13)",
            "    passed    Given a logged-in student on post-completion OPT  (* ms)",
            '    passed    And the student works for "Acme Robotics"  (* ms)',
            "    passed    When the student deletes the employer * confirming they never worked there  (* ms)",
            f"  > failed    {FAILED_STEP}  (* ms)",
            "",
            f"  {MESSAGE}",
            "",
            "  last exchanges and events:",
            "    SEVIS * Employer deleted in the portal -> Active by System Interface",
            "",
            "  rerun: portal-harness run --seed 7 * -k 'test_wrongly_expects_a_refusal'",
        ]
    )
    # the one-line summary gives the message, not the view's first line
    result.stdout.fnmatch_lines(
        ["FAILED test_suite.py::test_wrongly_expects_a_refusal - expected*"]
    )
    text = result.stdout.str()
    assert "_pytest" not in text and "Traceback" not in text and "def " not in text
    # the passing scenario's steps are not listed without -v
    assert "without confirming they never worked there" not in text


def test_tracebacks_stay_behind_an_option(project: pytest.Pytester) -> None:
    result = run(project, "--harness-tracebacks")
    result.assert_outcomes(passed=1, failed=1, skipped=1)
    assert "  > failed" not in result.stdout.str()
    result.stdout.fnmatch_lines(["E   *expected the portal to refuse*"])


def test_verbose_lists_every_step_of_every_scenario(project: pytest.Pytester) -> None:
    result = run(project, "-v")
    result.stdout.fnmatch_lines(
        [
            "test_suite.py::test_refused_without_confirmation PASSED*",
            "    passed    Given a logged-in student on post-completion OPT  (* ms)",
            '    passed    And the student works for "Acme Robotics"  (* ms)',
            "    passed    When the student deletes * without confirming they never worked there  (* ms)",
            f"    passed    {FAILED_STEP}  (* ms)",
        ]
    )


def test_junit_names_scenarios_as_written_with_rules_steps_and_the_message(
    project: pytest.Pytester, tmp_path: Path
) -> None:
    reports = tmp_path / "reports"
    run(project, "--harness-seed", "7", "--harness-report-dir", str(reports))
    xml = JUnitXml.fromfile(str(reports / "junit.xml"))
    cases = {(case.classname, case.name): case for suite in xml for case in suite}
    assert set(cases) == {
        ("Deletion", "Refused without confirmation"),
        ("Deletion", "Wrongly expects a refusal"),
        ("Future", "Notified"),
    }
    failed = cases["Deletion", "Wrongly expects a refusal"]
    [failure] = failed.result
    assert isinstance(failure, Failure)
    assert failure.message == MESSAGE and failure.text == MESSAGE  # no traceback
    properties = {(p.name, p.value) for p in failed.child(Properties)}
    assert {("rule", "delete-recorded"), ("faq", "2"), ("profile", "core")} <= properties
    assert ("location", "features/deletion.feature:13") in properties
    assert not any(name.startswith("sevp-harness") for name, _ in properties)
    out = failed.system_out or ""
    assert "    passed    Given a logged-in student on post-completion OPT" in out
    assert f"  > failed    {FAILED_STEP}" in out
    assert "Employer deleted in the portal" in out  # the evidence
    assert "rerun: portal-harness run --seed 7" in out
    assert cases["Deletion", "Refused without confirmation"].is_passed
    assert isinstance(cases["Future", "Notified"].result[0], Skipped)
    suite_properties = {p.name: p.value for suite in xml for p in suite.properties()}
    assert suite_properties["sevp-harness-verdict"] == "failed"
