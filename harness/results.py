"""Scenario results and the rule-by-rule traceability matrix built from them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from enum import Enum
from typing import Any

from harness.catalog import RULES, Profile, Rule


class Outcome(str, Enum):
    PASSED = "passed"
    FAILED = "failed"
    SKIPPED = "skipped"  # with a reason: e.g. the target has no clock control
    NOT_APPLICABLE = "not applicable"  # profile not selected, or a future rule
    EXPECTED_FAILURE = "expected failure"


@dataclass
class ScenarioResult:
    nodeid: str
    feature: str
    scenario: str
    rules: tuple[str, ...]
    faqs: tuple[int, ...]
    profile: str
    outcome: Outcome = Outcome.PASSED
    reason: str = ""
    duration: float = 0.0
    evidence: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Plain data, as it travels between xdist processes."""
        return {**asdict(self), "outcome": self.outcome.value}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ScenarioResult:
        return cls(
            **{
                **data,
                "rules": tuple(data["rules"]),
                "faqs": tuple(data["faqs"]),
                "outcome": Outcome(data["outcome"]),
            }
        )


class RuleStatus(str, Enum):
    PASSED = "passed"
    FAILED = "failed"
    NOT_RUN = "not run"  # every scenario skipped or not applicable
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
        if self.count(Outcome.PASSED) or self.count(Outcome.EXPECTED_FAILURE):
            return RuleStatus.PASSED
        return RuleStatus.NOT_RUN


def rule_matrix(results: Iterable[ScenarioResult], rules: Iterable[Rule] = RULES) -> list[RuleRow]:
    """One row per catalog rule with the scenarios that name it, in catalog order."""
    results = list(results)
    return [RuleRow(rule, tuple(r for r in results if rule.rule_id in r.rules)) for rule in rules]


def render_matrix(rows: list[RuleRow]) -> str:
    """The rule-by-rule result as a plain-text table for a terminal or a CI log."""
    header = f"{'rule':36} {'faq':6} {'profile':9} {'pass':>4} {'fail':>4} {'n/r':>4}  result"
    lines = [header, "-" * len(header)]
    for row in rows:
        faq = ",".join(str(n) for n in row.rule.faq) or "-"
        not_run = row.count(Outcome.SKIPPED) + row.count(Outcome.NOT_APPLICABLE)
        passed = row.count(Outcome.PASSED) + row.count(Outcome.EXPECTED_FAILURE)
        status = row.status.value
        if row.rule.profile is Profile.FUTURE and row.status is RuleStatus.NOT_RUN:
            status = "not implemented (future)"
        lines.append(
            f"{row.rule.rule_id:36} {faq:6} {row.rule.profile.value:9} {passed:>4} "
            f"{row.count(Outcome.FAILED):>4} {not_run:>4}  {status}"
        )
    totals = {status: sum(1 for r in rows if r.status is status) for status in RuleStatus}
    lines.append("-" * len(header))
    lines.append(
        "rules: "
        + ", ".join(f"{count} {status.value}" for status, count in totals.items() if count)
    )
    return "\n".join(lines)
