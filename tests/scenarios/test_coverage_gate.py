"""The coverage gate: a run of the whole suite in memory covers every contract operation,
documented response code of the student API, writable field and model state, unless the
exclusions file lists it with a reason; and no exclusion is stale."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from harness.coverage import load_exclusions, run_coverage, stale_exclusions
from harness.coverage._tally import CoverageRow, RunCoverage, ScenarioCoverage

pytest_plugins = ["pytester"]


@pytest.fixture(scope="module")
def measured(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One run of the whole suite in memory with coverage on, in a subprocess of its own."""
    import subprocess

    path = tmp_path_factory.mktemp("coverage") / "coverage.json"
    command = _suite_command("--harness-seed", "18", "--harness-coverage", str(path))
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    data: dict[str, Any] = json.loads(Path(path).read_text(encoding="utf-8"))
    return data


def test_everything_is_covered_or_excluded_with_a_reason(measured: dict[str, Any]) -> None:
    gaps = {table: keys for table, keys in measured["gaps"].items() if keys}
    assert not gaps, (
        "covered by no scenario: close the gap with a scenario, or list it with a reason in "
        f"harness/coverage/exclusions.yaml: {gaps}"
    )


def _rows(data: list[dict[str, Any]]) -> tuple[CoverageRow, ...]:
    return tuple(CoverageRow(r["key"], tuple(r["scenarios"]), r["excluded"]) for r in data)


def test_no_exclusion_is_stale(measured: dict[str, Any]) -> None:
    coverage = RunCoverage(
        operations=_rows(measured["operations"]),
        responses=_rows(measured["responses"]),
        fields=_rows(measured["fields"]),
        field_levels={},
        states=_rows(measured["states"]),
        states_left={},
        transitions=(),
    )
    assert stale_exclusions(coverage, load_exclusions()) == []


#: Account states no scenario leaves: closed is final, and what lifts a registration lock
#: no source states (the reference lets the DSO's Reset Portal Account lift it).
NOT_LEFT = {"account: closed", "account: registration locked"}


def test_every_account_state_is_entered_and_left(measured: dict[str, Any]) -> None:
    states = {r["key"] for r in measured["states"] if r["key"].startswith("account:")}
    entered = {r["key"] for r in measured["states"] if r["key"] in states and r["scenarios"]}
    left = {key for key, names in measured["states_left"].items() if key in states and names}
    assert entered == states
    assert entered - left == NOT_LEFT


def test_the_gate_sees_a_gap_when_no_scenario_covers_it() -> None:
    """The same tables from a run whose only scenario logs in: everything else is a gap."""
    only_login = ScenarioCoverage(
        "Logging in: one", responses={"login 201"}, entered={"account: registered"}
    )
    gaps = run_coverage([only_login], load_exclusions()).gaps()
    assert "login" not in gaps["operations"] and "logout" in gaps["operations"]
    assert "login 423" in gaps["responses"] and "login 400" not in gaps["responses"]
    assert "edit_employer.supervisor_email" in gaps["fields"]
    assert "account: locked by failures" in gaps["states"]
    assert "account: registered" not in gaps["states"]


def test_states_a_run_cannot_observe_are_not_counted_as_gaps() -> None:
    """Over HTTP the account model is the portal's own: its states are not observed."""
    on_the_wire = ScenarioCoverage("Logging in: one", entered={"OPT request: Approved"})
    coverage = run_coverage([on_the_wire], load_exclusions())
    assert not [key for key in coverage.gaps()["states"] if key.startswith("account:")]
    assert "OPT request: Pending" in coverage.gaps()["states"]


def _suite_command(*options: str) -> list[str]:
    import sys

    from harness.suite import SUITE_DIR

    command = [sys.executable, "-m", "pytest", str(SUITE_DIR), "-c", str(SUITE_DIR / "pytest.ini")]
    return [*command, "--rootdir", str(SUITE_DIR), "-q", "-p", "no:randomly", *options]


def test_the_reports_folder_gets_the_coverage_of_the_scenarios_that_ran(tmp_path: Path) -> None:
    import subprocess

    reports = tmp_path / "reports"
    command = _suite_command("-k", "loggedout_session", "--harness-report-dir", str(reports))
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout[-2000:]
    data = json.loads((reports / "coverage.json").read_text(encoding="utf-8"))
    logout = next(r for r in data["responses"] if r["key"] == "logout 401")
    assert logout["scenarios"] == ["A student's sessions: A logged-out session opens nothing"]
    covered = {r["key"] for r in data["operations"] if r["scenarios"]}
    assert "logout" in covered and "deliver" in covered and "request_password_reset" not in covered


def test_the_coverage_command_prints_the_tables_and_no_gap() -> None:
    import subprocess
    import sys

    command = [sys.executable, "-m", "harness.cli", "coverage", "--seed", "18"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    for title in ("### Contract operations", "### Model states", "### FAQ sentences"):
        assert title in done.stdout
    assert done.stdout.endswith("### Not covered (and not excluded)\n\n- nothing\n")


TABLES = Path(__file__).resolve().parents[2] / "docs" / "coverage-tables.md"


def test_the_committed_coverage_tables_are_current(measured: dict[str, Any]) -> None:
    from harness.coverage import render_coverage

    assert TABLES.read_text(encoding="utf-8") == render_coverage(measured), (
        "docs/coverage-tables.md is stale: "
        "run `portal-harness coverage --seed 18 --write docs/coverage-tables.md`"
    )


def test_the_coverage_data_maps_every_faq_sentence_to_scenarios(measured: dict[str, Any]) -> None:
    unchecked = [row["sentence"] for row in measured["faq"] if not row["scenarios"]]
    assert not unchecked and len(measured["faq"]) >= 28
