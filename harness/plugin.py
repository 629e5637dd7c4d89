"""The pytest plugin: options, markers from the rule catalog, profile selection, the
world fixture, and the rule-by-rule result. Wiring only; the logic lives in the
modules it imports."""

from __future__ import annotations

import argparse
import os
import re
import shlex
import signal
import threading
import time
from collections.abc import Generator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from harness import (
    catalog,
    coverage,
    live_view,
    mail_invariants,
    portal_profile,
    reporting,
    selection,
    steps,
    timing,
)
from harness.catalog import FAQ_ITEMS, PROFILES, RULES, RULES_BY_ID, Profile
from harness.console import GherkinFailure, step_lines
from harness.drivers.memory import PortalFactory, reference_portal
from harness.evidence import for_terminal, forget_secrets, mask_secrets, remember_secret
from harness.expected import scenario_key
from harness.feature_files import collect_named_feature, named_feature_files
from harness.gherkin import scenario_names
from harness.reports.model import rerun_with
from harness.targets import in_memory_world
from harness.verdict import (
    STOP_SIGNALS,
    Outcome,
    RunState,
    RunVerdict,
    ScenarioResult,
    StepResult,
    StepStatus,
    Verdict,
    decide,
    signal_name,
)
from harness.world import ScenarioFailure, World
from simulators.common.launch import ENV_CONTROL_SECRET, ENV_SEVIS_SECRET, ChannelSecrets

# HTTP (requests, the servers) and the data factory (faker) load when a run needs them.
if TYPE_CHECKING:
    from harness.reports import RunInfo
    from harness.targets import HttpSettings, HttpTarget

DEFAULT_PROFILES = catalog.DEFAULT_PROFILES
FUTURE_REASON = "not implemented: future rule (FAQ 10), announced by SEVP and not yet in the portal"
_RESULTS = pytest.StashKey[dict[str, ScenarioResult]]()
_TARGET = pytest.StashKey["HttpTarget | None"]()
_WORLD = pytest.StashKey[World]()  # steps ask for the world by name: not in item.funcargs
_REPORTING = pytest.StashKey[reporting.ReportingPlugin]()
_COVERAGE = pytest.StashKey[coverage.CoveragePlugin]()
_SCENARIO = pytest.StashKey[ScenarioResult]()
_STEP_STARTED = pytest.StashKey[float]()  # perf_counter when the running step began
_DONE = pytest.StashKey[bool]()  # the scenario's result was reported
_STATE = pytest.StashKey[RunState]()
_VERDICT = pytest.StashKey[RunVerdict]()
_SESSION = pytest.StashKey[pytest.Session]()
_CONFORMANCE = pytest.StashKey[bool]()  # the session collected scenarios of the suite
_DESELECTED = pytest.StashKey[set[str]]()  # scenario keys deselected by -k or -m
_LIVE = pytest.StashKey["live_view.LiveView | None"]()
_PROPERTY = "sevp-harness-result"
_RUN_ERROR = "sevp-harness-run-error"  # a run-level error, as it travels to the controller
#: The pseudo test that carries a run-level error (a failed preflight) into JUnit.
RUN_NODEID = "sevp-harness::run"


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
        "--harness-tracebacks",
        action="store_true",
        help="show pytest's traceback of a failed scenario instead of its Gherkin view",
    )
    reporting.add_options(group, parser)
    live_view.add_options(group, parser)
    portal_profile.add_options(group, parser)
    selection.add_options(group)
    coverage.add_options(group)
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
    group.addoption(
        "--harness-sevis-secret",
        metavar="SECRET",
        help="the SEVIS channel's secret of an attached portal (default: $SEVP_HARNESS_SEVIS_SECRET)",
    )
    group.addoption(
        "--harness-control-secret",
        metavar="SECRET",
        help="the control API's secret of an attached portal "
        "(default: $SEVP_HARNESS_CONTROL_SECRET)",
    )
    group.addoption(
        "--harness-launch-timeout",
        type=float,
        metavar="SECONDS",
        help="how long a launched portal may take to answer GET /_harness/info (default 30)",
    )
    # portal-harness passes this, so that messages name its options, not pytest's
    group.addoption("--harness-cli-spelling", action="store_true", help=argparse.SUPPRESS)
    parser.addini("harness_launch_timeout", "how long a launched portal may take", default="")
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
        for tag in rule.asvs_tags:
            config.addinivalue_line("markers", f"{tag}: OWASP ASVS 4.0.3 requirement")
    for item in FAQ_ITEMS:
        config.addinivalue_line("markers", f"faq-{item}: a rule from item {item} of the DSO FAQ")
    for profile in Profile:
        config.addinivalue_line(
            "markers", f"{profile.value}: a scenario of the {profile.value} profile"
        )
    for module in steps.MODULES:
        if not config.pluginmanager.is_registered(module):
            config.pluginmanager.register(module, f"harness-steps-{module.__name__}")
    portal_profile.configure(config)
    config.pluginmanager.register(mail_invariants, "harness-mail-invariants")
    config.stash[_RESULTS] = {}
    config.stash[_TARGET] = None
    config.stash[_STATE] = RunState()
    config.stash[_CONFORMANCE] = False
    config.stash[_REPORTING] = reporting.ReportingPlugin(config)
    config.stash[_COVERAGE] = coverage.CoveragePlugin(config)
    config.pluginmanager.register(config.stash[_COVERAGE], "harness-coverage")
    live = config.stash[_LIVE] = _live_view(config)
    config.pluginmanager.register(
        _ResultCollector(config.stash[_RESULTS], config.stash[_STATE], config, live),
        "harness-results",
    )
    config.pluginmanager.register(_RunLoop(config.stash[_STATE]), "harness-run-loop")
    _stop_on_signals(config)
    if config.pluginmanager.hasplugin("xdist"):
        config.pluginmanager.register(
            _XdistWorkers(config.stash[_RESULTS], config.stash[_STATE]), "harness-xdist"
        )
    attached = config.getoption("--harness-target") or config.getini("harness_target")
    if attached and getattr(config.option, "numprocesses", None):
        raise pytest.UsageError(
            spelled_for_user(
                config,
                "parallel runs (-n) against one attached portal are not supported: every "
                "scenario resets the portal and sets its clock. Use --harness-target-cmd "
                "instead, so that each worker launches a portal of its own.",
            )
        )


