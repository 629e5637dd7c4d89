"""The security profile bites on the wire: each seeded bug of the served portal (an open
channel, any body read as JSON) fails the scenarios of the rule it breaks over HTTP, while
the reference, served with its secrets, passes every security rule with a seeded bug. The
in-process security bugs run with every other rule's (tests/quality/test_seeded_bugs.py)."""

from __future__ import annotations

import pytest

from harness.suite import FEATURES_DIR
from tests.quality.security_bugs import IN_PROCESS_BUGS, WIRE_BUGS, SeededSecurityBug

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
SUITE = f"""
from pytest_bdd import scenarios
scenarios({str(FEATURES_DIR)!r})
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
    outcome = _run(pytester, OVER_HTTP.format(wire_bug=bug.wire_bug), bug.rules)
    assert outcome.get("failed", 0) >= 1, f"{bug.name} passed every scenario of {bug.rules}"


def test_the_reference_passes_every_security_rule_over_http(pytester: pytest.Pytester) -> None:
    rules = tuple(sorted({rule for bug in IN_PROCESS_BUGS + WIRE_BUGS for rule in bug.rules}))
    outcome = _run(pytester, OVER_HTTP.format(wire_bug=""), rules)
    assert outcome.get("failed", 0) == 0 and outcome.get("skipped", 0) == 0, outcome
    assert outcome.get("passed", 0) >= len(rules), outcome
