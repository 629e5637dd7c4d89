"""The tiers: each test gets one from where it lives, and the fast tier's guard bites."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import tiers

pytest_plugins = ["pytester"]

# It runs a throwaway project whose integration test binds a real socket.
pytestmark = pytest.mark.integration

PROJECT = """
import socket
import subprocess
import sys

import pytest


@pytest.fixture
def listening():
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        yield server


@pytest.mark.fast
def test_pure():
    assert sorted([2, 1]) == [1, 2]


@pytest.mark.fast
def test_binds():
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))


@pytest.mark.fast
def test_swallows_the_refusal():
    try:
        socket.create_connection(("127.0.0.1", 9), timeout=1)
    except Exception:
        pass


@pytest.mark.fast
def test_starts_a_process():
    subprocess.run([sys.executable, "-c", "pass"], check=True, timeout=30)


@pytest.mark.fast
def test_through_a_fixture(listening):
    pass


@pytest.mark.integration
def test_integration_may_bind(listening):
    assert listening.getsockname()[1] > 0
"""


def test_the_guard_fails_a_fast_test_that_reaches_for_a_socket_or_a_process(
    pytester: pytest.Pytester,
) -> None:
    pytester.makeconftest('pytest_plugins = ["tests.tiers"]')
    pytester.makepyfile(test_project=PROJECT)
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", "--strict-markers", "-vv")
    result.assert_outcomes(passed=2, failed=3, errors=1)
    result.stdout.fnmatch_lines(
        [
            "FAILED *::test_binds - *a fast-tier test bound a socket*",
            "FAILED *::test_swallows_the_refusal - *a fast-tier test resolved a host name; mark it*",
            "FAILED *::test_starts_a_process - *a fast-tier test started a subprocess*",
            "ERROR *::test_through_a_fixture - *a fast-tier test bound a socket*",
        ]
    )


def test_a_tier_runs_alone(pytester: pytest.Pytester) -> None:
    pytester.makeconftest('pytest_plugins = ["tests.tiers"]')
    pytester.makepyfile(test_project=PROJECT)
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", "-m", "integration")
    result.assert_outcomes(passed=1, deselected=5)


@pytest.mark.parametrize(
    ("where", "tier"),
    [
        ("unit/sevis/test_src.py", "fast"),
        ("unit/test_layering.py", "fast"),
        ("unit/mail/test_smtp.py", "integration"),
        ("scenarios/test_reference_in_memory.py", "integration"),
        ("quality/test_seeded_bugs.py", "quality"),
        ("security/test_attacks.py", "integration"),
        ("fuzz/test_sentences.py", "fuzz"),
        ("nocover/test_fuzzing_doc.py", "nocover"),
    ],
)
def test_a_module_takes_its_tier_from_where_it_lives(where: str, tier: str) -> None:
    assert tiers.tier_by_place(tiers.TESTS / where, "test_anything") == tier


def test_a_single_test_can_be_integration_in_a_fast_module() -> None:
    cli = tiers.TESTS / "unit" / "harness" / "test_cli.py"
    assert (
        tiers.tier_by_place(cli, "test_run_prints_the_rule_by_rule_result_for_the_chosen_tag")
        == "integration"
    )
    assert tiers.tier_by_place(cli, "test_anything_else") == "fast"


def test_a_module_outside_the_tests_has_no_tier() -> None:
    assert tiers.tier_by_place(Path("/elsewhere/test_x.py")) is None


def test_every_integration_entry_names_a_module_and_test_that_exist() -> None:
    """A renamed module or test would drop silently into the fast tier."""
    stale = []
    for entry in tiers.INTEGRATION_UNIT_TESTS:
        module, _, test = entry.partition("::")
        path = tiers.TESTS / "unit" / module
        if not path.is_file() or (test and f"def {test}(" not in path.read_text()):
            stale.append(entry)
    assert not stale


def test_every_directory_of_tests_has_a_tier() -> None:
    """A new directory of tests would otherwise run in no tier but the whole run."""
    directories = {
        path.relative_to(tiers.TESTS).parts[0] for path in tiers.TESTS.rglob("test_*.py")
    }
    assert directories <= set(tiers.DIRECTORY_TIERS)