def _live_view(config: pytest.Config) -> live_view.LiveView | None:
    """The live view, in the process that reports (never an xdist worker)."""
    if not live_view.enabled(config) or hasattr(config, "workerinput"):
        return None
    view = live_view.LiveView(config, _carries_result)
    config.pluginmanager.register(view, "harness-live-view")
    return view


def _carries_result(report: pytest.TestReport) -> bool:
    return any(name == _PROPERTY for name, _ in report.user_properties)


class _XdistWorkers:
    """Every xdist worker draws its data from the controller's seed, so the seed that the
    run prints repeats the whole run; and each tells the controller what it collected, so
    a scenario never handed to a worker (the run stopped first) is "not run" in every
    output, not missing from them (which reads as "not selected")."""

    def __init__(self, results: dict[str, ScenarioResult], state: RunState) -> None:
        self.results = results
        self.state = state

    def pytest_configure_node(self, node: Any) -> None:
        node.workerinput["harness_seed"] = _run_seed(node.config)

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        output = getattr(session.config, "workeroutput", None)
        if output is not None:
            output[_COLLECTED] = [result.to_dict() for result in self.results.values()]

    def pytest_testnodedown(self, node: Any, error: object) -> None:
        if error is not None:  # the worker crashed: what it ran last has no result
            self.state.stop_with_error(f"a test process (xdist worker) crashed: {error}")
        collected = getattr(node, "workeroutput", {}).get(_COLLECTED, [])
        for data in collected:
            if data["nodeid"] not in self.results:
                result = ScenarioResult.from_dict(data)
                result.outcome, result.steps = Outcome.NOT_RUN, []
                result.reason = "not run: the run stopped before a worker took it"
                self.results[result.nodeid] = result


