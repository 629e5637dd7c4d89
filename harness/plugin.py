"""The pytest plugin: options, markers from the rule catalog, profile selection, the
world fixture, and the rule-by-rule result. Wiring only; the logic lives in the
modules it imports."""

from __future__ import annotations

import shlex
from collections.abc import Generator
from pathlib import Path
from typing import Any

import pytest

from fixtures.factories import DataFactory, new_seed
from harness import reporting, steps, timing
from harness.catalog import FAQ_ITEMS, PROFILES, RULES, RULES_BY_ID, Profile
from harness.drivers.memory import PortalFactory, reference_portal
from harness.evidence import mask_secrets
from harness.feature_files import collect_named_feature
from harness.gherkin import scenario_names
from harness.reports import RunInfo
from harness.results import Outcome, ScenarioResult, render_matrix, rule_matrix
from harness.targets import (
    HttpSettings,
    HttpTarget,
    PreflightError,
    in_memory_world,
    target_from_options,
)
from harness.world import ScenarioFailure, World
from simulators.common.contract import CONTRACT_VERSION

DEFAULT_PROFILES = ("core", "extended", "security")
FUTURE_REASON = "not implemented: future rule (FAQ 10), announced by SEVP and not yet in the portal"
_RESULTS = pytest.StashKey[dict[str, ScenarioResult]]()
_TARGET = pytest.StashKey[HttpTarget | None]()
_WORLD = pytest.StashKey[World]()  # steps ask for the world by name: not in item.funcargs
_REPORTING = pytest.StashKey[reporting.ReportingPlugin]()
_SCENARIO = pytest.StashKey[ScenarioResult]()
_PROPERTY = "sevp-harness-result"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("sevp-harness", "SEVP Portal conformance harness")
    group.addoption(
        "--harness-profile",
        action="append",
        choices=PROFILES,
        help="run the scenarios of this profile (repeatable; default: core, extended, security)",
    )
    group.addoption("--harness-seed", type=int, help="seed for the scenario data (default: random)")
    group.addoption(
        "--harness-matrix",
        action="store_true",
        help="print the rule-by-rule result at the end of the run",
    )
    reporting.add_options(group, parser)
    parser.addini("harness_profiles", "profiles to run, space separated", type="args")
    parser.addini("harness_seed", "seed for the scenario data", default="")
    group.addoption("--harness-target", metavar="URL", help="run against the portal at URL")
    group.addoption(
        "--harness-target-cmd",
        metavar="CMD",
        help="start the portal with CMD (told where SMTP and SEVIS listen through "
        "SEVP_HARNESS_* variables), run against it, stop it at the end",
    )
    group.addoption(
        "--harness-http-timeout",
        type=float,
        metavar="SECONDS",
        help="bound on each HTTP exchange with the target (default 5)",
    )
    group.addoption(
        "--harness-mail-wait",
        type=float,
        metavar="SECONDS",
        help="how long a scenario waits for an email over SMTP (default 1)",
    )
    parser.addini("harness_target", "URL of the portal under test", default="")
    parser.addini("harness_target_cmd", "command that starts the portal under test", default="")
    parser.addini("harness_http_timeout", "bound on each HTTP exchange, seconds", default="")
    parser.addini("harness_mail_wait", "how long to wait for an email, seconds", default="")


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    return collect_named_feature(file_path, parent)


@pytest.hookimpl(tryfirst=True)  # before junitxml and pytest-bdd read their report paths
def pytest_configure(config: pytest.Config) -> None:
    for rule in RULES:
        config.addinivalue_line("markers", f"{rule.tag}: {rule.statement}")
    for item in FAQ_ITEMS:
        config.addinivalue_line("markers", f"faq-{item}: a rule from item {item} of the DSO FAQ")
    for profile in Profile:
        config.addinivalue_line(
            "markers", f"{profile.value}: a scenario of the {profile.value} profile"
        )
    for module in steps.MODULES:
        if not config.pluginmanager.is_registered(module):
            config.pluginmanager.register(module, f"harness-steps-{module.__name__}")
    config.stash[_RESULTS] = {}
    config.stash[_TARGET] = None
    config.stash[_REPORTING] = reporting.ReportingPlugin(config)
    config.pluginmanager.register(_ResultCollector(config.stash[_RESULTS]), "harness-results")
    if config.pluginmanager.hasplugin("xdist"):
        config.pluginmanager.register(_ShareSeedWithWorkers(), "harness-xdist-seed")
    attached = config.getoption("--harness-target") or config.getini("harness_target")
    if attached and getattr(config.option, "numprocesses", None):
        raise pytest.UsageError(
            "parallel runs (-n) against one attached portal are not supported: every scenario "
            "resets the portal and sets its clock. Use --harness-target-cmd instead, so that "
            "each worker launches a portal of its own."
        )


