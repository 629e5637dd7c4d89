"""Pytest wiring of coverage: follows each scenario's steps, and writes the run's tables
(``--harness-coverage FILE``, and ``coverage.json`` beside the other reports)."""

from __future__ import annotations

import json
from collections.abc import Generator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from harness.coverage._exclusions import load_exclusions
from harness.coverage._faq import faq_coverage, faq_rows
from harness.coverage._model import StateFact, moves, observe
from harness.coverage._recording import calls_so_far, driver_calls, recording
from harness.coverage._tally import ScenarioCoverage, StepMark, note_calls, run_coverage
from harness.drivers.memory import PortalFactory
from harness.gherkin import read_scenarios, scenario_names

_PROPERTY = "sevp-harness-coverage"
REPORT_FILE = "coverage.json"


def add_options(group: Any) -> None:
    group.addoption(
        "--harness-coverage",
        metavar="FILE",
        help="measure what the scenarios cover (contract operations, response codes, fields, "
        "model states) and write it as JSON to FILE; also written with --harness-report-dir",
    )


@dataclass
class _Following:
    """One scenario being followed: its step marks and the states last observed."""

    coverage: ScenarioCoverage
    world: Any
    marks: list[StepMark] = field(default_factory=list)
    observed: frozenset[StateFact] | None = None


_FOLLOWING = pytest.StashKey[_Following]()


class CoveragePlugin:
    """Registered by ``harness.plugin``; idle unless coverage is asked for."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.path = config.getoption("--harness-coverage", None)
        report_dir = config.getoption("--harness-report-dir", None) or config.getini(
            "harness_report_dir"
        )
        self.report_dir = str(report_dir or "")
        self.enabled = bool(self.path or self.report_dir)
        self.scenarios: list[ScenarioCoverage] = []

    def portal_factory(self, factory: PortalFactory) -> PortalFactory:
        """The in-memory portal, recorded when coverage is measured."""
        return recording(factory) if self.enabled else factory

    def _following(self, request: pytest.FixtureRequest) -> tuple[_Following, Any] | None:
        if not self.enabled:
            return None
        world = request.getfixturevalue("world")
        item = request.node
        following = item.stash.get(_FOLLOWING, None)
        if following is None:
            feature, scenario = scenario_names(item)
            following = _Following(ScenarioCoverage(f"{feature}: {scenario}"), world)
            following.observed = observe(world)
            item.stash[_FOLLOWING] = following
        return following, world

    def pytest_bdd_before_step(
        self, request: pytest.FixtureRequest, feature: Any, scenario: Any, step: Any, step_func: Any
    ) -> None:
        found = self._following(request)
        if found is not None:
            following, world = found
            mark = StepMark(calls_so_far(world.portal), step.type, step.name)
            following.marks.append(mark)

    def pytest_bdd_after_step(
        self,
        request: pytest.FixtureRequest,
        feature: Any,
        scenario: Any,
        step: Any,
        step_func: Any,
        step_func_args: Any,
    ) -> None:
        found = self._following(request)
        if found is not None:
            following, world = found
            now = observe(world)
            following.coverage.note_moves(moves(following.observed or frozenset(), now))
            following.observed = now

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(
        self, item: pytest.Item, call: pytest.CallInfo[Any]
    ) -> Generator[None, pytest.TestReport, pytest.TestReport]:
        """A passed scenario's coverage travels with its report (to the xdist controller)."""
        report = yield
        following = item.stash.get(_FOLLOWING, None)
        if following is None or report.when != "call" or not report.passed:
            return report
        note_calls(following.coverage, driver_calls(following.world.portal), following.marks)
        report.user_properties.append((_PROPERTY, following.coverage.to_dict()))
        return report

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        for name, value in report.user_properties:
            if name == _PROPERTY and isinstance(value, dict):
                self.scenarios.append(ScenarioCoverage.from_dict(value))

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        if not self.enabled or hasattr(self.config, "workerinput") or not self.scenarios:
            return
        data = run_coverage(self.scenarios, load_exclusions()).to_dict()
        data["faq"] = faq_rows(faq_coverage(read_scenarios()))
        text = json.dumps(data, indent=2) + "\n"
        if self.path:
            Path(self.path).write_text(text, encoding="utf-8")
        if self.report_dir:
            folder = Path(self.report_dir)
            folder.mkdir(parents=True, exist_ok=True)
            (folder / REPORT_FILE).write_text(text, encoding="utf-8")
