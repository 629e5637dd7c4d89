"""A fuzz run: hypothesis drives the differential machine in rounds until the step or time
budget is spent; each finding is shrunk, written as a .feature file and checked by replay.

Rounds keep memory flat: every round is a fresh hypothesis run (its example tree goes
with it), examples keep no evidence beyond their own worlds, and coverage is sets of
small tuples.
"""

from __future__ import annotations

import math
import random
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from hypothesis import reporting
from hypothesis import seed as hypothesis_seed
from hypothesis.internal.conjecture import engine
from hypothesis.stateful import run_state_machine_as_test

from harness.fuzz._machine import (
    RULE_SENTENCES,
    Coverage,
    DifferentialMachine,
    Divergence,
    Finding,
    FuzzContext,
)
from harness.fuzz._settings import CI_SEED, STEPS_PER_EXAMPLE, fuzz_settings, in_ci
from harness.fuzz._targets import REFERENCE, FuzzTarget, reference_for
from harness.fuzz._writer import render_feature, scenario_for, verify, write_feature

#: How many rule sentences the machine can play (the summary reports how many it did).
PLAYABLE_RULES = len(RULE_SENTENCES)


@dataclass(frozen=True)
class WrittenFinding:
    path: Path
    finding: Finding
    reproduced: bool  # the written scenario fails on the target and passes on the reference
    detail: str

    def __repr__(self) -> str:
        return f"WrittenFinding({self.path}, {self.finding.side}, reproduced={self.reproduced})"


@dataclass
class FuzzReport:
    """What a run did; ``failures`` are the findings written, in order."""

    seed: int
    target: str
    coverage: Coverage
    seconds: float = 0.0
    rounds: int = 0
    failures: list[WrittenFinding] = field(default_factory=list)
    repeats: int = 0  # findings that matched one already written
    errors: list[str] = field(default_factory=list)  # rounds that ended in something else

    @property
    def steps(self) -> int:
        return self.coverage.steps

    def summary(self) -> str:
        c = self.coverage
        rate = c.steps / self.seconds if self.seconds else 0.0
        lines = [
            f"fuzz: target {self.target}, seed {self.seed} (repeat with --seed {self.seed})",
            f"  steps run: {c.steps} in {c.examples} examples, {self.seconds:.1f} s "
            f"({rate:,.0f} differential steps/s)",
            f"  rules exercised: {len(c.rules)} of {PLAYABLE_RULES} sentences",
            f"  model states visited: {len(c.states)}; transitions: {len(c.transitions)}",
            f"  domain states visited (docs/coverage.md): {len(c.model_states)}",
            f"  failures written: {len(self.failures)}"
            + (f" (and {self.repeats} repeats)" if self.repeats else ""),
        ]
        for written in self.failures:
            state = "reproduced" if written.reproduced else "NOT reproduced by its sentences"
            lines.append(f"    {written.path} ({written.finding.side}; {state})")
        for error in self.errors:
            lines.append(f"  error: {error}")
        return "\n".join(lines)


class Progress:
    """Progress of a run: steps, steps/s, findings so far. On a terminal one line redrawn a
    few times a second; elsewhere (a CI log) a line every ``log_every`` seconds."""

    def __init__(
        self, stream: TextIO | None, budget: str, every: float = 0.25, log_every: float = 10.0
    ) -> None:
        self.stream = stream
        self.budget = budget
        self.terminal = stream is not None and stream.isatty()
        self.every = every if self.terminal else log_every
        self.started = time.monotonic()
        self._next = self.started + (0.0 if self.terminal else log_every)
        self.failures = 0
        self.shrinking = False  # a finding is being shrunk (steps then run slower)

    def __call__(self, context: FuzzContext) -> None:
        now = time.monotonic()
        if self.stream is None or now < self._next:
            return
        self._next = now + self.every
        self.shrinking = context.diverged
        line = self.line(context.coverage, now - self.started)
        self.stream.write(f"\r{line} " if self.terminal else f"{line}\n")
        self.stream.flush()

    def line(self, c: Coverage, elapsed: float) -> str:
        rate = c.steps / elapsed if elapsed > 0 else 0.0
        return (
            f"fuzz: {c.steps} steps ({self.budget}), {rate:,.0f} steps/s, {c.examples} examples, "
            f"{len(c.rules)}/{PLAYABLE_RULES} rules, {self.failures} findings so far, "
            f"{elapsed:.1f} s" + (", shrinking a finding" if self.shrinking else "")
        )

    def done(self) -> None:
        if self.stream is not None and self.terminal:
            self.stream.write("\n")
            self.stream.flush()


def default_seed() -> int:
    return CI_SEED if in_ci() else random.SystemRandom().randrange(1, 2**31)


