"""Test tiers that run apart (``pytest -m fast``, ``tox -e fast``), as hypothesis's do.

Every test gets exactly one tier marker, from its directory or, under tests/unit, from
the list of modules that need the network or a process. A test may name its tier itself
(``@pytest.mark.integration``). The fast tier stays honest: a fast test that binds or
connects a socket, resolves a host name or starts a process fails, naming what it did.
"""

from __future__ import annotations

import os
import socket
import subprocess
from collections.abc import Callable, Generator, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

TIERS = {
    "fast": "no sockets, no subprocesses: models, services, the harness in memory",
    "integration": "real sockets or processes: HTTP, SMTP, launched targets, the suite",
    "quality": "seeded bugs: every rule's scenarios catch a portal that breaks it",
    "fuzz": "the step fuzzer and the properties over random sessions",
    "nocover": "slow end-to-end checks: documented commands, a headless browser",
}

TESTS = Path(__file__).parent

#: The tier of each top-level test directory.
DIRECTORY_TIERS = {
    "unit": "fast",
    "scenarios": "integration",
    "quality": "quality",
    "security": "integration",  # attacks on the served reference
    "specificity": "quality",  # allowed readings pass the whole suite (the mirror of quality)
    "fuzz": "fuzz",
    "nocover": "nocover",
}

#: Modules under tests/unit, or single tests ("module::test"), that open sockets or start
#: processes: the guard names them when they run in the fast tier.
INTEGRATION_UNIT_TESTS = frozenset(
    {
        "harness/test_authoring.py::test_a_run_refuses_a_tag_it_cannot_take_with_its_file_and_line",
        "harness/test_authoring.py::test_run_takes_a_folder_of_features_with_reports_and_a_rerun_that_works",
        "harness/test_cli.py::test_a_bad_argument_is_a_clear_error_not_a_traceback",
        "harness/test_lazy_imports.py",
        "harness/test_live_view.py::test_under_xdist_the_controller_prints_every_scenario_once",
        "harness/test_cli.py::test_run_prints_the_rule_by_rule_result_for_the_chosen_tag",
        "harness/test_plugin.py::test_parallel_workers_share_the_seed_and_the_matrix_reaches_the_controller",
        "harness/test_selection.py::test_a_run_by_name_runs_that_scenario_and_prints_no_warning",
        "harness/test_selection.py::test_last_failed_reruns_a_real_failure",
        "http/test_deadlines.py",
        "http/test_http_portal.py",
        "http/test_portal_server.py",
        "http/test_reference_over_http.py",
        "http/test_repoint.py",
        "http/test_schemathesis.py",
        "http/test_sevis_over_http.py",
        "mail/test_smtp.py",
        "mail/test_viewer_app.py",
        "sevis/test_sevis_app.py",
        "targets/test_bad_targets.py",
        "targets/test_exploring_doc.py",
        "targets/test_launch_and_attach.py",
        "targets/test_run_verdict.py",
        "targets/test_serve.py",
        "targets/test_serve_contract.py",
    }
)


class FastTierViolation(AssertionError):
    """A fast-tier test reached for the network or a process."""


def pytest_configure(config: pytest.Config) -> None:
    for tier, meaning in TIERS.items():
        config.addinivalue_line("markers", f"{tier}: tier, {meaning}")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if tier_of(item) is None:
            tier = tier_by_place(item.path, getattr(item, "originalname", item.name))
            if tier is not None:
                item.add_marker(tier)


def tier_of(item: pytest.Item) -> str | None:
    return next((mark.name for mark in item.iter_markers() if mark.name in TIERS), None)


def tier_by_place(path: Path, test: str = "") -> str | None:
    """The tier of test ``test`` in module ``path``; None outside this directory."""
    try:
        parts = path.relative_to(TESTS).parts
    except ValueError:
        return None
    if len(parts) < 2:
        return None
    module = "/".join(parts[1:])
    if parts[0] == "unit" and {module, f"{module}::{test}"} & INTEGRATION_UNIT_TESTS:
        return "integration"
    return DIRECTORY_TIERS.get(parts[0])


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Generator[None, None, None]:
    with _guarded(item):
        return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, None, None]:
    with _guarded(item):
        return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item) -> Generator[None, None, None]:
    with _guarded(item):
        return (yield)


@contextmanager
def _guarded(item: pytest.Item) -> Iterator[None]:
    """While a fast test runs, refuse sockets and processes, and fail the test for any
    attempt even if the code under test swallowed the refusal."""
    if tier_of(item) != "fast":
        yield
        return
    attempts: list[str] = []
    with pytest.MonkeyPatch.context() as patch:
        for owner, name, what in _FORBIDDEN:
            if hasattr(owner, name):
                patch.setattr(owner, name, _refusal(attempts, what))
        yield
    if attempts:
        raise FastTierViolation(
            f"a fast-tier test {attempts[0]}; mark it integration (or list its module in "
            "tests/tiers.py INTEGRATION_UNIT_TESTS)"
        )


def _refusal(attempts: list[str], what: str) -> Callable[..., Any]:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        attempts.append(what)
        raise FastTierViolation(f"a fast-tier test {what}")

    return refuse


_FORBIDDEN: tuple[tuple[object, str, str], ...] = (
    (socket.socket, "bind", "bound a socket"),
    (socket.socket, "connect", "connected a socket"),
    (socket.socket, "connect_ex", "connected a socket"),
    (socket, "getaddrinfo", "resolved a host name"),
    (subprocess.Popen, "__init__", "started a subprocess"),
    (os, "fork", "forked a process"),
    (os, "posix_spawn", "spawned a process"),
    (os, "posix_spawnp", "spawned a process"),
    (os, "system", "ran a shell command"),
)
