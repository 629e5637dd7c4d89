"""The pytest plugin in a throwaway project: tags as strict markers, profiles, the
matrix, reports and expected failures."""

from __future__ import annotations

import json

import pytest

pytest_plugins = ["pytester"]

FEATURE = """\
@faq-2 @core
Feature: Deletion
  Background:
    Given a logged-in student on post-completion OPT
    And the student works for "Acme Robotics"

  @rule-delete-needs-confirmation
  Scenario: Refused without confirmation
    When the student deletes the employer "Acme Robotics" without confirming they never worked there
    Then the portal refuses with "never-worked-confirmation-required"

  @rule-delete-recorded
  Scenario: Wrongly expects a refusal
    When the student deletes the employer "Acme Robotics" confirming they never worked there
    Then the portal refuses with "never-worked-confirmation-required"
"""
FUTURE = """\
@faq-10 @future @rule-dso-notified-of-changes
Feature: Future
  Scenario: Notified
    Given a logged-in student on post-completion OPT
    Then the DSO receives a notification of the student's change
"""
SUITE = """
from pytest_bdd import scenarios
scenarios("features")
"""


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makeconftest('pytest_plugins = ["harness.plugin"]')
    features = pytester.mkdir("features")
    (features / "deletion.feature").write_text(FEATURE)
    (features / "future.feature").write_text(FUTURE)
    pytester.makepyfile(test_suite=SUITE)
    return pytester


def run(project: pytest.Pytester, *args: str) -> pytest.RunResult:
    return project.runpytest_inprocess("-p", "no:cacheprovider", "--strict-markers", *args)


def test_tags_are_registered_markers_and_the_matrix_is_printed(project: pytest.Pytester) -> None:
    result = run(project, "--harness-matrix")
    result.assert_outcomes(passed=1, failed=1, skipped=1)
    result.stdout.fnmatch_lines(
        [
            "*SEVP Portal conformance: rule by rule*",
            "delete-needs-confirmation *passed",
            "delete-recorded *failed",
            "dso-notified-of-changes *not implemented (future)",
        ]
    )


def test_a_profile_selects_scenarios_and_future_is_reported_not_failed(
    project: pytest.Pytester,
) -> None:
    run(project, "--harness-profile", "extended").assert_outcomes(skipped=3)
    future = run(project, "--harness-profile", "core", "--harness-profile", "future")
    future.assert_outcomes(passed=1, failed=1, skipped=1)  # the future rule is never failed
    alone = run(project, "--harness-profile", "future", "--harness-matrix", "-rs")
    alone.assert_outcomes(skipped=3)
    alone.stdout.fnmatch_lines(
        ["dso-notified-of-changes *not implemented (future)", "ERROR: no scenario ran*"]
    )
    assert alone.ret == 3  # nothing was tested: never "passed", never "failed"


def test_an_unknown_rule_tag_is_a_usage_error(project: pytest.Pytester) -> None:
    (project.path / "features" / "deletion.feature").write_text(
        FEATURE.replace("@rule-delete-recorded", "@rule-no-such-rule")
    )
    result = run(project)
    assert result.ret != 0
    result.stdout.fnmatch_lines(["*'rule-no-such-rule' not found in `markers`*"])


def test_the_seed_repeats_the_data(project: pytest.Pytester) -> None:
    run(project, "--harness-seed", "99").stdout.fnmatch_lines(["*data seed 99*"])


def expect(project: pytest.Pytester, *scenarios: str) -> str:
    path = project.path / "expected.json"
    entries = [{"scenario": s, "reason": "ticket T-1"} for s in scenarios]
    path.write_text(json.dumps({"expected_failures": entries}))
    return str(path)


def test_a_listed_failure_does_not_fail_the_run(project: pytest.Pytester) -> None:
    listed = expect(project, "Deletion: Wrongly expects a refusal")
    result = run(project, "--harness-expected-failures", listed)
    result.assert_outcomes(passed=1, xfailed=1, skipped=1)
    assert result.ret == 0


def test_a_listed_scenario_that_passes_fails_the_run_as_stale(project: pytest.Pytester) -> None:
    listed = expect(
        project, "Deletion: Wrongly expects a refusal", "Deletion: Refused without confirmation"
    )
    result = run(project, "--harness-expected-failures", listed)
    result.assert_outcomes(failed=1, xfailed=1, skipped=1)
    result.stdout.fnmatch_lines(
        ["*expected failure now passes: remove entry 'Deletion: Refused without confirmation'*"]
    )
    assert "XPASS" not in result.stdout.str()


