"""Replays a written finding (any ``.feature`` file) through pytest and the harness plugin,
against the reference, an in-process portal (``module:Name``) or a target on the wire.

The file is collected as it is (``harness.feature_files``), so every failure names the
``.feature`` file, the scenario and the step's line; ``verbose`` lists every step."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import pytest

from harness.suite import SUITE_DIR

#: Exit status of a replay that cannot start (as argparse uses for usage errors).
USAGE_EXIT = 2


class ReplayError(RuntimeError):
    """The replay cannot start (missing file, a target this checkout cannot reach)."""


def replay_arguments(
    feature: Path,
    *,
    target_url: str | None = None,
    target_cmd: str | None = None,
    seed: int | None = None,
    extra: Sequence[str] = (),
) -> list[str]:
    """The arguments for ``pytest.main``: the file itself, with the suite's settings."""
    feature = feature.resolve()
    if not feature.is_file():
        raise ReplayError(f"no such feature file: {feature}")
    if feature.suffix != ".feature":
        raise ReplayError(f"not a .feature file: {feature}")
    arguments = [
        str(feature),
        "-c",
        str(SUITE_DIR / "pytest.ini"),
        "--rootdir",
        str(feature.parent),
    ]
    if seed is not None:
        arguments += ["--harness-seed", str(seed)]
    if target_url:
        arguments += ["--harness-target", target_url]
    if target_cmd:
        arguments += ["--harness-target-cmd", target_cmd]
    return arguments + list(extra)


def replay(
    feature: Path,
    *,
    target_url: str | None = None,
    target_cmd: str | None = None,
    portal: str | None = None,
    seed: int | None = None,
    extra: Sequence[str] = ("-q",),
    verbose: bool = False,
    out: TextIO | None = None,
) -> int:
    """Run ``feature`` with pytest: 0 when every scenario passed, 1 when one failed, 2 when
    the replay cannot start (a bad ``--portal``, a target that fails its preflight)."""
    arguments = replay_arguments(
        feature, target_url=target_url, target_cmd=target_cmd, seed=seed, extra=extra
    )
    steps = StepLog(verbose=verbose, out=out or sys.stdout)
    plugins: list[object] = [steps]
    if portal:
        plugins.append(InProcessPortal(portal))
    code = pytest.main([*arguments, "--tb=short" if verbose else "--tb=no"], plugins=plugins)
    return USAGE_EXIT if code == pytest.ExitCode.USAGE_ERROR else int(code)


class InProcessPortal:
    """Overrides the ``portal_factory`` fixture with ``module:Name``. Registered once pytest
    is configured, after the harness plugin, so its fixture is the one scenarios get; the
    portal's module is imported there too, after pytest's assertion rewriting is set up."""

    def __init__(self, spec: str) -> None:
        self.spec = spec

    def pytest_configure(self, config: pytest.Config) -> None:
        from harness.fuzz import portal_factory_from

        try:
            factory = portal_factory_from(self.spec)
        except (ImportError, AttributeError, ValueError) as error:
            raise pytest.UsageError(
                f"portal-harness replay: --portal {self.spec}: {error}"
            ) from None

        class PortalFixture:
            @pytest.fixture
            def portal_factory(self) -> Any:
                return factory

        config.pluginmanager.register(PortalFixture(), "harness-replay-portal")


@dataclass
class _Scenario:
    where: str  # file:line of the scenario
    title: str
    steps: list[tuple[int, str]]  # (line, "Keyword text"), in order
    statuses: dict[int, str] = field(default_factory=dict)  # line -> passed/failed/undefined
    message: str = ""


class StepLog:
    """Prints each replayed scenario in Gherkin: every step with its status when verbose,
    else the failing step of a failure, each with its ``file:line`` and the message."""

    def __init__(self, *, verbose: bool, out: TextIO) -> None:
        self.verbose = verbose
        self.out = out
        self.scenarios: dict[str, _Scenario] = {}

    def pytest_bdd_before_scenario(self, request: Any, feature: Any, scenario: Any) -> None:
        path = os.path.relpath(feature.filename)
        path = feature.filename if path.startswith("..") else path
        self.scenarios[request.node.nodeid] = _Scenario(
            f"{path}:{scenario.line_number}",
            scenario.name,
            [(s.line_number, f"{s.keyword.strip()} {s.name}") for s in scenario.steps],
        )

    def pytest_bdd_after_step(self, request: Any, step: Any, **_: Any) -> None:
        self._status(request, step, "passed")

    def pytest_bdd_step_error(self, request: Any, step: Any, exception: Any, **_: Any) -> None:
        self._status(request, step, "failed", str(exception).strip() or type(exception).__name__)

    def pytest_bdd_step_func_lookup_error(
        self, request: Any, step: Any, exception: Any, **_: Any
    ) -> None:
        self._status(request, step, "undefined", "no step of the library says this sentence")

    def _status(self, request: Any, step: Any, status: str, message: str = "") -> None:
        scenario = self.scenarios.get(request.node.nodeid)
        if scenario is not None:
            scenario.statuses[step.line_number] = status
            scenario.message = scenario.message or message

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        scenario = self.scenarios.get(report.nodeid)
        if scenario is None or not (report.when == "call" or report.failed):
            return
        file = scenario.where.rsplit(":", 1)[0]
        outcome = "failed" if report.failed else report.outcome
        lines = [f"{scenario.where}: Scenario: {scenario.title} ({outcome})"]
        for line, text in scenario.steps:
            status = scenario.statuses.get(line, "not run")
            if self.verbose or status in ("failed", "undefined"):
                mark = ">" if status in ("failed", "undefined") else " "
                lines.append(f" {mark} {file}:{line}  {text}  [{status}]")
        if report.failed:
            message = scenario.message or (report.longreprtext.strip().splitlines() or [""])[-1]
            lines += [f"      {part}" for part in message.splitlines()[:12]]
        self.out.write("\n" + "\n".join(lines) + "\n")
        self.out.flush()