#: The worker output that carries the scenarios a worker collected.
_COLLECTED = "sevp_harness_collected"


def _http_settings(config: pytest.Config) -> HttpSettings:
    from harness.targets import HttpSettings

    defaults = HttpSettings()
    timeout = config.getoption("--harness-http-timeout") or config.getini("harness_http_timeout")
    wait = config.getoption("--harness-mail-wait")
    wait = config.getini("harness_mail_wait") if wait is None else wait
    launch = config.getoption("--harness-launch-timeout") or config.getini("harness_launch_timeout")
    return HttpSettings(
        timeout=float(timeout or defaults.timeout),
        mail_wait=float(defaults.mail_wait if wait in (None, "") else wait),
        secrets=_channel_secrets(config),
        launch_timeout=float(launch or defaults.launch_timeout),
    )


def _channel_secrets(config: pytest.Config) -> ChannelSecrets | None:
    """The secrets given for an attached portal (options, else the variables a portal
    reads); none at all is allowed (a launch makes its own), one without the other is not."""
    given = {
        ENV_SEVIS_SECRET: config.getoption("--harness-sevis-secret") or "",
        ENV_CONTROL_SECRET: config.getoption("--harness-control-secret") or "",
    }
    try:
        return ChannelSecrets.from_environ({**os.environ, **{k: v for k, v in given.items() if v}})
    except ValueError as error:
        raise pytest.UsageError(
            f"sevp-harness: {error} (or give both --harness-*-secret options)"
        ) from None


_PYTEST_SPELLING = re.compile(
    r"--harness-(target-cmd|target|http-timeout|launch-timeout|mail-wait|sevis-secret|control-secret)\b"
)


def spelled_for_user(config: pytest.Config, message: str) -> str:
    """A message names the options as the user typed them: ``--target-cmd`` for
    ``portal-harness run``, ``--harness-target-cmd`` for pytest."""
    if not config.getoption("--harness-cli-spelling", False):
        return message
    return _PYTEST_SPELLING.sub(r"--\1", message)


@pytest.hookimpl(tryfirst=True)
def pytest_runtestloop(session: pytest.Session) -> bool | None:
    """The preflight, before the first scenario: a target that cannot be tested stops the
    run with a plain message (no traceback)."""
    config = session.config
    if config.option.collectonly or not session.items:
        return None
    url = config.getoption("--harness-target") or config.getini("harness_target")
    command = config.getoption("--harness-target-cmd") or config.getini("harness_target_cmd")
    if not (url or command):
        return None
    from harness.targets import PreflightError, target_from_options

    try:
        target = target_from_options(url or None, command or None, _http_settings(config))
    except PreflightError as error:
        cause = spelled_for_user(config, f"sevp-harness preflight: {error}")
        config.stash[_STATE].stop_with_error(cause)
        if hasattr(config, "workerinput"):
            return None  # xdist runs the loop; the first scenario errs with the cause
        _report_run_error(session, cause)
        return True  # no scenario runs: each is reported "not run"
    config.stash[_TARGET] = target
    if target is not None:
        config.add_cleanup(target.close)
    return None


class _RunLoop:
    """Whatever stops the run (an infrastructure error, a signal), the scenarios that did
    not finish are reported "not run", so every report accounts for every scenario."""

    def __init__(self, state: RunState) -> None:
        self.state = state

    @pytest.hookimpl(wrapper=True)
    def pytest_runtestloop(self, session: pytest.Session) -> Generator[None, object, object]:
        try:
            return (yield)
        except KeyboardInterrupt as stop:
            # pytest's and xdist's Interrupted (subclasses) stop on session.shouldstop: an
            # infrastructure error, or -x/--maxfail/--stepwise after a failure; the verdict
            # weighs the scenarios. Only a plain KeyboardInterrupt is Ctrl-C.
            if type(stop) is not KeyboardInterrupt:
                return True
            self.state.interrupt(signal.SIGINT)  # no-op when a signal handler said which
            raise
        finally:
            _report_not_run(session, self.state)


