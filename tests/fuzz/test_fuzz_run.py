"""A short derandomized fuzz run of the reference against itself, in memory: no finding,
and the run covers most of the machine's rules."""

from __future__ import annotations

import threading
from pathlib import Path

from harness.fuzz import REFERENCE, FuzzReport, fuzz
from harness.fuzz._settings import CI_SEED


def test_the_reference_agrees_with_itself_and_breaks_no_invariant(tmp_path: Path) -> None:
    report = fuzz(REFERENCE, steps=400, seed=CI_SEED, out_dir=tmp_path)
    assert not report.failures, report.summary()
    assert not report.errors, report.summary()
    assert report.steps >= 400
    assert len(report.coverage.rules) >= 25, report.summary()
    assert report.coverage.states and report.coverage.transitions
    assert "seed" in report.summary() and str(CI_SEED) in report.summary()
    assert not list(tmp_path.iterdir())


def test_a_time_budget_ends_the_run(tmp_path: Path) -> None:
    """With no step limit only the budget can end the run. The join's bound is a hang
    detector (the budget is checked between rounds, so a loaded machine overshoots it), not
    a timing assertion."""
    reports: list[FuzzReport] = []
    runner = threading.Thread(
        target=lambda: reports.append(fuzz(REFERENCE, seconds=0.5, seed=7, out_dir=tmp_path)),
        daemon=True,
    )
    runner.start()
    runner.join(timeout=300)
    assert not runner.is_alive(), "a 0.5 s budget did not end the run"
    (report,) = reports
    assert report.steps > 0 and report.seconds >= 0.5
