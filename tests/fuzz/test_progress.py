"""A campaign shows its progress (steps, steps/s, findings so far): redrawn in place on a
terminal, a plain line now and then in a log; the summary ends the run."""

from __future__ import annotations

import io
from pathlib import Path

from harness.fuzz import REFERENCE, FuzzContext, fuzz
from harness.fuzz._runner import Progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_run_on_a_terminal_redraws_one_progress_line_and_ends_it(tmp_path: Path) -> None:
    terminal = Terminal()
    report = fuzz(REFERENCE, steps=60, seed=5, out_dir=tmp_path, progress=terminal)
    shown = terminal.getvalue()
    assert shown.startswith(f"fuzz: target {REFERENCE.name}, seed 5\n")
    redraws = shown.split("\r")[1:]
    assert redraws, shown
    assert all("steps/s" in line and "findings so far" in line for line in redraws)
    assert shown.endswith("\n")
    assert "differential steps/s" in report.summary()


def test_in_a_log_progress_is_a_line_now_and_then_not_a_redraw() -> None:
    log = io.StringIO()
    progress = Progress(log, "of 100", log_every=0.0)
    context = FuzzContext(REFERENCE, data_seed=1)
    context.coverage.steps, context.coverage.examples = 40, 1
    progress.failures = 1
    progress(context)
    context.diverged = True
    progress(context)
    progress.done()
    lines = log.getvalue().splitlines()
    assert len(lines) == 2 and "\r" not in log.getvalue()
    assert "40 steps (of 100)" in lines[0] and "1 findings so far" in lines[0]
    assert "shrinking a finding" in lines[1] and "shrinking" not in lines[0]


def test_a_quiet_run_shows_nothing(tmp_path: Path) -> None:
    progress = Progress(None, "of 10")
    progress(FuzzContext(REFERENCE, data_seed=1))
    progress.done()
    report = fuzz(REFERENCE, steps=20, seed=5, out_dir=tmp_path, progress=None)
    assert report.steps >= 20