def fuzz(
    target: FuzzTarget = REFERENCE,
    *,
    steps: int | None = None,
    seconds: float | None = None,
    seed: int | None = None,
    out_dir: Path = Path("fuzz-findings"),
    max_failures: int = 3,
    progress: TextIO | None = None,
    replay_command: Callable[[Path], str] | None = None,
    steps_per_example: int = STEPS_PER_EXAMPLE,
    shrink_seconds: float = 60.0,
) -> FuzzReport:
    """Fuzz ``target`` against the reference until ``steps`` steps or ``seconds`` seconds
    (1,000 steps when neither is given); write each distinct finding into ``out_dir``."""
    if steps is None and seconds is None:
        steps = 1000
    seed = default_seed() if seed is None else seed
    context = FuzzContext(target, data_seed=seed, reference=reference_for(target))
    budget = " / ".join(
        part
        for part in (f"of {steps}" if steps else "", f"{seconds:g} s" if seconds else "")
        if part
    )
    display = Progress(progress, budget)
    context.on_step = display
    report = FuzzReport(seed, target.name, context.coverage)
    if progress is not None:
        progress.write(f"fuzz: target {target.name}, seed {seed}\n")
    started = time.monotonic()
    signatures: set[tuple[str, ...]] = set()
    rng = random.Random(seed)

    def spent() -> bool:
        if steps is not None and context.coverage.steps >= steps:
            return True
        return seconds is not None and time.monotonic() - started >= seconds

    while not spent() and len(report.failures) < max_failures:
        left = (steps - context.coverage.steps) if steps is not None else 10 * steps_per_example
        examples = max(1, min(20, math.ceil(left / (steps_per_example / 2))))
        round_seed = seed if report.rounds == 0 else rng.randrange(2**31)
        context.diverged = False
        report.rounds += 1

        def machine() -> DifferentialMachine:
            return DifferentialMachine(context)

        try:
            with reporting.with_reporter(lambda _message: None), _shrinking_for(shrink_seconds):
                run_state_machine_as_test(
                    # a factory is what hypothesis calls; its stubs ask for the class
                    hypothesis_seed(round_seed)(machine),  # type: ignore[arg-type,unused-ignore]
                    settings=fuzz_settings(
                        live=target.live,
                        max_examples=examples,
                        steps_per_example=steps_per_example,
                    ),
                )
        except Divergence as divergence:
            finding = divergence.finding
            signature = (finding.side, *scenario_for(finding, "").rules)
            if signature in signatures:
                report.repeats += 1
                continue
            signatures.add(signature)
            written = _write(
                finding, target, seed, len(report.failures) + 1, out_dir, replay_command
            )
            report.failures.append(written)
            display.failures = len(report.failures)
        except Exception as error:  # hypothesis' own complaints (flaky, unsatisfiable)
            report.errors.append(f"{type(error).__name__}: {str(error).splitlines()[0][:300]}")
            if len(report.errors) >= 3:
                break
    display.done()
    report.seconds = time.monotonic() - started
    return report


@contextmanager
def _shrinking_for(seconds: float) -> Iterator[None]:
    """Bound the time hypothesis spends shrinking one finding (its own cap is 5 minutes; a
    finding shrunk for a minute is short enough to read). A private knob, used if present."""
    previous = getattr(engine, "MAX_SHRINKING_SECONDS", None)
    if previous is None:
        yield
        return
    engine.MAX_SHRINKING_SECONDS = seconds  # type: ignore[assignment]
    try:
        yield
    finally:
        engine.MAX_SHRINKING_SECONDS = previous


def _write(
    finding: Finding,
    target: FuzzTarget,
    seed: int,
    number: int,
    out_dir: Path,
    replay_command: Callable[[Path], str] | None,
) -> WrittenFinding:
    email = _student_email(finding, target, seed)
    reference = reference_for(target)
    scenario, verdict = verify(scenario_for(finding, email), target, reference, seed)
    path = out_dir / f"fuzz-{seed}-{number}.feature"
    replay = replay_command(path) if replay_command else f"portal-harness replay {path}"
    text = render_feature(
        scenario, finding, seed=seed, target=target.name, replay=replay, verdict=verdict
    )
    written = write_feature(out_dir, path.stem, text)
    reproduced = verdict.reference_passes and verdict.target_fails
    return WrittenFinding(written, finding, reproduced, verdict.detail)


def _student_email(finding: Finding, target: FuzzTarget, seed: int) -> str:
    """The first student's mailbox in the fuzz worlds (the same data on both sides)."""
    view = finding.reference_observation.view
    if not isinstance(view, str):
        return str(view.profile[1])
    for mailbox, _, _ in finding.reference_observation.emails:
        if not mailbox.endswith("dso.example.edu"):
            return mailbox
    return ""


def print_report(report: FuzzReport, stream: TextIO = sys.stdout) -> None:
    stream.write(report.summary() + "\n")
