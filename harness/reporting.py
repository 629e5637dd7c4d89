"""Pytest wiring of the reports and the expected-failures file: options, collection
marks, what the reports say of the run, the console's closing sections and writing every
report at the end of the session. The logic lives in ``harness.reports``,
``harness.expected`` and ``harness.results``."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from harness.evidence import for_terminal, mask_secrets
from harness.expected import (
    ExpectedFailuresError,
    entry_to_add,
    load_expected_failures,
    scenario_key,
)
from harness.reports import RunInfo, build_report, write_reports
from harness.reports.junit import rewrite_junit
from harness.reports.model import rerun_with
from harness.results import render_matrix, rule_matrix, unclassified_line
from harness.verdict import Outcome, RunVerdict, ScenarioResult
from simulators.common.contract import CONTRACT_VERSION

if TYPE_CHECKING:
    from harness.targets import HttpTarget

#: The expected-failures entry that names a scenario, kept on its item.
EXPECTED_ENTRY = pytest.StashKey[str]()
#: JUnit XML test-suite properties that carry the run's verdict.
JUNIT_VERDICT = "sevp-harness-verdict"
JUNIT_REASON = "sevp-harness-verdict-reason"
#: Where pytest writes its JUnit XML, and its --junitprefix.
_JUNIT_FILE = pytest.StashKey[tuple[Path, str]]()


def add_options(group: Any, parser: pytest.Parser) -> None:
    group.addoption(
        "--harness-matrix",
        action="store_true",
        help="print the rule-by-rule result at the end of the run",
    )
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
        self,
        items: list[pytest.Item],
        results: dict[str, ScenarioResult],
        deselected: Iterable[str] = (),
    ) -> None:
        """Expected failures become strict xfails: a pass is then a failure (a stale entry).
        An entry for a scenario that was deselected (tags, -k) is not stale."""
        if not self.expected:
            return
        known = set(deselected)
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
                item.stash[EXPECTED_ENTRY] = key
        unknown = sorted(set(self.expected) - known)
        if unknown:
            raise pytest.UsageError(
                "stale expected-failures entries name no scenario of the suite: "
                + "; ".join(repr(u) for u in unknown)
            )

    def summarize(
        self,
        terminalreporter: Any,
        results: list[ScenarioResult],
        info: RunInfo,
        verdict: RunVerdict,
    ) -> None:
        """The end of the console output: the rule-by-rule matrix (when asked for),
        entries to accept new failures, where the reports went, and last the verdict
        (the same words as every report)."""
        if self.config.getoption("--harness-matrix"):
            terminalreporter.section("SEVP Portal conformance: rule by rule")
            terminalreporter.write_line(render_matrix(rule_matrix(results)))
            unclassified = unclassified_line(results)
            if unclassified:
                terminalreporter.write_line(unclassified)
            seed = info.seed
            terminalreporter.write_line(
                f"data seed {seed}: repeat with --harness-seed {seed} "
                f"(portal-harness run --seed {seed})"
            )
        new_failures = [r for r in results if r.outcome is Outcome.FAILED]
        if new_failures:
            terminalreporter.section(
                "to accept a failure, add its entry to the expected-failures file"
            )
            for result in new_failures:
                terminalreporter.write_line(entry_to_add(result))
        if self.report_dir is not None and not hasattr(self.config, "workerinput"):
            written = write_reports(build_report(info, results, verdict), self.report_dir)
            terminalreporter.write_line(
                "harness reports: " + ", ".join(str(path) for path in written.values())
            )
        terminalreporter.section("SEVP Portal conformance: verdict")
        terminalreporter.write_line(for_terminal(verdict.headline()))

    def run_info(
        self,
        *,
        target: HttpTarget | None,
        url: str,
        command: str,
        seed: int,
        profiles: tuple[str, ...],
        rerun_base: tuple[str, ...],
    ) -> RunInfo:
        """The run as its reports describe it: ``target`` is the portal the run reached
        (None in memory, or when a URL or command gave none)."""
        from harness import __version__

        if command:
            where = f"launched: {command}"
        elif url:
            where = url
        else:
            where = "embedded reference portal (in memory)"
        reached = target is not None or not (url or command)
        if target is not None:
            implementation, contract_version = (
                target.info.implementation,
                target.info.contract_version,
            )
        elif reached:
            implementation, contract_version = "reference", CONTRACT_VERSION
        else:
            implementation, contract_version = "unknown (the target was not reached)", "unknown"
        return RunInfo(
            implementation=implementation,
            contract_version=contract_version,
            target=where,
            seed=seed,
            started_at=self.started_at.isoformat(timespec="seconds"),
            finished_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
            profiles=profiles,
            rerun_base=rerun_base,
            harness_version=__version__,
        )


def record_verdict_in_junit(config: pytest.Config, verdict: RunVerdict) -> None:
    """The verdict as test-suite properties of pytest's JUnit XML (when it writes one)."""
    from _pytest.junitxml import xml_key

    xml = config.stash.get(xml_key, None)
    if xml is not None:
        xml.add_global_property(JUNIT_VERDICT, verdict.verdict.value)
        xml.add_global_property(JUNIT_REASON, mask_secrets(verdict.reason))
        config.stash[_JUNIT_FILE] = (Path(xml.logfile), xml.prefix or "")


def rewrite_junit_for_ci(
    config: pytest.Config,
    results: list[ScenarioResult],
    rerun_base: tuple[str, ...],
    verdict: RunVerdict | None = None,
) -> None:
    """Once pytest has written its JUnit XML: scenarios named as written, with their facts,
    steps and evidence (``harness.reports.junit``)."""
    written = config.stash.get(_JUNIT_FILE, None)
    if written is None or hasattr(config, "workerinput") or not written[0].is_file():
        return
    reruns = {r.nodeid: rerun_with(rerun_base, r) for r in results}
    rewrite_junit(written[0], results, reruns, prefix=written[1], verdict=verdict)


def record_verdict_in_cucumber(config: pytest.Config, verdict: RunVerdict) -> None:
    """pytest-bdd's cucumber JSON has no place for a run: the verdict becomes one more
    feature whose single step passes only when the run passed."""
    path = getattr(config.option, "cucumber_json_path", None)
    if not path or hasattr(config, "workerinput"):
        return
    try:
        features = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return  # pytest-bdd wrote none
    status = {"passed": "passed", "interrupted": "skipped"}.get(verdict.verdict.value, "failed")
    result: dict[str, Any] = {"status": status, "duration": 0}
    if status != "passed":
        result["error_message"] = mask_secrets(verdict.reason)
    features.append(
        {
            "keyword": "Feature",
            "uri": "sevp-harness",
            "name": "SEVP Portal conformance run",
            "id": "sevp-harness-run",
            "line": 1,
            "description": verdict.headline(),
            "language": "en",
            "tags": [],
            "elements": [
                {
                    "keyword": "Scenario",
                    "id": "sevp-harness-run;verdict",
                    "name": f"verdict: {verdict.verdict.value}",
                    "line": 1,
                    "description": mask_secrets(verdict.reason),
                    "tags": [],
                    "type": "scenario",
                    "steps": [
                        {
                            "keyword": "Then",
                            "name": "the run passed",
                            "line": 1,
                            "match": {"location": "harness.verdict"},
                            "result": result,
                        }
                    ],
                }
            ],
        }
    )
    Path(path).write_text(json.dumps(features, indent=4), encoding="utf-8")
