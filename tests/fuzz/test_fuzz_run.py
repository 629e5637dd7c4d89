"""A short derandomized fuzz run of the reference against itself, in memory: no finding,
and the run covers most of the machine's rules."""

from __future__ import annotations

from pathlib import Path

from harness.fuzz import REFERENCE, fuzz
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
    report = fuzz(REFERENCE, seconds=0.5, seed=7, out_dir=tmp_path)
    assert report.seconds < 5 and report.steps > 0
