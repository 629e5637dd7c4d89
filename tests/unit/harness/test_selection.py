"""Selection by the words people read: titles as written, tags and rules checked against
the catalog, an empty selection that says what exists, --list, --last-failed, --jobs."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from harness import cli
from harness.cli import main
from harness.reports import RunInfo, build_report
from harness.reports.writers import REPORT_FILES
from harness.results import Outcome, ScenarioResult
from harness.selection import Candidate, Selection, SelectionError, select, words
from harness.suite import SUITE_DIR

DELETION = "Accidental employer deletion"
NEVER_WORKED = "A delete without the never-worked confirmation is refused"


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "harness.cli", *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=cwd,
    )


def listed(capsys: pytest.CaptureFixture[str], *args: str) -> list[str]:
    assert main(["run", "--list", *args]) == 0
    return capsys.readouterr().out.splitlines()[:-1]  # the last line counts them


def test_words_read_punctuation_and_case_alike() -> None:
    assert words("A delete without the never-worked confirmation") == words(
        "a DELETE without the never worked  confirmation"
    )


@pytest.mark.parametrize("text", ["never-worked", "never worked", "Never-Worked"])
def test_a_name_matches_a_scenario_title_as_written(
    capsys: pytest.CaptureFixture[str], text: str
) -> None:
    assert listed(capsys, "--name", text) == [
        f"delete-needs-confirmation  |  {DELETION}  |  {NEVER_WORKED}"
    ]


def test_k_matches_a_feature_title(capsys: pytest.CaptureFixture[str]) -> None:
    rows = listed(capsys, "-k", "Accidental")
    assert len(rows) == 4
    assert all(f"|  {DELETION}  |" in row for row in rows)


def test_list_notes_a_scenario_its_profile_keeps_out(capsys: pytest.CaptureFixture[str]) -> None:
    (row,) = listed(capsys, "--rule", "dso-notified-of-changes")
    assert row.endswith("[not run: profile future not selected]")
    (row,) = listed(capsys, "--rule", "dso-notified-of-changes", "--profile", "future")
    assert "not run" not in row


@pytest.mark.parametrize(
    ("option", "given", "hint", "valid"),
    [
        ("--tag", "faq-22", "did you mean faq-2", "core, extended, future, security"),
        ("--rule", "delete-recorde", "did you mean delete-recorded", "valid rules: "),
    ],
)
def test_an_unknown_tag_or_rule_lists_the_valid_ones(
    capsys: pytest.CaptureFixture[str], option: str, given: str, hint: str, valid: str
) -> None:
    assert main(["run", option, given]) == 2
    error = capsys.readouterr().err
    assert hint in error
    assert valid in error
    assert "readd-is-not-restore" in error  # the whole list, not only the close ones


def test_an_empty_selection_says_why_and_what_exists(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "--name", "zebra crossing"]) == 2
    error = capsys.readouterr().err
    assert "no scenario matches --name 'zebra crossing'" in error
    assert f"  {DELETION} (4)" in error
    assert "deselected" not in error


def test_selection_kinds_combine_and_an_unknown_tag_is_refused_first() -> None:
    a = Candidate("F", "first", "test_first", frozenset({"core", "rule-delete-recorded"}))
    b = Candidate("F", "second", "test_second", frozenset({"extended", "rule-password-policy"}))
    assert select(Selection(names=("first", "second"), tags=("@core",)), [a, b]) == [a]
    assert select(Selection(rules=("password-policy",)), [a, b]) == [b]
    assert select(Selection(only=frozenset({("F", "second")})), [a, b]) == [b]
    with pytest.raises(SelectionError, match="unknown tag 'wip'"):
        select(Selection(names=("nothing",), tags=("wip",)), [a, b])


def _write_report(folder: Path, failed: bool, outcome: Outcome | None = None) -> None:
    info = RunInfo("reference", "1.0.0", "memory", 1, "t0", "t1", ("core",))
    outcome = outcome or (Outcome.FAILED if failed else Outcome.PASSED)
    result = ScenarioResult(
        "x::t", DELETION, NEVER_WORKED, ("delete-needs-confirmation",), (2,), "core", outcome
    )
    path = folder / REPORT_FILES["json"]
    path.write_text(json.dumps(build_report(info, [result]).to_json()), encoding="utf-8")


def test_last_failed_takes_the_failures_of_the_previous_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _write_report(tmp_path, failed=True)
    rows = listed(capsys, "--last-failed", "--report-dir", str(tmp_path))
    assert rows == [f"delete-needs-confirmation  |  {DELETION}  |  {NEVER_WORKED}"]


@pytest.mark.parametrize("outcome", [Outcome.ERROR, Outcome.NOT_RUN])
def test_last_failed_takes_what_erred_or_never_finished(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], outcome: Outcome
) -> None:
    """A run that could not test (the portal died, the preflight failed) is not a clean
    one: what it did not see pass runs again."""
    _write_report(tmp_path, failed=False, outcome=outcome)
    rows = listed(capsys, "--last-failed", "--report-dir", str(tmp_path))
    assert rows == [f"delete-needs-confirmation  |  {DELETION}  |  {NEVER_WORKED}"]


def test_last_failed_after_a_run_that_tested_nothing_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _write_report(tmp_path, failed=False, outcome=Outcome.NOT_APPLICABLE)
    assert main(["run", "--last-failed", "--report-dir", str(tmp_path)]) == 2
    error = capsys.readouterr().err
    assert "did not pass" in error and "ERROR: no scenario ran" in error


def test_last_failed_after_a_clean_run_or_without_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _write_report(tmp_path, failed=False)
    assert main(["run", "--last-failed", "--report-dir", str(tmp_path)]) == 0
    assert "had no failure" in capsys.readouterr().out
    assert main(["run", "--last-failed", "--report-dir", str(tmp_path / "none")]) == 2
    assert "no previous run in" in capsys.readouterr().err
    assert main(["run", "--last-failed"]) == 2
    assert "--report-dir" in capsys.readouterr().err


def test_a_run_by_name_runs_that_scenario_and_prints_no_warning() -> None:
    done = run_cli("run", "--name", "never-worked", "--seed", "3")
    assert done.returncode == 0, done.stdout[-3000:]
    assert re.search(r"\b1 passed, \d+ deselected", done.stdout), done.stdout[-3000:]
    assert re.search(r"delete-needs-confirmation .* passed", done.stdout)
    assert "warning" not in (done.stdout + done.stderr).lower()


def test_the_suite_silences_only_the_notice_about_modules_it_imported_itself() -> None:
    ini = (SUITE_DIR / "pytest.ini").read_text(encoding="utf-8")
    (line,) = [ln.strip() for ln in ini.splitlines() if ln.strip().startswith("ignore:")]
    _, message, category = line.split(":")
    assert category == "pytest.PytestAssertRewriteWarning"
    notice = "Module already imported so cannot be rewritten; "
    # portal-harness imports these top-level packages before the run (a wheel install has
    # pytest mark each of them); their submodules, and anything else, still warn
    for imported in ("harness", "pytest_bdd", "simulators", "fixtures"):
        assert re.match(message, notice + imported)
    for other in ("harness.steps", "simulators.portal", "some_plugin"):
        assert not re.match(message, notice + other)


def test_last_failed_reruns_a_real_failure(tmp_path: Path) -> None:
    feature = tmp_path / "mine.feature"
    feature.write_text(
        "@core @faq-2\nFeature: Mine\n\n  @rule-delete-recorded\n  Scenario: Holds\n"
        "    Given a logged-in student on post-completion OPT\n\n"
        "  @rule-delete-recorded\n  Scenario: Breaks\n"
        "    Given a logged-in student on post-completion OPT\n"
        '    Then the portal refuses with "never-worked-confirmation-required"\n',
        encoding="utf-8",
    )
    reports = str(tmp_path / "reports")
    first = run_cli("run", str(feature), "--report-dir", reports)
    assert first.returncode != 0
    again = run_cli("run", str(feature), "--report-dir", reports, "--last-failed")
    assert "1 failed, 1 deselected" in again.stdout, again.stdout[-3000:]


def test_jobs_says_how_to_get_xdist_when_it_is_missing(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    real = cli.importlib.util.find_spec
    monkeypatch.setattr(
        cli.importlib.util, "find_spec", lambda name: None if name == "xdist" else real(name)
    )
    assert main(["run", "--jobs", "2"]) == 2
    assert "pip install 'pytest-xdist" in capsys.readouterr().err


def test_xdist_comes_with_the_plain_install() -> None:
    tomllib = pytest.importorskip("tomllib")
    pyproject = Path(__file__).parents[3] / "pyproject.toml"
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    assert any(dep.startswith("pytest-xdist") for dep in project["dependencies"])
