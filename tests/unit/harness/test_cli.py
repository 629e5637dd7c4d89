"""The portal-harness command: help, clear errors, the catalog, the glossary, a run."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from harness.catalog import RULES
from harness.cli import main


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "harness.cli", *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_no_command_prints_help_and_fails(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "run" in capsys.readouterr().out


def test_a_bad_argument_is_a_clear_error_not_a_traceback() -> None:
    done = run_cli("run", "--profile", "nonsense")
    assert done.returncode == 2
    assert "invalid choice: 'nonsense'" in done.stderr
    assert "Traceback" not in done.stderr


def test_rules_as_json_lists_the_whole_catalog(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [row["id"] for row in listed] == [rule.rule_id for rule in RULES]


def test_steps_prints_the_glossary(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["steps"]) == 0
    assert "the student logs in with a wrong password" in capsys.readouterr().out


def test_run_prints_the_rule_by_rule_result_for_the_chosen_tag() -> None:
    done = run_cli("run", "--tag", "faq-2", "--seed", "7")
    assert done.returncode == 0, done.stdout[-3000:]
    assert "SEVP Portal conformance: rule by rule" in done.stdout
    assert "delete-needs-confirmation" in done.stdout
    assert "data seed 7" in done.stdout
    # the live view: a line a scenario with the count done, no dots
    assert re.search(r"^passed +1/4  Accidental employer deletion: ", done.stdout, re.MULTILINE), (
        done.stdout[:2000]
    )
    # the rules the tag selected have rows; the others are counted, not listed
    assert "lock-after-failed-logins" not in done.stdout
    assert "other rules not selected (tags, --rule, --name, -k or profiles)" in done.stdout


def test_diff_gates_a_release_on_the_rule_by_rule_result(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    from harness.reports import RunInfo, build_report
    from harness.results import Outcome, ScenarioResult

    info = RunInfo("reference", "1.0.0", "memory", 1, "t0", "t1", ("core",))

    def report(outcome: Outcome) -> str:
        result = ScenarioResult("s.py::t", "F", "S", ("delete-recorded",), (2,), "core", outcome)
        path = tmp_path / f"{outcome.name}.json"
        path.write_text(json.dumps(build_report(info, [result]).to_json()))
        return str(path)

    good, bad = report(Outcome.PASSED), report(Outcome.FAILED)
    assert main(["diff", good, bad]) == 1
    assert "newly failing: 1" in capsys.readouterr().out
    assert main(["diff", bad, good]) == 0
    assert main(["diff", good, str(tmp_path / "missing.json")]) == 2
    assert "no such file" in capsys.readouterr().err
