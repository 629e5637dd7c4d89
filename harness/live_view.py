"""The console's live view: one line a scenario as its result arrives, with the count done
of the run's total ("passed   12/147  Deletion: Refused without confirmation"), in place
of pytest's dots. Under xdist the controller prints, as the workers' reports reach it."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import pytest

from harness.console import step_lines
from harness.evidence import for_terminal
from harness.reports.junit import scenario_title
from harness.verdict import Outcome, ScenarioResult

#: Every outcome word takes this width, so the counts and titles line up.
OUTCOME_WIDTH = max(len(outcome.value) for outcome in Outcome)
#: How each outcome is coloured on a terminal that takes colours.
_MARKUP = {
    Outcome.PASSED: {"green": True},
    Outcome.FAILED: {"red": True, "bold": True},
    Outcome.ERROR: {"red": True, "bold": True},
}


def add_options(group: Any, parser: pytest.Parser) -> None:
    group.addoption(
        "--harness-gherkin",
        action="store_true",
        help="print one line a scenario (result, done/total, feature: scenario) "
        "instead of pytest's dots or test ids",
    )
    group.addoption(
        "--harness-steps",
        action="store_true",
        help="list every step of every scenario under its line (as -v does)",
    )
    parser.addini("harness_gherkin", "the live view of scenarios (true/false)", type="bool")


def enabled(config: pytest.Config) -> bool:
    return bool(config.getoption("--harness-gherkin", False) or config.getini("harness_gherkin"))


def lists_steps(config: pytest.Config) -> bool:
    """Every scenario's steps are listed under its line: ``--harness-steps`` or ``-v``."""
    return bool(config.getoption("--harness-steps", False) or config.option.verbose >= 1)


def scenario_line(result: ScenarioResult, done: int, total: int) -> str:
    """A scenario's line: its result, the count done of the total, its feature and title."""
    count = f"{done:>{len(str(total))}}/{total}" if total >= done else f"{done}"
    scenario = scenario_title(result)
    title = f"{result.feature}: {scenario}" if result.feature else scenario
    return for_terminal(f"{result.outcome.value:<{OUTCOME_WIDTH}}  {count}  {title}")


class LiveView:
    """Prints each scenario's line (and with ``-v`` its steps) in the process that reports.
    A scenario reported twice (it passed, then its teardown failed) is counted once and
    shown again with its final result."""

    def __init__(self, config: pytest.Config, is_scenario: Any) -> None:
        self.config = config
        self.is_scenario = is_scenario  # report -> bool: the report carries a scenario's result
        self.total = 0
        self.shown: set[str] = set()

    def set_total(self, total: int) -> None:
        self.total = total

    @pytest.hookimpl(wrapper=True)
    def pytest_report_teststatus(
        self, report: pytest.TestReport
    ) -> Generator[None, tuple[str, str, Any], tuple[str, str, Any]]:
        """The scenario keeps its category (pytest's closing counts) but prints no dot
        and no test id: its own line says it."""
        category, letter, word = yield
        if self.is_scenario(report):
            return category, "", ""
        return category, letter, word

    def pytest_sessionstart(self) -> None:
        terminal = self.config.pluginmanager.get_plugin("terminalreporter")
        if terminal is not None:
            terminal.showfspath = False  # each line names its feature, not a test module

    @pytest.hookimpl(optionalhook=True)
    def pytest_xdist_node_collection_finished(self, node: Any, ids: list[str]) -> None:
        # the controller collects nothing itself: each worker collects the whole selection
        self.total = self.total or len(ids)

    def show(self, result: ScenarioResult) -> None:
        terminal = self.config.pluginmanager.get_plugin("terminalreporter")
        if terminal is None:
            return
        self.shown.add(result.nodeid)
        line = scenario_line(result, len(self.shown), self.total)
        terminal.write_line(line, **_MARKUP.get(result.outcome, {"yellow": True}))
        if lists_steps(self.config):
            for step in step_lines(result):
                terminal.write_line(for_terminal(step))