class _ShareSeedWithWorkers:
    """Every xdist worker draws its data from the controller's seed, so the seed that the
    run prints repeats the whole run."""

    def pytest_configure_node(self, node: Any) -> None:
        node.workerinput["harness_seed"] = _run_seed(node.config)


def _http_settings(config: pytest.Config) -> HttpSettings:
    defaults = HttpSettings()
    timeout = config.getoption("--harness-http-timeout") or config.getini("harness_http_timeout")
    wait = config.getoption("--harness-mail-wait")
    wait = config.getini("harness_mail_wait") if wait is None else wait
    return HttpSettings(
        timeout=float(timeout or defaults.timeout),
        mail_wait=float(defaults.mail_wait if wait in (None, "") else wait),
    )


@pytest.hookimpl(tryfirst=True)
def pytest_runtestloop(session: pytest.Session) -> None:
    """The preflight, before the first scenario: a target that cannot be tested stops the
    run with a plain message (no traceback)."""
    config = session.config
    if config.option.collectonly or not session.items:
        return
    url = config.getoption("--harness-target") or config.getini("harness_target")
    command = config.getoption("--harness-target-cmd") or config.getini("harness_target_cmd")
    if not (url or command):
        return
    try:
        target = target_from_options(url or None, command or None, _http_settings(config))
    except PreflightError as error:
        raise pytest.UsageError(f"sevp-harness preflight: {error}") from None
    config.stash[_TARGET] = target
    if target is not None:
        config.add_cleanup(target.close)


def selected_profiles(config: pytest.Config) -> set[str]:
    chosen = config.getoption("--harness-profile") or config.getini("harness_profiles")
    return set(chosen or DEFAULT_PROFILES)


def _scenario_facts(item: pytest.Item) -> tuple[tuple[str, ...], tuple[int, ...], tuple[str, ...]]:
    names = {mark.name for mark in item.iter_markers()}
    rules = tuple(sorted(n[len("rule-") :] for n in names if n.startswith("rule-")))
    faqs = tuple(sorted(int(n[len("faq-") :]) for n in names if n.startswith("faq-")))
    profiles = tuple(p for p in PROFILES if p in names)
    return rules, faqs, profiles


@pytest.hookimpl(trylast=True)  # after -m and -k have deselected what will not run
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    profiles = selected_profiles(config)
    results = config.stash[_RESULTS]
    for item in items:
        rules, faqs, scenario_profiles = _scenario_facts(item)
        if not rules:
            continue  # not a scenario of the conformance suite
        unknown = [r for r in rules if r not in RULES_BY_ID]
        if unknown:
            raise pytest.UsageError(f"{item.nodeid} names unknown rules: {', '.join(unknown)}")
        feature, scenario = scenario_names(item)
        results[item.nodeid] = item.stash[_SCENARIO] = ScenarioResult(
            item.nodeid, feature, scenario, rules, faqs, " ".join(scenario_profiles)
        )
        if profiles.intersection(scenario_profiles):
            continue
        if scenario_profiles == (Profile.FUTURE.value,):
            item.add_marker(pytest.mark.skip(reason=FUTURE_REASON))
        else:
            wanted = ", ".join(scenario_profiles) or "none"
            item.add_marker(
                pytest.mark.skip(reason=f"not applicable: profile {wanted} not selected")
            )
    config.stash[_REPORTING].mark_expected_failures(items, results)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[Any]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """The scenario's result travels with the report, so that the process that reports
    (the xdist controller, or the only process) learns it from ``pytest_runtest_logreport``."""
    report = yield
    result = item.stash.get(_SCENARIO, None)
    if result is None:
        return report
    if report.when == "call" or (report.when == "setup" and not report.passed):
        result.duration = report.duration
        result.outcome, result.reason = _outcome_of(report)
        if report.failed and call.excinfo is not None:
            result.reason = _failure_reason(call.excinfo.value)
        world = item.stash.get(_WORLD, None)
        if world is not None:
            result.evidence = list(world.evidence.lines())
            if report.failed:
                result.evidence += [mask_secrets(line) for line in world.final_state()]
    elif report.when == "teardown" and report.failed and result.outcome is Outcome.PASSED:
        result.outcome, result.reason = Outcome.FAILED, "teardown failed"
    else:
        return report
    report.user_properties.append((_PROPERTY, result.to_dict()))
    return report


class _ResultCollector:
    """Keeps each scenario's result as its report arrives, in the process that reports."""

    def __init__(self, results: dict[str, ScenarioResult]) -> None:
        self.results = results

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        for name, value in report.user_properties:
            if name == _PROPERTY and isinstance(value, dict):
                self.results[report.nodeid] = ScenarioResult.from_dict(value)


def _failure_reason(error: BaseException) -> str:
    """What went wrong in words: a check's own message, else the error's type and text."""
    text = str(error).strip() or repr(error)
    if not isinstance(error, (AssertionError, ScenarioFailure)):
        text = f"{type(error).__name__}: {text}"
    return text if len(text) <= 1000 else text[:1000] + "..."


