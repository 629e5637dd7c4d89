"""Reports, expected failures and the release-gate diff, on synthetic results."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from harness.diff import diff_reports, render_diff
from harness.expected import (
    ExpectedFailuresError,
    entry_to_add,
    load_expected_failures,
    result_key,
)
from harness.reports import ReportError, RunInfo, build_report, load_report, write_reports
from harness.reports.model import SCHEMA_PATH
from harness.results import Outcome, ScenarioResult

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
    reason="the portal accepted; password=hunter2",
    evidence=["step: When the student deletes", "POST /x?token=s3cr3t"],
)


def test_the_report_matches_its_schema_and_masks_secrets() -> None:
    report = build_report(INFO, [PASSED, FAILED])
    jsonschema.validate(report, json.loads(SCHEMA_PATH.read_text()))
    text = json.dumps(report)
    assert "s3cr3t" not in text and "hunter2" not in text and "abc123" not in text
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
    assert "<script" not in page and "src=" not in page and "<link" not in page  # self-contained
    summary = written["markdown"].read_text()
    assert summary.startswith("# SEVP Portal conformance") and "**FAILED" in summary
    assert load_report(written["json"])["run"]["seed"] == 42


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


def test_the_diff_gates_on_new_failures_and_vanished_rules() -> None:
    before = build_report(INFO, [PASSED, result("x", "delete-needs-confirmation", Outcome.PASSED)])
    after = build_report(INFO, [FAILED])
    diff = diff_reports(before, after)
    assert diff.newly_failing == ("delete-needs-confirmation",)
    assert diff.vanished == ("delete-recorded",)
    assert diff.regressed and "REGRESSED" in render_diff(diff)
    back = diff_reports(after, before)
    assert back.newly_passing == ("delete-needs-confirmation",) and not back.regressed


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
