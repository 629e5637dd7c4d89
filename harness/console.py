"""The Gherkin view of a scenario, as QA authors and CI readers see it: the feature, the
scenario, each step with its status (the failing one marked), the message, the last
exchanges and the command that runs it again. The console, JUnit and the reports use it."""

from __future__ import annotations

from dataclasses import dataclass

from _pytest._code.code import TerminalRepr
from _pytest._io import TerminalWriter

from harness.evidence import for_terminal
from harness.verdict import ScenarioResult, StepStatus

#: How many of the last exchanges and events a failure shows.
LAST_EVIDENCE = 8
#: Marks the step that failed (or matched no definition).
FAILING_MARK = ">"
_STEP_PREFIX = "step: "


def step_lines(result: ScenarioResult, *, indent: str = "    ") -> list[str]:
    """Every step with its status; the failing step marked, durations in milliseconds."""
    lines = []
    for step in result.steps:
        mark = FAILING_MARK if step.status in (StepStatus.FAILED, StepStatus.UNDEFINED) else " "
        took = f"  ({step.duration * 1000:.0f} ms)" if step.status is not StepStatus.SKIPPED else ""
        lines.append(f"{indent[:-2]}{mark} {step.status.value:9} {step}{took}")
    return lines


def last_evidence(result: ScenarioResult, count: int = LAST_EVIDENCE) -> list[str]:
    """The last exchanges and events of the scenario (its steps are shown apart)."""
    return [line for line in result.evidence if not line.startswith(_STEP_PREFIX)][-count:]


def failure_view(result: ScenarioResult, rerun: str) -> str:
    """A failed scenario in Gherkin words, with no pytest internals; secrets masked."""
    where = f"  ({result.location})" if result.location else ""
    lines = [f"Feature: {result.feature}", f"  Scenario: {result.scenario}{where}"]
    lines += step_lines(result)
    if result.steps and result.failing_step is None:
        lines.append("    (every step passed: the check after the scenario failed)")
    lines += ["", *(f"  {line}" for line in result.reason.splitlines() or ["(no message)"])]
    evidence = last_evidence(result)
    if evidence:
        lines += ["", "  last exchanges and events:", *(f"    {line}" for line in evidence)]
    if rerun:
        lines += ["", f"  rerun: {rerun}"]
    return for_terminal("\n".join(lines))


@dataclass(frozen=True)
class _Crash:
    message: str


class GherkinFailure(TerminalRepr):
    """A failed scenario's report body: its Gherkin view, and its message for pytest's
    one-line summary ("FAILED ... - <message>")."""

    def __init__(self, result: ScenarioResult, rerun: str) -> None:
        self.view = failure_view(result, rerun)
        self.reprcrash = _Crash(
            for_terminal(result.reason.strip().splitlines()[0])
            if result.reason.strip()
            else "failed"
        )

    def toterminal(self, tw: TerminalWriter) -> None:
        for line in self.view.splitlines():
            tw.line(line)