def _stop_on_signals(config: pytest.Config) -> None:
    """SIGTERM and SIGHUP (a CI runner, a container stop) stop the run as Ctrl-C does: the
    reports are written with verdict interrupted and the launched portal is stopped. The
    state learns the signal before anything runs again (an after-scenario hook)."""
    if hasattr(config, "workerinput") or threading.current_thread() is not threading.main_thread():
        return
    state = config.stash[_STATE]

    def stop(signum: int, frame: object) -> None:
        first = state.interrupted_by is None
        state.interrupt(signum)
        if first:  # a second signal must not break the writing of the reports
            raise KeyboardInterrupt(f"stopped by {signal_name(signum)}")

    previous = {sig: signal.signal(sig, stop) for sig in STOP_SIGNALS}

    def restore() -> None:
        for sig, handler in previous.items():
            signal.signal(sig, handler)

    config.add_cleanup(restore)


def _report_run_error(session: pytest.Session, cause: str) -> None:
    """A run-level error as an errored pseudo test: JUnit shows it as <error>."""
    report = pytest.TestReport(
        RUN_NODEID,
        ("sevp-harness", None, "run"),
        {},
        "failed",
        cause,
        "setup",
        user_properties=[(_RUN_ERROR, cause)],
    )
    session.config.hook.pytest_runtest_logreport(report=report)


def _report_not_run(session: pytest.Session, state: RunState) -> None:
    if state.interrupted_by is None and not state.error and not session.shouldstop:
        return
    if hasattr(session.config, "workerinput"):
        return  # an xdist worker reports only the scenarios the controller gave it
    if state.interrupted_by is not None:
        why = f"interrupted by {signal_name(state.interrupted_by)}"
    elif state.error:
        why = "the run stopped on an error (see the verdict)"
    else:  # -x, --maxfail or --stepwise: pytest says why
        why = f"the run stopped early ({session.shouldstop})"
    for item in session.items:
        result = item.stash.get(_SCENARIO, None)
        if result is None or result.outcome is not Outcome.NOT_RUN or item.stash.get(_DONE, False):
            continue
        result.reason = f"not run: {why}"
        path, line, _ = item.location
        report = pytest.TestReport(
            item.nodeid,
            item.location,
            {},
            "skipped",
            (str(path), (line or 0) + 1, result.reason),
            "setup",
            user_properties=[(_PROPERTY, result.to_dict())],
        )
        session.config.hook.pytest_runtest_logreport(report=report)


def selected_profiles(config: pytest.Config) -> set[str]:
    chosen = config.getoption("--harness-profile") or config.getini("harness_profiles")
    return set(chosen or DEFAULT_PROFILES)


def _scenario_facts(item: pytest.Item) -> tuple[tuple[str, ...], tuple[int, ...], tuple[str, ...]]:
    names = {mark.name for mark in item.iter_markers()}
    rules = tuple(sorted(n[len("rule-") :] for n in names if n.startswith("rule-")))
    faqs = tuple(sorted(int(n[len("faq-") :]) for n in names if n.startswith("faq-")))
    profiles = tuple(p for p in PROFILES if p in names)
    return rules, faqs, profiles


def pytest_deselected(items: list[pytest.Item]) -> None:
    scenarios = [item for item in items if _scenario_facts(item)[0]]
    if scenarios:
        config = scenarios[0].config
        config.stash[_CONFORMANCE] = True  # a run that selected none still reports
        config.stash.setdefault(_DESELECTED, set()).update(
            scenario_key(*scenario_names(item), item.nodeid) for item in scenarios
        )


