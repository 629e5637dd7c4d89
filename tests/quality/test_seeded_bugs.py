"""The scenarios bite: each seeded-bug portal fails the scenarios of the rule it breaks,
while the reference passes the very same selection."""

from __future__ import annotations

import pytest

from harness.suite import FEATURES_DIR
from tests.quality.buggy_portals import SEEDED_BUGS, SeededBug

pytest_plugins = ["pytester"]

CONFTEST = """
import pytest
from {module} import {name}
from harness.drivers.memory import HARNESS_OPTIONS

pytest_plugins = ["harness.plugin"]

@pytest.fixture
def portal_factory():
    def build(clock, mailer, sevis):
        return {name}(clock, mailer, sevis, options=HARNESS_OPTIONS)
    return build
"""
SUITE = f"""
from pytest_bdd import scenarios
scenarios({str(FEATURES_DIR)!r})
"""


def run_rules(pytester: pytest.Pytester, portal: type, rules: tuple[str, ...]) -> pytest.RunResult:
    pytester.makeconftest(CONFTEST.format(module=portal.__module__, name=portal.__name__))
    pytester.makepyfile(test_suite=SUITE)
    selection = " or ".join(f"rule-{rule}" for rule in rules)
    return pytester.runpytest_inprocess("-p", "no:cacheprovider", "-m", selection, "-q")


@pytest.mark.parametrize("bug", SEEDED_BUGS, ids=lambda bug: f"faq{bug.faq}-{bug.portal.__name__}")
def test_the_rules_scenarios_catch_the_seeded_bug(
    pytester: pytest.Pytester, bug: SeededBug
) -> None:
    outcome = run_rules(pytester, bug.portal, bug.rules).parseoutcomes()
    assert outcome.get("failed", 0) >= 1, (
        f"{bug.portal.__name__} passed every scenario of {bug.rules}"
    )


def test_the_reference_passes_every_rule_the_bugs_break(pytester: pytest.Pytester) -> None:
    from simulators.portal import PortalService

    rules = tuple(sorted({rule for bug in SEEDED_BUGS for rule in bug.rules}))
    outcome = run_rules(pytester, PortalService, rules).parseoutcomes()
    assert outcome.get("failed", 0) == 0 and outcome.get("passed", 0) >= len(rules), outcome


def test_every_faq_item_with_portal_behaviour_has_a_seeded_bug() -> None:
    assert {2, 3, 5, 6, 7, 8} <= {bug.faq for bug in SEEDED_BUGS}
