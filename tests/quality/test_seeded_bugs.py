"""The scenarios bite: each seeded bug fails the scenario declared to catch it, for a reason
that is a check of the rule (not a crash), while the reference passes the very same selection.
And every rule outside the future profile has a seeded bug."""

from __future__ import annotations

from dataclasses import fields

import pytest

from harness.catalog import LIMIT_BOUNDS, RULES_BY_ID
from simulators.common.domain import Limits
from tests.quality.bugs_limits import LIMIT_BUGS
from tests.quality.catching import SUITE, Failure, wrong_reason
from tests.quality.catching import run_selection as run_with
from tests.quality.seeded import SeededBug, all_seeded_bugs
from tests.quality.table import (
    DOC,
    bugs_by_rule,
    render_markdown,
    rules_needing_a_bug,
    scenario_titles_by_rule,
)

pytest_plugins = ["pytester"]

#: A conftest that plugs one portal class of ``module`` in (kept for other tests' use).
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
#: A conftest that plugs in the seeded bug called ``name`` (or the reference for "").
BUG_CONFTEST = """
import pytest
from tests.quality.seeded import bug_named

pytest_plugins = ["harness.plugin"]

if {name!r}:
    @pytest.fixture
    def portal_factory():
        return bug_named({name!r}).build
"""
SEEDED_BUGS = all_seeded_bugs()
#: Numbers of Limits that no rule of the catalog states as a limit to bite on.
UNRULED_LIMITS = {"limits.report_change_within_days"}


def run_selection(pytester: pytest.Pytester, bug_name: str, selection: str) -> tuple[int, list]:
    """Run the scenarios ``selection`` picks against the bug (or the reference for "")."""
    return run_with(pytester, BUG_CONFTEST.format(name=bug_name), selection)


def catches(failures: list[Failure], bug: SeededBug) -> Failure | None:
    return next((f for f in failures if f.scenario == bug.catches), None)


@pytest.mark.parametrize("bug", SEEDED_BUGS, ids=lambda bug: bug.name)
def test_the_declared_scenario_catches_the_seeded_bug(
    pytester: pytest.Pytester, bug: SeededBug
) -> None:
    _, failures = run_selection(pytester, bug.name, bug.selection)
    caught = catches(failures, bug)
    assert caught is not None, (
        f"{bug.name} ({bug.what}) passed {bug.catches!r}; failures: {failures}"
    )
    assert not wrong_reason(caught), f"{bug.name}: {wrong_reason(caught)}"


def test_the_reference_passes_every_selection_the_bugs_run(pytester: pytest.Pytester) -> None:
    rules = sorted({rule for bug in SEEDED_BUGS for rule in bug.rules})
    passed, failures = run_selection(pytester, "", " or ".join(f"rule-{r}" for r in rules))
    assert not failures and passed >= len(rules), failures


def test_every_rule_outside_the_future_profile_has_a_seeded_bug() -> None:
    """A new rule without a seeded bug that one of its own scenarios catches fails the build."""
    by_rule = bugs_by_rule(SEEDED_BUGS)
    missing = [rule for rule in rules_needing_a_bug() if not by_rule.get(rule)]
    assert not missing, f"rules without a seeded bug caught by one of their scenarios: {missing}"


def test_every_seeded_bug_names_known_rules_and_a_scenario_of_them() -> None:
    titles = scenario_titles_by_rule()
    for bug in SEEDED_BUGS:
        assert set(bug.rules) <= set(RULES_BY_ID), bug
        assert any(bug.catches in titles.get(rule, ()) for rule in bug.rules), (
            f"{bug.name}: no scenario {bug.catches!r} carries any of {bug.rules}"
        )


def test_the_seeded_bugs_table_is_current() -> None:
    assert DOC.read_text(encoding="utf-8") == render_markdown(), (
        "docs/seeded-bugs.md is stale: run python -m tests.quality.table"
    )


def test_every_limit_is_tried_on_both_sides() -> None:
    """Each recorded limit names a scenario of its rule under the limit and one at or over
    it; the off-by bugs of bugs_limits.py show that each side catches its bug."""
    titles = scenario_titles_by_rule()
    for bound in LIMIT_BOUNDS:
        assert bound.limit.split(".")[0] in ("limits", "password_policy", "readings"), bound
        assert {bound.below, bound.above} <= titles.get(bound.rule_id, frozenset()), bound
        moved = {bug.catches for bug in LIMIT_BUGS if bug.rules == (bound.rule_id,)}
        assert {bound.below, bound.above} <= moved, bound


def test_every_number_of_limits_is_recorded() -> None:
    recorded = {b.limit for b in LIMIT_BOUNDS}
    numbers = {f"limits.{f.name}" for f in fields(Limits)} - UNRULED_LIMITS
    assert numbers <= recorded, numbers - recorded


@pytest.mark.parametrize(
    "stop", [("-p", "no:cacheprovider", "-x"), ("--stepwise",)], ids=["-x", "--stepwise"]
)
def test_stopping_at_the_first_failure_is_failed_not_interrupted(
    pytester: pytest.Pytester, stop: tuple[str, ...]
) -> None:
    """pytest's own early stop after a failure is the failure's verdict (exit 1), not an
    interruption by a signal (exit 130) that ``diff`` would refuse."""
    pytester.makeconftest(BUG_CONFTEST.format(name="DeletesWithoutConfirmation"))
    pytester.makepyfile(test_suite=SUITE)
    outcome = pytester.runpytest_inprocess("-m", "faq-2", *stop)  # --stepwise needs the cache
    text = outcome.stdout.str()
    assert outcome.ret == 1, text
    assert "FAILED: 1 scenarios failed (rules: delete-needs-confirmation)" in text
    assert "INTERRUPTED" not in text and "SIGINT" not in text