@pytest.hookimpl(trylast=True)  # after -m and -k have deselected what will not run
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    selection.apply_selection(config, items)
    profiles = selected_profiles(config)
    results = config.stash[_RESULTS]
    for item in items:
        rules, faqs, scenario_profiles = _scenario_facts(item)
        feature, scenario = scenario_names(item)
        if not rules and not feature:
            continue  # not a scenario
        config.stash[_CONFORMANCE] = True
        unknown = [r for r in rules if r not in RULES_BY_ID]
        if unknown:
            raise pytest.UsageError(f"{item.nodeid} names unknown rules: {', '.join(unknown)}")
        results[item.nodeid] = item.stash[_SCENARIO] = ScenarioResult(
            item.nodeid, feature, scenario, rules, faqs, " ".join(scenario_profiles)
        )
        if not rules:
            continue  # unclassified: runs in every profile, counted for no rule
        if Profile.FUTURE.value in scenario_profiles:  # announced, never failed
            item.add_marker(pytest.mark.skip(reason=FUTURE_REASON))
        elif profiles.intersection(scenario_profiles):
            continue
        else:
            wanted = ", ".join(scenario_profiles) or "none"
            item.add_marker(
                pytest.mark.skip(reason=f"not applicable: profile {wanted} not selected")
            )
    deselected: set[str] = config.stash.get(_DESELECTED, set())
    config.stash[_REPORTING].mark_expected_failures(items, results, deselected)
    live = config.stash.get(_LIVE, None)
    if live is not None:
        live.set_total(len(results))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[Any]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """The scenario's result travels with the report, so that the process that reports
    (the xdist controller, or the only process) learns it from ``pytest_runtest_logreport``.
    A scenario that failed because the target died or stopped answering is an error that
    stops the run, not a conformance failure."""
    report = yield
    result = item.stash.get(_SCENARIO, None)
    if result is None:
        return report
    if report.when == "call" or (report.when == "setup" and not report.passed):
        result.duration = report.duration
        result.outcome, result.reason = _outcome_of(report)
        if report.failed and call.excinfo is not None:
            result.reason = _failure_reason(call.excinfo.value)
        entry = item.stash.get(reporting.EXPECTED_ENTRY, None)
        if entry is not None and report.when == "call" and report.failed and call.excinfo is None:
            result.reason = f"expected failure now passes: remove entry {entry!r}"
            report.longrepr = result.reason  # instead of pytest's XPASS(strict) wording
        world = item.stash.get(_WORLD, None)
        if world is not None:
            _remember_secrets_of(world)
            result.evidence = list(world.evidence.lines())
            if report.failed:
                result.evidence += [mask_secrets(line) for line in world.final_state()]
        if result.outcome in (Outcome.FAILED, Outcome.EXPECTED_FAILURE):
            _stop_on_infrastructure_fault(item, report, result)
    elif report.when == "teardown" and report.failed and result.outcome is Outcome.PASSED:
        result.outcome, result.reason = Outcome.FAILED, "teardown failed"
    else:
        return report
    item.stash[_DONE] = True
    if report.failed and result.outcome is Outcome.FAILED and not _tracebacks(item.config):
        # the Gherkin view, not pytest's traceback through its fixtures
        report.longrepr = GherkinFailure(result, rerun_with(_rerun_base(item.config), result))
    elif report.failed:  # the console and JUnit print this: no secret, no terminal escape
        report.longrepr = for_terminal(report.longreprtext)
    result.reason = mask_secrets(result.reason)
    report.user_properties.append((_PROPERTY, result.to_dict()))
    return report


def _tracebacks(config: pytest.Config) -> bool:
    return bool(config.getoption("--harness-tracebacks", False))


def _remember_secrets_of(world: World) -> None:
    """Every password the scenario chose or typed and every session it held."""
    for student in world.students:
        remember_secret(student.password, student.session, student.rejected_password)
        remember_secret(*student.passwords, *student.earlier_sessions)


def _stop_on_infrastructure_fault(
    item: pytest.Item, report: pytest.TestReport, result: ScenarioResult
) -> None:
    state = item.config.stash[_STATE]
    target = item.config.stash.get(_TARGET, None)
    cause = state.error or (target.infrastructure_fault() if target is not None else None)
    if cause is None:
        return
    state.stop_with_error(cause)
    result.outcome, result.reason = Outcome.ERROR, cause
    item.session.shouldstop = "the target can no longer be tested"
    # JUnit and the console show an error, not a conformance failure
    report.outcome, report.when = "failed", "setup"
    if hasattr(report, "wasxfail"):
        del report.wasxfail
    report.longrepr = cause
    report.user_properties.append((_RUN_ERROR, cause))


