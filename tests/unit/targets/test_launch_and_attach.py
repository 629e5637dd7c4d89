"""The suite over the wire from the command line: a portal launched from a command (the
reference's ``python -m simulators.portal``) or attached by URL; a target without clock
control gets its time-dependent scenarios skipped, not failed."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from harness.targets import HttpSettings, PreflightError, launch
from harness.verdict import EXIT_ERROR

pytest_plugins = ["pytester"]

REPO_ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def importable(monkeypatch: pytest.MonkeyPatch) -> None:
    """A launched command finds the project's packages from the throwaway directory."""
    path = os.environ.get("PYTHONPATH", "")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(p for p in (str(REPO_ROOT), path) if p))


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def test_the_reference_launched_from_its_command_passes(
    run_suite: Any, importable: None, tmp_path: Path
) -> None:
    pidfile = tmp_path / "portal.pid"
    command = f"sh -c 'echo $$ > {pidfile}; exec {sys.executable} -m simulators.portal'"
    run = run_suite("--harness-target-cmd", command, "-m", "faq-2")
    run.result.assert_outcomes(passed=4)
    assert all(r["outcome"] == "passed" for r in run.results)
    assert any("http deliver: POST" in line for line in run.results[0]["evidence"])
    assert _gone(int(pidfile.read_text())), "the launched portal outlived the session"


def test_the_reference_launched_with_a_30_minute_idle_timeout_passes_the_clock_moving_rules(
    run_suite: Any, importable: None
) -> None:
    """Its sessions end after 30 idle minutes; the scenarios that move the clock by days
    log the student in again (issue 17), so they pass over the wire as in memory."""
    command = f"env SEVP_HARNESS_SESSION_IDLE_MINUTES=30 {sys.executable} -m simulators.portal"
    rules = ("stem-pending-edit", "unemployment-counter", "dso-restores-employer")
    run = run_suite("--harness-target-cmd", command, "-m", " or ".join(f"rule-{r}" for r in rules))
    outcomes = run.result.parseoutcomes()
    assert outcomes.get("failed", 0) == 0 and outcomes.get("passed", 0) >= 3, outcomes
    evidence = [line for r in run.results for line in r["evidence"]]
    assert any("logs in again" in line for line in evidence)


def test_a_command_that_dies_is_a_preflight_error_with_its_stderr(
    run_suite: Any, importable: None
) -> None:
    command = (
        f"{sys.executable} -c \"import sys; sys.stderr.write('boom: no database\\n'); sys.exit(3)\""
    )
    run = run_suite("--harness-target-cmd", command, "-m", "faq-2")
    assert run.result.ret == EXIT_ERROR
    text = run.result.stdout.str() + run.result.stderr.str()
    assert "exited with status 3 before answering" in text
    assert "boom: no database" in text
    assert "Traceback" not in text


def test_the_reference_without_its_variables_says_which_are_missing(
    run_suite: Any, importable: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The harness sets every variable; here a wrapper empties one to show the message.
    command = f"env SEVP_HARNESS_SEVIS_URL= {sys.executable} -m simulators.portal"
    run = run_suite("--harness-target-cmd", command, "-m", "faq-2")
    assert run.result.ret == EXIT_ERROR
    text = run.result.stdout.str() + run.result.stderr.str()
    assert "exited with status 2" in text
    assert "SEVP_HARNESS_SEVIS_URL is not set" in text


def test_a_command_that_never_answers_is_stopped_within_the_launch_timeout() -> None:
    started = time.monotonic()
    with pytest.raises(PreflightError, match=r"did not answer GET .* within 1\.0s"):
        launch(
            f"{sys.executable} -c 'import time; time.sleep(60)'",
            HttpSettings(launch_timeout=1.0, stop_timeout=1.0),
        )
    assert time.monotonic() - started < 20  # a hang detector: the command sleeps 60 s


def test_the_reference_attached_by_url_passes(run_suite: Any, serve_portal: Any) -> None:
    portal = serve_portal()
    run = run_suite(
        "--harness-target", portal.url, "--harness-mail-wait", "0.2", "-m", "faq-2 or faq-7"
    )
    outcomes = run.result.parseoutcomes()
    assert outcomes.get("passed", 0) >= 10 and "failed" not in outcomes, outcomes
    assert "error" not in outcomes and "errors" not in outcomes


def test_a_portal_without_clock_control_skips_the_scenarios_that_move_time(
    run_suite: Any, serve_portal: Any
) -> None:
    portal = serve_portal(clock_control=False)
    run = run_suite("--harness-target", portal.url, "-m", "faq-3 or faq-2")
    outcomes = run.result.parseoutcomes()
    assert "failed" not in outcomes and outcomes.get("passed", 0) >= 4, outcomes
    skipped = [r for r in run.results if r["outcome"] == "skipped"]
    assert skipped, "faq-3 has scenarios where days pass"
    for result in skipped:
        assert result["reason"].startswith("skipped: the target has no clock control")
        assert "moves time" in result["reason"]