def _outcome_of(report: pytest.TestReport) -> tuple[Outcome, str]:
    if hasattr(report, "wasxfail"):
        return Outcome.EXPECTED_FAILURE, str(report.wasxfail)
    if report.skipped:
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        reason = reason.removeprefix("Skipped: ")
        if reason.startswith("not applicable") or reason.startswith("not implemented"):
            return Outcome.NOT_APPLICABLE, reason
        return Outcome.SKIPPED, reason
    if report.failed:
        return Outcome.FAILED, str(report.longreprtext).strip().splitlines()[-1:][
            0
        ] if report.longreprtext else ""
    return Outcome.PASSED, ""


def scenario_results(config: pytest.Config) -> list[ScenarioResult]:
    return list(config.stash.get(_RESULTS, {}).values())


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    results = scenario_results(config)
    if not results:
        return
    if config.getoption("--harness-matrix"):
        terminalreporter.section("SEVP Portal conformance: rule by rule")
        terminalreporter.write_line(render_matrix(rule_matrix(results)))
        seed = _run_seed(config)
        terminalreporter.write_line(
            f"data seed {seed}: repeat with --harness-seed {seed} (portal-harness run --seed {seed})"
        )
    config.stash[_REPORTING].summarize(terminalreporter, results, _run_info(config))


def _run_info(config: pytest.Config) -> RunInfo:
    """What the reports say of this run, and the command that repeats it."""
    target = config.stash.get(_TARGET, None)
    seed = _run_seed(config)
    rerun = ["portal-harness", "run", "--seed", str(seed)]
    for profile in sorted(selected_profiles(config)):
        rerun += ["--profile", profile]
    url = config.getoption("--harness-target") or config.getini("harness_target")
    command = config.getoption("--harness-target-cmd") or config.getini("harness_target_cmd")
    if command:
        rerun += ["--target-cmd", shlex.quote(command)]
        where = f"launched: {command}"
    elif url:
        rerun += ["--target", url]
        where = url
    else:
        where = "embedded reference portal (in memory)"
    return config.stash[_REPORTING].run_info(
        implementation=target.info.implementation if target else "reference",
        contract_version=target.info.contract_version if target else CONTRACT_VERSION,
        target=where,
        seed=seed,
        profiles=tuple(sorted(selected_profiles(config))),
        rerun_base=tuple(rerun),
    )


# --- fixtures -------------------------------------------------------------------------------


def _run_seed(config: pytest.Config) -> int:
    seed = config.getoption("--harness-seed") or config.getini("harness_seed")
    if not seed and hasattr(config, "workerinput"):
        seed = config.workerinput.get("harness_seed")
    if not seed:
        if not hasattr(config, "_harness_seed"):
            config._harness_seed = new_seed()  # type: ignore[attr-defined]
        return int(config._harness_seed)  # type: ignore[attr-defined]
    return int(seed)


def pytest_report_header(config: pytest.Config) -> str:
    seed = _run_seed(config)
    return f"sevp-harness: data seed {seed} (repeat a run with --harness-seed {seed})"


@pytest.fixture
def portal_factory() -> PortalFactory:
    """The portal under test; override this fixture to plug in another in-process portal."""
    return reference_portal


@pytest.fixture(scope="session")
def harness_target(pytestconfig: pytest.Config) -> HttpTarget | None:
    """The portal on the wire (--harness-target or --harness-target-cmd); None: in memory."""
    return pytestconfig.stash.get(_TARGET, None)


@pytest.fixture
def world(
    request: pytest.FixtureRequest,
    portal_factory: PortalFactory,
    harness_target: HttpTarget | None,
) -> World:
    """A fresh world per scenario; its data comes from the run's seed and the scenario's id."""
    data = DataFactory(seed=_run_seed(request.config), namespace=request.node.nodeid)
    if harness_target is None:
        built = in_memory_world(data, portal_factory)
    else:
        if not harness_target.clock_control:
            reason = timing.clock_skip_reason(request.node)
            if reason:
                pytest.skip(reason)
        built = harness_target.world(data)
    request.node.stash[_WORLD] = built
    return built


def pytest_bdd_before_step(
    request: pytest.FixtureRequest, feature: Any, scenario: Any, step: Any, step_func: Any
) -> None:
    world = request.getfixturevalue("world")
    world.evidence.step(step.keyword, step.name)
    timing.before_step(request.node, world.clock.now())


def pytest_bdd_after_step(
    request: pytest.FixtureRequest,
    feature: Any,
    scenario: Any,
    step: Any,
    step_func: Any,
    step_func_args: Any,
) -> None:
    world = request.getfixturevalue("world")
    problem = timing.unlisted_move(request.node, step_func, world.clock.now())
    if problem:
        raise ScenarioFailure(problem)