class _ResultCollector:
    """Keeps each scenario's result as its report arrives, in the process that reports;
    the live view prints its line, and with ``-v`` the console lists its steps."""

    def __init__(
        self,
        results: dict[str, ScenarioResult],
        state: RunState,
        config: pytest.Config,
        live: live_view.LiveView | None = None,
    ) -> None:
        self.results = results
        self.state = state
        self.config = config
        self.live = live

    @pytest.hookimpl(trylast=True)  # after the terminal's line for the scenario
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        for name, value in report.user_properties:
            if name == _PROPERTY and isinstance(value, dict):
                result = self.results[report.nodeid] = ScenarioResult.from_dict(value)
                if self.live is not None:
                    self.live.show(result)
                else:
                    self._show_steps(result)
            elif name == _RUN_ERROR and isinstance(value, str):
                self.state.stop_with_error(value)

    def _show_steps(self, result: ScenarioResult) -> None:
        terminal = self.config.pluginmanager.get_plugin("terminalreporter")
        if terminal is None or not live_view.lists_steps(self.config) or not result.steps:
            return
        for line in step_lines(result):
            terminal.write_line(for_terminal(line))


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


def run_verdict(config: pytest.Config) -> RunVerdict | None:
    """The run's verdict, once the session has finished (None: no scenario was collected)."""
    return config.stash.get(_VERDICT, None)


def pytest_sessionstart(session: pytest.Session) -> None:
    session.config.stash[_SESSION] = session
    forget_secrets()


@pytest.hookimpl(tryfirst=True)  # before JUnit XML and the terminal summary are written
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    config = session.config
    state = config.stash.get(_STATE, None)
    if state is None or hasattr(config, "workerinput"):
        return
    if exitstatus == pytest.ExitCode.INTERRUPTED:
        state.interrupt(signal.SIGINT)  # Ctrl-C before the scenarios ran (collection)
    results = scenario_results(config)
    if not (results or state.error or config.stash[_CONFORMANCE]):
        return  # not a conformance run: a project's own tests
    verdict = config.stash[_VERDICT] = decide(results, state)
    reporting.record_verdict_in_junit(config, verdict)


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    verdict = run_verdict(config)
    if verdict is None:
        return
    config.stash[_REPORTING].summarize(
        terminalreporter, scenario_results(config), _run_info(config), verdict
    )


def pytest_unconfigure(config: pytest.Config) -> None:
    """The exit status follows the verdict (docs/reports.md); read by pytest.main after
    this hook, once every cleanup (the launched portal's stop) has been registered."""
    verdict = config.stash.get(_VERDICT, None)
    session = config.stash.get(_SESSION, None)
    if verdict is None or session is None:
        return
    reporting.record_verdict_in_cucumber(config, verdict)
    reporting.rewrite_junit_for_ci(config, scenario_results(config), _rerun_base(config), verdict)
    if verdict.verdict is not Verdict.PASSED or session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = verdict.exit_code
    # else: a passed verdict never hides a failure of a test that is not a scenario


def _run_info(config: pytest.Config) -> RunInfo:
    """What the reports say of this run (``harness.reporting``), with its readings."""
    url, command = _target_options(config)
    info = config.stash[_REPORTING].run_info(
        target=config.stash.get(_TARGET, None),
        url=url,
        command=command,
        seed=_run_seed(config),
        profiles=tuple(sorted(selected_profiles(config))),
        rerun_base=_rerun_base(config),
    )
    return portal_profile.with_readings(config, info)


def _target_options(config: pytest.Config) -> tuple[str, str]:
    """The target's URL and launch command as the run was given them ("" when not)."""
    url = config.getoption("--harness-target") or config.getini("harness_target")
    command = config.getoption("--harness-target-cmd") or config.getini("harness_target_cmd")
    return str(url or ""), str(command or "")


