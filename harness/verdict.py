"""The verdict of a run, decided in one place: every output (console, reports, JUnit,
cucumber JSON, ``diff``) and the exit status read it from here.

A scenario is ``passed`` only once its last step passed: until then it is ``not run``.
A run is ``passed`` only when at least one scenario ran and none failed; a run that could
not test the portal (preflight, the portal died or stopped answering, a harness fault) is
``error``; one stopped by Ctrl-C, SIGTERM or SIGHUP is ``interrupted``.
"""

from __future__ import annotations

import signal
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from enum import Enum
from typing import Any


class Outcome(str, Enum):
    """What became of one scenario."""

    PASSED = "passed"  # its last step passed
    FAILED = "failed"  # the portal broke a rule (or an expected failure now passes)
    ERROR = "error"  # it could not test the portal: the target died or stopped answering
    EXPECTED_FAILURE = "expected failure"  # failed, and listed in the expected-failures file
    SKIPPED = "skipped"  # with a reason: e.g. the target has no clock control
    NOT_APPLICABLE = "not applicable"  # profile not selected, or a future rule
    NOT_RUN = "not run"  # never finished: the run stopped before or during it


#: Outcomes of a scenario that ran against the portal to the end.
RAN = frozenset({Outcome.PASSED, Outcome.FAILED, Outcome.EXPECTED_FAILURE})


class StepStatus(str, Enum):
    """What became of one Gherkin step (cucumber's words)."""

    PASSED = "passed"
    FAILED = "failed"
    UNDEFINED = "undefined"  # no step definition matches its sentence
    SKIPPED = "skipped"  # never reached: an earlier step failed, or the scenario did not run


@dataclass
class StepResult:
    """One Gherkin step as written (``keyword`` is the word in the file: Given, And...)."""

    keyword: str
    text: str
    line: int
    status: StepStatus = StepStatus.SKIPPED
    duration: float = 0.0

    def __str__(self) -> str:
        return f"{self.keyword} {self.text}"


