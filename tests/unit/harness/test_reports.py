"""Reports, expected failures and the release-gate diff, on synthetic results."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from harness.catalog import RULES
from harness.diff import CANNOT_COMPARE, diff_reports, render_diff
from harness.evidence import for_terminal, mask_secrets, remember_secret
from harness.expected import (
    ExpectedFailuresError,
    entry_to_add,
    load_expected_failures,
    result_key,
)
from harness.reports import ReportError, RunInfo, build_report, load_report, write_reports
from harness.reports.model import SCHEMA_PATH, Report
from harness.results import Outcome, ScenarioResult, render_matrix, rule_matrix
from harness.verdict import RunState, StepResult, StepStatus, Verdict, decide

INFO = RunInfo(
    implementation="reference",
    contract_version="1.0.0",
    target="http://127.0.0.1:8080/?token=abc123",
    seed=42,
    started_at="2026-11-27T10:00:00+00:00",
    finished_at="2026-11-27T10:00:03+00:00",
    profiles=("core",),
    rerun_base=("portal-harness", "run", "--seed", "42"),
)


def result(name: str, rule: str, outcome: Outcome, **extra: object) -> ScenarioResult:
    return ScenarioResult(
        nodeid=f"suite.py::test_{name.replace(' ', '_')}",
        feature="Accidental employer deletion",
        scenario=name,
        rules=(rule,),
        faqs=(2,),
        profile="core",
        outcome=outcome,
        **extra,  # type: ignore[arg-type]
    )


PASSED = result("confirmed delete", "delete-recorded", Outcome.PASSED)
FAILED = result(
    "delete without confirmation",
    "delete-needs-confirmation",
    Outcome.FAILED,
    reason="the portal accepted; the email or password is wrong: hunter2-Portal!",
    evidence=["step: When the student deletes", "POST /x?token=s3cr3t"],
)


def test_the_report_matches_its_schema_and_masks_secrets() -> None:
    remember_secret("hunter2-Portal!")  # a password the harness typed
    report = build_report(INFO, [PASSED, FAILED]).to_json()
    jsonschema.validate(report, json.loads(SCHEMA_PATH.read_text()))
    text = json.dumps(report)
    assert "s3cr3t" not in text and "hunter2" not in text and "abc123" not in text
    assert "the email or password is wrong" in text  # ordinary words stay
    statuses = {rule["id"]: rule["status"] for rule in report["rules"]}
    assert statuses["delete-needs-confirmation"] == "failed"
    assert statuses["delete-recorded"] == "passed"
    assert statuses["lock-after-failed-logins"] == "not selected"
    failed = next(s for s in report["scenarios"] if s["outcome"] == "failed")
    assert failed["rerun"] == "portal-harness run --seed 42 -k 'test_delete_without_confirmation'"


def test_every_format_is_written_and_shows_the_failure(tmp_path: Path) -> None:
    written = write_reports(build_report(INFO, [PASSED, FAILED]), tmp_path)
    page = written["html"].read_text()
    assert 'id="matrix"' in page and "delete without confirmation" in page
    # self-contained: its one script is inline, nothing is fetched
    assert page.count("<script") == 1 and "<script>" in page
    assert "src=" not in page and "<link" not in page and "url(" not in page
    summary = written["markdown"].read_text()
    assert summary.startswith("# SEVP Portal conformance") and "**FAILED" in summary
    assert load_report(written["json"]).run.seed == 42


def test_the_report_model_round_trips_through_json_valid_against_its_schema() -> None:
    remember_secret("hunter2-Portal!")
    steps = [
        StepResult("Given", "a student typing hunter2-Portal!", 4, StepStatus.PASSED, 0.0041234),
        StepResult("When", "the student deletes", 5, StepStatus.FAILED, 0.002),
        StepResult("Then", "the portal refuses", 6),
    ]
    failing = result("with steps", "delete-needs-confirmation", Outcome.FAILED, steps=steps)
    failing.location = "features/employer_deletion.feature:12"
    accepted = result("known bug", "delete-recorded", Outcome.EXPECTED_FAILURE)
    unclassified = ScenarioResult("n::t", "f", "s", (), (), "core", Outcome.PASSED)
    interrupted = RunState()
    interrupted.interrupt(15)
    schema = json.loads(SCHEMA_PATH.read_text())
    for results, state in [
        ([PASSED, FAILED, failing, accepted, unclassified], RunState()),
        ([PASSED, failing], interrupted),
    ]:
        report = build_report(INFO, results, decide(results, state))
        document = json.loads(json.dumps(report.to_json()))
        jsonschema.validate(document, schema)
        assert Report.from_json(document) == report
        assert Report.from_json(document).to_json() == document
    assert report.verdict.exit_code == 143 and "hunter2" not in json.dumps(document)


def test_a_file_that_is_not_a_report_is_refused_clearly(tmp_path: Path) -> None:
    bad = tmp_path / "other.json"
    bad.write_text('{"hello": 1}')
    with pytest.raises(ReportError, match="not a harness report"):
        load_report(bad)
    with pytest.raises(ReportError, match="no such file"):
        load_report(tmp_path / "missing.json")
    (tmp_path / "broken.json").write_text("{")
    with pytest.raises(ReportError, match="not a JSON report"):
        load_report(tmp_path / "broken.json")
    malformed = build_report(INFO, [PASSED]).to_json()
    del malformed["scenarios"][0]["outcome"]
    (tmp_path / "malformed.json").write_text(json.dumps(malformed))
    with pytest.raises(ReportError, match="malformed report"):
        load_report(tmp_path / "malformed.json")


def test_the_diff_gates_on_new_failures_and_vanished_rules() -> None:
    before = build_report(INFO, [PASSED, result("x", "delete-needs-confirmation", Outcome.PASSED)])
    skipped = result("confirmed delete", "delete-recorded", Outcome.SKIPPED)
    after = build_report(INFO, [skipped, FAILED])
    diff = diff_reports(before, after)
    assert diff.newly_failing == ("delete-needs-confirmation",)
    assert diff.vanished == ("delete-recorded",)
    assert diff.regressed and "REGRESSED" in render_diff(diff) and diff.exit_code == 1
    back = diff_reports(after, before)
    assert back.newly_passing == ("delete-needs-confirmation",) and not back.regressed


def test_an_expected_failure_is_failing_to_the_gate_and_never_newly_passing() -> None:
    """An entry in the expected-failures file hides no regression from ``diff``, and a
    rule that failed before and now fails as expected has not started to pass."""
    passing = result("x", "delete-needs-confirmation", Outcome.PASSED)
    failing = result("x", "delete-needs-confirmation", Outcome.FAILED)
    expected = result("x", "delete-needs-confirmation", Outcome.EXPECTED_FAILURE)
    good, hidden = build_report(INFO, [PASSED, passing]), build_report(INFO, [PASSED, expected])
    assert {r.rule_id: r.status.value for r in hidden.rules}["delete-needs-confirmation"] == (
        "expected failure"
    )
    regressed = diff_reports(good, hidden)
    assert regressed.newly_failing == ("delete-needs-confirmation",) and regressed.exit_code == 1
    listed = diff_reports(build_report(INFO, [PASSED, failing]), hidden)
    assert listed.newly_passing == () and listed.newly_failing == () and not listed.regressed
    matrix = render_matrix(rule_matrix([PASSED, expected]))
    assert "rules: 1 passed, 1 expected failure," in matrix  # not counted as passed


def test_the_diff_refuses_incomplete_runs_and_different_selections() -> None:
    good = build_report(INFO, [PASSED])
    stopped = RunState()
    stopped.stop_with_error("sevp-harness preflight: nothing is listening at http://x")
    never_ran = result("confirmed delete", "delete-recorded", Outcome.NOT_RUN)
    unreached = build_report(INFO, [never_ran], decide([never_ran], stopped))
    diff = diff_reports(good, unreached)
    assert diff.exit_code == CANNOT_COMPARE
    assert "the later run is not a complete run: verdict error" in render_diff(diff)
    assert "no regression" not in render_diff(diff)
    other_rules = build_report(INFO, [result("x", "delete-needs-confirmation", Outcome.PASSED)])
    different = diff_reports(good, other_rules)
    assert different.exit_code == CANNOT_COMPARE
    assert "selected different rules" in render_diff(different)


def test_the_verdict_is_passed_only_when_scenarios_ran_and_none_failed() -> None:
    assert decide([PASSED], RunState()).verdict is Verdict.PASSED
    assert decide([PASSED, FAILED], RunState()).verdict is Verdict.FAILED
    nothing = decide([result("a", "delete-recorded", Outcome.NOT_APPLICABLE)], RunState())
    assert nothing.verdict is Verdict.ERROR and nothing.exit_code == 3
    fresh = ScenarioResult("n", "f", "s", ("delete-recorded",), (2,), "core")
    assert fresh.outcome is Outcome.NOT_RUN  # passed only after its last step passed
    # nothing stopped the run, yet a scenario never finished (a crashed test process):
    # an error, never "passed"
    unfinished = decide([PASSED, fresh], RunState())
    assert unfinished.verdict is Verdict.ERROR and unfinished.exit_code == 3
    assert "1 scenarios never finished" in unfinished.reason
    assert decide([FAILED, fresh], RunState()).verdict is Verdict.FAILED  # -x after a failure
    interrupted = RunState()
    interrupted.interrupt(15)
    stopped = decide([PASSED, FAILED], interrupted)
    assert stopped.verdict is Verdict.INTERRUPTED and stopped.exit_code == 143
    report = build_report(INFO, [PASSED, fresh], stopped).to_json()
    statuses = {rule["id"]: rule["status"] for rule in report["rules"]}
    assert statuses["delete-recorded"] == "not run"  # one of its scenarios did not run


def test_secrets_are_masked_by_value_and_escapes_neutralised() -> None:
    remember_secret("Zq9-secret-session")
    assert mask_secrets("SEVP Portal password reset") == "SEVP Portal password reset"
    assert mask_secrets("detail: Zq9-secret-session echoed") == "detail: **** echoed"
    shown = for_terminal("bad \x1b[2J\x1b[31mred\x07 Zq9-secret-session")
    assert "\x1b" not in shown and "\x07" not in shown and "****" in shown
    assert "\\x1b[31m" in shown  # visible, not obeyed


def test_expected_failures_load_and_refuse_bad_files(tmp_path: Path) -> None:
    good = tmp_path / "expected.json"
    good.write_text(
        json.dumps({"expected_failures": [{"scenario": result_key(FAILED), "reason": "T-1"}]})
    )
    assert result_key(FAILED) in load_expected_failures(good)
    assert json.loads(entry_to_add(FAILED))["scenario"] == result_key(FAILED)
    for content, message in [
        ("[]", "'expected_failures' list"),
        ('{"expected_failures": [{"scenario": "a"}]}', "non-empty 'reason'"),
        ("nope", "not JSON"),
    ]:
        good.write_text(content)
        with pytest.raises(ExpectedFailuresError, match=message):
            load_expected_failures(good)


def test_the_matrix_lists_the_selected_rules_and_counts_the_others() -> None:
    accepted = result("known bug", "delete-recorded", Outcome.EXPECTED_FAILURE)
    text = render_matrix(rule_matrix([FAILED, accepted]))
    rows = {line.split()[0]: line for line in text.splitlines()[2:-3]}
    assert set(rows) == {"delete-needs-confirmation", "delete-recorded"}
    assert rows["delete-recorded"].split()[-6:] == ["0", "0", "1", "0", "expected", "failure"]
    assert rows["delete-needs-confirmation"].split()[-5:] == ["0", "1", "0", "0", "failed"]
    others = len(RULES) - 2
    assert text.splitlines()[-1].startswith(f"{others} other rules not selected")


def test_the_html_report_lists_every_scenario_with_its_steps_and_evidence(
    tmp_path: Path,
) -> None:
    steps = [
        StepResult("Given", "a logged-in student", 4, StepStatus.PASSED, 0.004),
        StepResult("When", "the student deletes", 5, StepStatus.FAILED, 0.002),
        StepResult("Then", "the portal refuses", 6),
    ]
    failing = result(
        "delete without confirmation",
        "delete-needs-confirmation",
        Outcome.FAILED,
        reason="the portal accepted",
        steps=steps,
        evidence=[
            "step: Given a logged-in student",
            "http delete_employer: DELETE /employers/1?token=s3cr3t -> 200 (1.0 ms)",
            "mailbox a@example.edu: account creation",
            "SEVIS N0001 2026-01-05 09:00 Employer deleted in the portal -> Active",
        ],
    )
    page = write_reports(build_report(INFO, [PASSED, failing]), tmp_path)["html"].read_text()
    assert page.count('<details class="scenario"') == 2  # the passed one too
    assert 'data-outcome="failed" data-rules="delete-needs-confirmation" data-faq="2" open' in page
    assert '<tr class="step-failed"><td>failed</td><td>When the student deletes</td>' in page
    assert '<tr class="step-skipped"><td>skipped</td><td>Then the portal refuses</td>' in page
    for kind in ("http", "mail", "sevis", "step"):
        assert f'<li class="ev-{kind}">' in page
    assert "s3cr3t" not in page
    for control in ("filter-result", "filter-rule", "filter-faq", "filter-text"):
        assert f'id="{control}"' in page
    # the matrix: the two selected rules, and a count of the others
    assert page.count("<tr class=") - 3 == 2
    assert f"{len(RULES) - 2} other rules were not selected" in page
