"""Scenario results and the rule-by-rule traceability matrix built from them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum

from harness.catalog import RULES, Profile, Rule
from harness.verdict import Outcome, ScenarioResult

__all__ = ["Outcome", "RuleRow", "RuleStatus", "ScenarioResult", "render_matrix", "rule_matrix"]


class RuleStatus(str, Enum):
    PASSED = "passed"
    FAILED = "failed"
    EXPECTED_FAILURE = "expected failure"  # failed, as its expected-failures entry says
    NOT_RUN = "not run"  # a scenario did not run to the end, or all were skipped
    NOT_SELECTED = "not selected"  # no scenario of the rule ran (tags, -k, or a profile)


@dataclass(frozen=True)
class RuleRow:
    rule: Rule
    scenarios: tuple[ScenarioResult, ...]

    def count(self, outcome: Outcome) -> int:
        return sum(1 for s in self.scenarios if s.outcome is outcome)

    @property
    def status(self) -> RuleStatus:
        if not self.scenarios:
            return RuleStatus.NOT_SELECTED
        if self.count(Outcome.FAILED):
            return RuleStatus.FAILED
        if self.count(Outcome.NOT_RUN) or self.count(Outcome.ERROR):
            return RuleStatus.NOT_RUN  # never passed on part of its scenarios
        if self.count(Outcome.EXPECTED_FAILURE):
            return RuleStatus.EXPECTED_FAILURE  # a known failure, never a pass
        if self.count(Outcome.PASSED):
            return RuleStatus.PASSED
        return RuleStatus.NOT_RUN


def rule_matrix(results: Iterable[ScenarioResult], rules: Iterable[Rule] = RULES) -> list[RuleRow]:
    """One row per catalog rule with the scenarios that name it, in catalog order."""
    results = list(results)
    return [RuleRow(rule, tuple(r for r in results if rule.rule_id in r.rules)) for rule in rules]


def render_matrix(rows: list[RuleRow]) -> str:
    """The rule-by-rule result as a plain-text table for a terminal or a CI log: the rules
    the run selected, and a count of the others. An expected failure is shown as such."""
    header = (
        f"{'rule':36} {'faq':6} {'profile':9} {'pass':>4} {'fail':>4} {'xf':>3} {'n/r':>4}  result"
    )
    lines = [header, "-" * len(header)]
    selected = [row for row in rows if row.status is not RuleStatus.NOT_SELECTED]
    portal_rows = [row for row in selected if not row.rule.simulator_only]
    apart = [row for row in selected if row.rule.simulator_only]
    for row in portal_rows + apart:
        if apart and row is apart[0]:
            lines.append("simulator only (the portal takes no part; not counted):")
        faq = ",".join(str(n) for n in row.rule.faq) or "-"
        not_run = sum(
            row.count(o)
            for o in (Outcome.SKIPPED, Outcome.NOT_APPLICABLE, Outcome.NOT_RUN, Outcome.ERROR)
        )
        status = row.status.value
        if row.rule.profile is Profile.FUTURE and row.status is RuleStatus.NOT_RUN:
            status = "not implemented (future)"
        lines.append(
            f"{row.rule.rule_id:36} {faq:6} {row.rule.profile.value:9} "
            f"{row.count(Outcome.PASSED):>4} {row.count(Outcome.FAILED):>4} "
            f"{row.count(Outcome.EXPECTED_FAILURE):>3} {not_run:>4}  {status}"
        )
    others = [row for row in rows if row.status is RuleStatus.NOT_SELECTED]
    totals = {
        status: sum(1 for r in rows if r.status is status and not r.rule.simulator_only)
        for status in RuleStatus
    }
    lines.append("-" * len(header))
    lines.append(
        "rules: "
        + ", ".join(f"{count} {status.value}" for status, count in totals.items() if count)
    )
    if others:
        lines.append(
            f"{len(others)} other rules not selected (tags, --rule, --name, -k or profiles): "
            "not listed"
        )
    return "\n".join(lines)


def unclassified_line(results: Iterable[ScenarioResult]) -> str:
    """The count of scenarios that ran without a ``@rule-`` tag ("" when none did)."""
    count = sum(1 for r in results if not r.rules)
    if not count:
        return ""
    return f"unclassified: {count} scenario(s) without a @rule- tag ran and count for no rule"