def test_the_matrix_says_expected_failure_and_deselected_entries_are_not_stale(
    project: pytest.Pytester,
) -> None:
    listed = expect(project, "Deletion: Wrongly expects a refusal")
    result = run(project, "--harness-expected-failures", listed, "--harness-matrix")
    result.stdout.fnmatch_lines(["delete-recorded *expected failure"])
    only_other = run(project, "--harness-expected-failures", listed, "-k", "Refused")
    only_other.assert_outcomes(passed=1)
    assert only_other.ret == 0


def test_a_new_failure_prints_the_entry_to_add(project: pytest.Pytester) -> None:
    result = run(project)
    result.stdout.fnmatch_lines(
        ['{"scenario": "Deletion: Wrongly expects a refusal", "reason": "<why, and the ticket>"}']
    )


def test_an_entry_naming_no_scenario_is_a_usage_error(project: pytest.Pytester) -> None:
    listed = expect(project, "Deletion: No such scenario")
    result = run(project, "--harness-expected-failures", listed)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*stale expected-failures entries*No such scenario*"])


def test_the_report_folder_gets_every_format(project: pytest.Pytester) -> None:
    reports = project.path / "reports"
    run(project, "--harness-report-dir", str(reports))
    assert {p.name for p in reports.iterdir()} >= {
        "junit.xml",
        "cucumber.json",
        "report.json",
        "report.html",
        "summary.md",
    }
    report = json.loads((reports / "report.json").read_text())
    failed = [s for s in report["scenarios"] if s["outcome"] == "failed"]
    assert len(failed) == 1 and failed[0]["rerun"]
    evidence = "\n".join(failed[0]["evidence"])
    assert "step: When the student deletes" in evidence  # the trace
    assert "Create an SEVP Portal account" in evidence  # the student's mail
    assert "Employer deleted in the portal" in evidence  # the SEVIS event history


def test_parallel_workers_share_the_seed_and_the_matrix_reaches_the_controller(
    project: pytest.Pytester,
) -> None:
    result = run(project, "-n", "2", "--harness-seed", "5", "--harness-matrix")
    result.assert_outcomes(passed=1, failed=1, skipped=1)
    result.stdout.fnmatch_lines(["delete-needs-confirmation *passed", "*data seed 5*"])


def test_parallel_runs_against_one_attached_portal_are_refused(project: pytest.Pytester) -> None:
    result = run(project, "-n", "2", "--harness-target", "http://127.0.0.1:9")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*not supported*--harness-target-cmd*"])


def test_a_passed_verdict_never_hides_a_failing_test_beside_the_scenarios(
    project: pytest.Pytester,
) -> None:
    project.makepyfile(test_other="def test_broken():\n    assert False\n")
    result = run(project, "-k", "Refused or broken")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["PASSED: every scenario that ran passed*"])
    assert result.ret == pytest.ExitCode.TESTS_FAILED


def test_a_scenario_no_worker_took_is_not_run_not_unselected() -> None:
    """The run stopped before a worker took it: the controller learns it from what the
    workers collected, so the matrix says "not run" for its rule, never "not selected"."""
    from types import SimpleNamespace

    from harness.plugin import _COLLECTED, _XdistWorkers
    from harness.results import RuleStatus, rule_matrix
    from harness.verdict import Outcome, RunState, ScenarioResult

    ran = ScenarioResult(
        "s.py::test_a", "Deletion", "Refused", ("delete-needs-confirmation",), (), "core"
    )
    ran.outcome = Outcome.PASSED
    untaken = ScenarioResult(
        "s.py::test_b", "Deletion", "Recorded", ("delete-recorded",), (), "core"
    )
    results = {ran.nodeid: ran}
    node = SimpleNamespace(workeroutput={_COLLECTED: [ran.to_dict(), untaken.to_dict()]})
    _XdistWorkers(results, RunState()).pytest_testnodedown(node, None)
    assert results[ran.nodeid].outcome is Outcome.PASSED  # what a worker reported stands
    assert results[untaken.nodeid].outcome is Outcome.NOT_RUN
    statuses = {row.rule.rule_id: row.status for row in rule_matrix(list(results.values()))}
    assert statuses["delete-recorded"] is RuleStatus.NOT_RUN