@dataclass
class ScenarioResult:
    nodeid: str
    feature: str
    scenario: str
    rules: tuple[str, ...]
    faqs: tuple[int, ...]
    profile: str
    outcome: Outcome = Outcome.NOT_RUN
    reason: str = ""
    duration: float = 0.0
    evidence: list[str] = field(default_factory=list)
    #: Every step of the scenario in order, background first, each with its status.
    steps: list[StepResult] = field(default_factory=list)
    #: The ``.feature`` file (its name) and the scenario's line in it.
    location: str = ""

    def plan_steps(self, steps: Iterable[StepResult]) -> None:
        """The scenario starts: every step is listed, none reached yet."""
        self.steps = list(steps)

    def finish_step(self, line: int, status: StepStatus, duration: float) -> None:
        """The step written at ``line`` ended (the first one there not yet finished)."""
        step = next(
            (s for s in self.steps if s.line == line and s.status is StepStatus.SKIPPED), None
        )
        if step is not None:
            step.status, step.duration = status, duration

    @property
    def failing_step(self) -> StepResult | None:
        return next(
            (s for s in self.steps if s.status in (StepStatus.FAILED, StepStatus.UNDEFINED)),
            None,
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain data, as it travels between xdist processes."""
        data = {**asdict(self), "outcome": self.outcome.value}
        data["steps"] = [{**asdict(s), "status": s.status.value} for s in self.steps]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ScenarioResult:
        return cls(
            **{
                **data,
                "rules": tuple(data["rules"]),
                "faqs": tuple(data["faqs"]),
                "outcome": Outcome(data["outcome"]),
                "steps": [
                    StepResult(**{**step, "status": StepStatus(step["status"])})
                    for step in data.get("steps", ())
                ],
            }
        )


class Verdict(str, Enum):
    PASSED = "passed"
    FAILED = "failed"
    ERROR = "error"
    INTERRUPTED = "interrupted"


# The exit statuses of ``portal-harness run`` and of pytest with the plugin (docs/reports.md).
EXIT_PASSED = 0
EXIT_FAILED = 1
EXIT_USAGE = 2  # the command line, or a file it names, is wrong
EXIT_ERROR = 3  # the run could not test the portal
EXIT_SIGNAL_BASE = 128  # interrupted: 128 + the signal's number (130 SIGINT, 143 SIGTERM)
#: Signals that stop a run the way Ctrl-C does.
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


@dataclass
class RunState:
    """What a session learns about the run itself, apart from scenario outcomes: the one
    cause that stopped it, or the signal that interrupted it. The first cause wins."""

    error: str = ""
    interrupted_by: int | None = None

    def stop_with_error(self, cause: str) -> None:
        if not self.error:
            self.error = cause

    def interrupt(self, signum: int) -> None:
        if self.interrupted_by is None:
            self.interrupted_by = signum


@dataclass(frozen=True)
class RunVerdict:
    verdict: Verdict
    reason: str
    ran: int  # scenarios that ran to the end
    not_run: int  # scenarios selected or collected that did not run (any other outcome)
    interrupted_by: int | None = None

    @property
    def exit_code(self) -> int:
        if self.verdict is Verdict.INTERRUPTED:
            return EXIT_SIGNAL_BASE + (self.interrupted_by or signal.SIGINT)
        return {Verdict.PASSED: EXIT_PASSED, Verdict.FAILED: EXIT_FAILED}.get(
            self.verdict, EXIT_ERROR
        )

    def headline(self) -> str:
        """One line for every output: the verdict, its reason, how many ran."""
        return (
            f"{self.verdict.value.upper()}: {self.reason} "
            f"({self.ran} scenarios ran, {self.not_run} did not)"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "verdict": self.verdict.value,
            "reason": self.reason,
            "scenarios_run": self.ran,
            "scenarios_not_run": self.not_run,
            "exit_code": self.exit_code,
        }


def signal_name(signum: int) -> str:
    try:
        return signal.Signals(signum).name
    except ValueError:
        return f"signal {signum}"


def decide(results: Iterable[ScenarioResult], state: RunState) -> RunVerdict:
    """The run's verdict from its scenarios and what stopped it, in this order of weight:
    interrupted, error, failed, a scenario that never finished (error), nothing ran
    (error), passed."""
    results = list(results)
    ran = sum(1 for r in results if r.outcome in RAN)
    not_run = len(results) - ran

    def verdict(kind: Verdict, reason: str) -> RunVerdict:
        return RunVerdict(kind, reason, ran, not_run, state.interrupted_by)

    if state.interrupted_by is not None:
        return verdict(Verdict.INTERRUPTED, f"interrupted by {signal_name(state.interrupted_by)}")
    if state.error:
        return verdict(Verdict.ERROR, state.error)
    errors = [r for r in results if r.outcome is Outcome.ERROR]
    if errors:
        return verdict(Verdict.ERROR, f"{errors[0].scenario}: {errors[0].reason}")
    failed = [r for r in results if r.outcome is Outcome.FAILED]
    if failed:
        rules = sorted({rule for r in failed for rule in r.rules})
        return verdict(
            Verdict.FAILED, f"{len(failed)} scenarios failed (rules: {', '.join(rules)})"
        )
    unfinished = [r for r in results if r.outcome is Outcome.NOT_RUN]
    if unfinished:  # nothing stopped the run, yet these never finished: never "passed"
        first = unfinished[0]
        return verdict(
            Verdict.ERROR,
            f"{len(unfinished)} scenarios never finished "
            f"(first: {first.scenario}: {first.reason or 'no result came back'})",
        )
    if not ran:
        return verdict(
            Verdict.ERROR,
            "no scenario ran: the selection (profiles, tags, -k) or the target left none to run",
        )
    return verdict(Verdict.PASSED, "every scenario that ran passed")