def _rerun_base(config: pytest.Config) -> tuple[str, ...]:
    """The command that repeats this run (same seed, profiles, files and target)."""
    rerun = ["portal-harness", "run", "--seed", str(_run_seed(config))]
    for profile in sorted(selected_profiles(config)):
        rerun += ["--profile", profile]
    url, command = _target_options(config)
    rerun += named_feature_files(config.args)
    if command:
        rerun += ["--target-cmd", shlex.quote(command)]
    elif url:
        rerun += ["--target", url]
    return tuple(rerun)


# --- fixtures -------------------------------------------------------------------------------


def _run_seed(config: pytest.Config) -> int:
    from fixtures.factories import new_seed

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
    from fixtures.factories import DataFactory

    data = DataFactory(seed=_run_seed(request.config), namespace=request.node.nodeid)
    state = request.config.stash[_STATE]
    if state.interrupted_by is not None:  # asked again (an after-scenario hook) while stopping
        raise KeyboardInterrupt(f"interrupted by {signal_name(state.interrupted_by)}")
    if state.error:  # an xdist worker whose preflight failed: never fall back to memory
        raise TargetUnavailable(state.error)
    if harness_target is None:
        built = in_memory_world(
            data, request.config.stash[_COVERAGE].portal_factory(portal_factory)
        )
    else:
        if not harness_target.clock_control:
            reason = timing.clock_skip_reason(request.node)
            if reason:
                pytest.skip(reason)
        built = harness_target.world(data)
    request.node.stash[_WORLD] = built
    declared = harness_target.info.readings if harness_target else built.portal.info().readings
    portal_profile.apply(request.config, built, declared)
    return built


@pytest.hookimpl(wrapper=True)
def pytest_bdd_after_scenario(
    request: pytest.FixtureRequest, feature: Any, scenario: Any
) -> Generator[None, None, None]:
    """While a signal stops the run, an after-scenario check (run by pytest-bdd in a
    ``finally``) must not turn the interruption into a scenario failure."""
    try:
        yield
    except Exception:
        state = request.config.stash[_STATE]
        if state.interrupted_by is None:
            raise
        raise KeyboardInterrupt(f"interrupted by {signal_name(state.interrupted_by)}") from None


class TargetUnavailable(Exception):
    """The run's target cannot be tested (the cause is the run's error)."""


def pytest_bdd_before_scenario(request: pytest.FixtureRequest, feature: Any, scenario: Any) -> None:
    result = request.node.stash.get(_SCENARIO, None)
    if result is not None:
        result.location = f"{feature.rel_filename}:{scenario.line_number}"
        result.plan_steps(StepResult(s.keyword, s.name, s.line_number) for s in scenario.steps)


def pytest_bdd_before_step(
    request: pytest.FixtureRequest, feature: Any, scenario: Any, step: Any, step_func: Any
) -> None:
    request.node.stash[_STEP_STARTED] = time.perf_counter()
    world = request.getfixturevalue("world")
    world.begin_step(step.type, step.keyword, step.name)
    timing.before_step(request.node, world.clock.now())


def _finish_step(request: pytest.FixtureRequest, step: Any, status: StepStatus) -> None:
    result = request.node.stash.get(_SCENARIO, None)
    if result is not None:
        started = request.node.stash.get(_STEP_STARTED, None)
        took = time.perf_counter() - started if started is not None else 0.0
        result.finish_step(step.line_number, status, took)


def pytest_bdd_step_error(
    request: pytest.FixtureRequest,
    feature: Any,
    scenario: Any,
    step: Any,
    step_func: Any,
    step_func_args: Any,
    exception: Exception,
) -> None:
    _finish_step(request, step, StepStatus.FAILED)


def pytest_bdd_step_func_lookup_error(
    request: pytest.FixtureRequest, feature: Any, scenario: Any, step: Any, exception: Exception
) -> None:
    _finish_step(request, step, StepStatus.UNDEFINED)


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
    _finish_step(request, step, StepStatus.FAILED if problem else StepStatus.PASSED)
    if problem:
        raise ScenarioFailure(problem)
