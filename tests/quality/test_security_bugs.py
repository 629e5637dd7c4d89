"""The security profile bites on the wire: each seeded bug of the served portal (an open
channel, any body read as JSON) fails the scenarios of the rule it breaks over HTTP, while
the reference, served with its secrets, passes every security rule with a seeded bug. The
in-process security bugs run with every other rule's (tests/quality/test_seeded_bugs.py)."""

from __future__ import annotations

import pytest

from harness.catalog import RULES_BY_ID, Profile
from tests.quality.catching import SUITE, run_selection, wrong_reason
from tests.quality.security_bugs import WIRE_BUGS, WIRE_ONLY_RULES, SeededSecurityBug
from tests.quality.seeded import all_seeded_bugs

pytest_plugins = ["pytester"]

OVER_HTTP = """
import pytest
from harness.drivers.memory import HARNESS_OPTIONS
from harness.targets import HttpSettings
from simulators.common.launch import ChannelSecrets
from simulators.portal.server import reference_app
from tests.served import served_reference
import tests.quality.security_bugs as security_bugs

pytest_plugins = ["harness.plugin"]
SETTINGS = HttpSettings(timeout=5.0, mail_wait=0.2, secrets=ChannelSecrets.generate())
WIRE_BUG = {wire_bug!r}


def app(smtp, sevis_url):
    served = reference_app(smtp, sevis_url, secrets=SETTINGS.secrets, options=HARNESS_OPTIONS)
    return getattr(security_bugs, WIRE_BUG)(served, SETTINGS.secrets) if WIRE_BUG else served


@pytest.fixture(scope="session")
def harness_target():
    with served_reference(SETTINGS, app=app) as target:
        yield target
"""


def _run(pytester: pytest.Pytester, conftest: str, rules: tuple[str, ...]) -> dict[str, int]:
    pytester.makeconftest(conftest)
    pytester.makepyfile(test_suite=SUITE)
    selection = " or ".join(f"rule-{rule}" for rule in rules)
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", "-m", selection, "-q")
    return result.parseoutcomes()


@pytest.mark.parametrize("bug", WIRE_BUGS, ids=lambda bug: bug.name)
def test_the_rules_scenarios_catch_the_seeded_bug_over_http(
    pytester: pytest.Pytester, bug: SeededSecurityBug
) -> None:
    """A scenario of the rule fails on a check of the rule: not by a crash, not in a Given."""
    selection = " or ".join(f"rule-{rule}" for rule in bug.rules)
    _, failures = run_selection(pytester, OVER_HTTP.format(wire_bug=bug.wire_bug), selection)
    assert failures, f"{bug.name} passed every scenario of {bug.rules}"
    caught = [failure for failure in failures if not wrong_reason(failure)]
    assert caught, f"{bug.name} failed only for the wrong reasons: {[*map(wrong_reason, failures)]}"


def test_the_reference_passes_every_security_rule_over_http(pytester: pytest.Pytester) -> None:
    security = {
        rule
        for bug in all_seeded_bugs()
        for rule in bug.rules
        if RULES_BY_ID[rule].profile is Profile.SECURITY
    }
    rules = tuple(sorted(security | WIRE_ONLY_RULES))
    outcome = _run(pytester, OVER_HTTP.format(wire_bug=""), rules)
    assert outcome.get("failed", 0) == 0 and outcome.get("skipped", 0) == 0, outcome
    assert outcome.get("passed", 0) >= len(rules), outcome
