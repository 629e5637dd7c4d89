"""Writing scenarios: check lints feature files without a portal, run PATH... runs them with
the same plugin and reports, untagged scenarios are counted, the rerun command works."""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from harness.cli import main
from harness.suite import FEATURES_DIR

pytest_plugins = ["pytester"]

TYPOS = """\
@faq-2 @core
Feature: Deletion, as a newcomer writes it

  @rule-delete-needs-confirmaton
  Scenario: Refused without confirmation
    Given a logged in student on post-completion OPT
    When the student deletes the employer "Acme" without confirming they never worked there
    When the portal refuses with "never-worked-confirmation-required"

  Scenario: Nobody tagged me
    Given a logged-in student on post-completion OPT

  @core @wip
  Scenario: A keyword misspelt
    Gven a logged-in student on post-completion OPT
"""
GOOD = """\
@faq-2 @core
Feature: Mine

  @rule-delete-needs-confirmation
  Scenario: Refused without the never-worked confirmation
    Given a logged-in student on post-completion OPT
    And the student works for "Acme Robotics"
    When the student deletes the employer "Acme Robotics" without confirming they never worked there
    Then the portal refuses with "never-worked-confirmation-required"

  Scenario: Not yet classified
    Given a logged-in student on post-completion OPT
"""


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "harness.cli", *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_check_names_every_problem_with_its_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, bare = tmp_path / "typos.feature", tmp_path / "bare.feature"
    path.write_text(TYPOS, encoding="utf-8")
    bare.write_text("Feature: Bare\n  Scenario: Nobody tagged me\n    When 13 days pass\n")
    assert main(["check", str(path), str(bare)]) == 1
    lines = capsys.readouterr().out.splitlines()
    where = str(path)
    expected = [
        f"{where}:5: scenario 'Refused without confirmation': unknown rule tag "
        "@rule-delete-needs-confirmaton; did you mean @rule-delete-needs-confirmation",
        f"{where}:6: undefined step: 'Given a logged in student on post-completion OPT'; "
        "did you mean: Given a logged-in student on post-completion OPT",
        f"{where}:8: 'When the portal refuses with \"never-worked-confirmation-required\"' is a "
        "Then sentence, here under When",
        f"{where}:10: scenario 'Nobody tagged me' has no @rule- tag",
        f"{where}:14: scenario 'A keyword misspelt' has no @rule- tag",
        f"{where}:14: scenario 'A keyword misspelt' has no steps: is 'Gven a logged-in",
        f"{where}:14: scenario 'A keyword misspelt': unknown tag @wip",
        f"{bare}:2: scenario 'Nobody tagged me' is untagged",
    ]
    for start in expected:
        assert any(line.startswith(start) for line in lines), (start, lines)
    assert lines[-1] == "8 problem(s) in 4 scenario(s) in 2 file(s)"


def test_check_passes_the_shipped_features_and_a_good_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", str(FEATURES_DIR)]) == 0
    assert capsys.readouterr().out.startswith("ok: ")
    (tmp_path / "good.feature").write_text(GOOD.split("  Scenario: Not yet")[0], encoding="utf-8")
    assert main(["check", str(tmp_path)]) == 0


def test_check_refuses_a_path_that_is_no_feature(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", str(tmp_path / "missing.feature")]) == 2
    assert "no such file or folder" in capsys.readouterr().err
    assert main(["check", str(tmp_path)]) == 2
    assert "no .feature file" in capsys.readouterr().err


def test_a_run_refuses_a_tag_it_cannot_take_with_its_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "typos.feature"
    path.write_text(TYPOS, encoding="utf-8")
    done = run_cli("run", str(path))
    assert done.returncode == 2
    assert f"{path}:5: scenario 'Refused without confirmation': unknown rule tag" in done.stderr
    assert f"{path}:14: scenario 'A keyword misspelt': unknown tag @wip" in done.stderr
    assert "Traceback" not in done.stderr


def test_run_takes_a_folder_of_features_with_reports_and_a_rerun_that_works(
    tmp_path: Path,
) -> None:
    (tmp_path / "mine").mkdir()
    path = tmp_path / "mine" / "mine.feature"
    path.write_text(GOOD, encoding="utf-8")
    reports = tmp_path / "reports"
    done = run_cli("run", str(tmp_path / "mine"), "--seed", "5", "--report-dir", str(reports))
    assert done.returncode == 0, done.stdout[-3000:]
    assert "2 passed" in done.stdout
    assert "unclassified: 1 scenario(s) without a @rule- tag" in done.stdout
    report = json.loads((reports / "report.json").read_text(encoding="utf-8"))
    assert report["summary"]["unclassified"] == 1
    (scenario,) = [s for s in report["scenarios"] if s["rules"]]
    assert scenario["id"].startswith("mine.feature::")
    rerun = shlex.split(scenario["rerun"])
    assert rerun[:2] == ["portal-harness", "run"] and str(path) in rerun
    again = run_cli(*rerun[1:])
    assert again.returncode == 0, again.stdout[-3000:]
    assert "1 passed, 1 deselected" in again.stdout


def test_plain_pytest_selects_by_title_and_counts_the_unclassified(
    pytester: pytest.Pytester,
) -> None:
    pytester.makeconftest('pytest_plugins = ["harness.plugin"]')
    (pytester.path / "mine.feature").write_text(GOOD, encoding="utf-8")
    arguments = ["-p", "no:cacheprovider", "--strict-markers", "mine.feature", "--harness-matrix"]
    everything = pytester.runpytest_inprocess(*arguments)
    everything.assert_outcomes(passed=2)
    everything.stdout.fnmatch_lines(["unclassified: 1 scenario(s) without a @rule- tag*"])
    one = pytester.runpytest_inprocess(*arguments, "--harness-name", "never-worked")
    one.assert_outcomes(passed=1, deselected=1)
    none = pytester.runpytest_inprocess(*arguments, "--harness-name", "zebra")
    assert none.ret == pytest.ExitCode.USAGE_ERROR
    none.stderr.fnmatch_lines(["*no scenario matches --name 'zebra'*", "*Mine (2)*"])
    unknown = pytester.runpytest_inprocess(*arguments, "--harness-tag", "faq-22")
    assert unknown.ret == pytest.ExitCode.USAGE_ERROR
    unknown.stderr.fnmatch_lines(["*unknown tag 'faq-22'; did you mean faq-2*"])


def test_run_refuses_a_path_that_is_no_feature(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["run", str(tmp_path / "missing.feature")]) == 2
    assert "missing.feature: no such file or folder" in capsys.readouterr().err
    (tmp_path / "notes.txt").write_text("not Gherkin", encoding="utf-8")
    assert main(["run", str(tmp_path / "notes.txt")]) == 2
    assert "notes.txt: not a .feature file" in capsys.readouterr().err
    broken = tmp_path / "broken.feature"
    broken.write_text("@core\nScenario: outside a feature\n", encoding="utf-8")
    assert main(["run", str(broken), "--list"]) == 2
    assert f"{broken}:2: not Gherkin: Misplaced or incorrect 'Scenario'" in capsys.readouterr().err
    empty = tmp_path / "empty.feature"
    empty.write_text("Feature: Nothing yet\n", encoding="utf-8")
    assert main(["run", str(empty)]) == 2
    assert f"{empty}:1: no scenario in this file" in capsys.readouterr().err
