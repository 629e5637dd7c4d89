"""Pytest wiring of the reports and the expected-failures file: options, collection
marks, and writing every report at the end of the session. The logic lives in
``harness.reports``, ``harness.expected`` and ``harness.results``."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from harness.expected import (
    ExpectedFailuresError,
    entry_to_add,
    load_expected_failures,
    scenario_key,
)
from harness.reports import RunInfo, build_report, write_reports
from harness.results import Outcome, ScenarioResult


def add_options(group: Any, parser: pytest.Parser) -> None:
    group.addoption(
        "--harness-report-dir",
        help="write JUnit XML, cucumber JSON and the harness's JSON, HTML and Markdown here",
    )
    group.addoption(
        "--harness-expected-failures",
        metavar="FILE",
        help="JSON list of scenarios known to fail: they do not fail the run; one that passes does",
    )
    parser.addini("harness_report_dir", "folder for the reports", default="")
    parser.addini("harness_expected_failures", "the expected-failures file", default="")


def _option(config: pytest.Config, name: str) -> str:
    return str(
        config.getoption(f"--harness-{name}")
        or config.getini(f"harness_{name.replace('-', '_')}")
        or ""
    )


class ReportingPlugin:
    """Registered by ``harness.plugin``; holds what one session learns for its reports."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.started_at = datetime.now(timezone.utc)
        self.report_dir = (
            Path(_option(config, "report-dir")) if _option(config, "report-dir") else None
        )
        expected_path = _option(config, "expected-failures")
        try:
            self.expected = load_expected_failures(Path(expected_path)) if expected_path else {}
        except ExpectedFailuresError as error:
            raise pytest.UsageError(str(error)) from None
        if self.report_dir is not None and not hasattr(config, "workerinput"):
            try:
                self.report_dir.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise pytest.UsageError(
                    f"cannot use report folder {self.report_dir}: {error}"
                ) from None
            # pytest's and pytest-bdd's own reports, unless the runner chose their paths
            if not config.option.xmlpath:
                config.option.xmlpath = str(self.report_dir / "junit.xml")
            if not getattr(config.option, "cucumber_json_path", None):
                config.option.cucumber_json_path = str(self.report_dir / "cucumber.json")

    def mark_expected_failures(
        self, items: list[pytest.Item], results: dict[str, ScenarioResult]
    ) -> None:
        """Expected failures become strict xfails: a pass is then a failure (a stale entry)."""
        if not self.expected:
            return
        known = set()
        for item in items:
            result = results.get(item.nodeid)
            if result is None:
                continue
            key = scenario_key(result.feature, result.scenario, item.nodeid)
            known.add(key)
            entry = self.expected.get(key)
            if entry is not None:
                item.add_marker(
                    pytest.mark.xfail(strict=True, reason=f"expected failure: {entry.reason}")
                )
        unknown = sorted(set(self.expected) - known)
        if unknown:
            raise pytest.UsageError(
                "stale expected-failures entries name no scenario of the suite: "
                + "; ".join(repr(u) for u in unknown)
            )

    def summarize(
        self, terminalreporter: Any, results: list[ScenarioResult], info: RunInfo
    ) -> None:
        new_failures = [r for r in results if r.outcome is Outcome.FAILED]
        if new_failures and self.expected is not None:
            terminalreporter.section(
                "to accept a failure, add its entry to the expected-failures file"
            )
            for result in new_failures:
                terminalreporter.write_line(entry_to_add(result))
        if self.report_dir is not None and not hasattr(self.config, "workerinput"):
            written = write_reports(build_report(info, results), self.report_dir)
            terminalreporter.write_line(
                "harness reports: " + ", ".join(str(path) for path in written.values())
            )

    def run_info(
        self,
        *,
        implementation: str,
        contract_version: str,
        target: str,
        seed: int,
        profiles: tuple[str, ...],
        rerun_base: tuple[str, ...],
    ) -> RunInfo:
        from harness import __version__

        return RunInfo(
            implementation=implementation,
            contract_version=contract_version,
            target=target,
            seed=seed,
            started_at=self.started_at.isoformat(timespec="seconds"),
            finished_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
            profiles=profiles,
            rerun_base=rerun_base,
            harness_version=__version__,
        )
