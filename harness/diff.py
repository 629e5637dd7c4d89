"""Two runs compared, rule by rule, for release gating: what newly fails, what newly
passes, what vanished from the later run. Only two complete runs of the same selection
of rules can be compared; anything else fails the gate with the reason."""

from __future__ import annotations

from dataclasses import dataclass

from harness.reports.model import Report
from harness.results import RuleStatus
from harness.verdict import EXIT_ERROR, EXIT_FAILED, EXIT_PASSED, Verdict

GATE_FAILED = EXIT_FAILED
#: A run that is not complete, or two runs of different rules: nothing to gate on.
CANNOT_COMPARE = EXIT_ERROR


@dataclass(frozen=True)
class ReportDiff:
    newly_failing: tuple[str, ...]
    newly_passing: tuple[str, ...]
    vanished: tuple[str, ...]  # rules run before and not now: a gate must not miss them
    appeared: tuple[str, ...]
    not_comparable: tuple[str, ...] = ()  # why the two runs cannot be compared

    @property
    def regressed(self) -> bool:
        return bool(self.newly_failing or self.vanished)

    @property
    def exit_code(self) -> int:
        if self.not_comparable:
            return CANNOT_COMPARE
        return GATE_FAILED if self.regressed else EXIT_PASSED


#: A rule fails whether or not an expected-failures entry names it: an entry added since
#: the earlier run hides nothing from the gate.
_FAILING = (RuleStatus.FAILED, RuleStatus.EXPECTED_FAILURE)


def _ran(status: RuleStatus | None) -> bool:
    return status is RuleStatus.PASSED or status in _FAILING


def incomplete(label: str, report: Report) -> str | None:
    """Why a report is not a complete run (None: it is one)."""
    verdict = report.verdict
    if verdict.verdict in (Verdict.ERROR, Verdict.INTERRUPTED):
        first_line = (verdict.reason.splitlines() or [""])[0]
        return f"{label} is not a complete run: verdict {verdict.verdict.value} ({first_line})"
    if verdict.ran == 0:
        return f"{label} ran no scenario"
    return None


def _selected(report: Report) -> set[str]:
    return {rule.rule_id for rule in report.selected_rules()}


def diff_reports(before: Report, after: Report) -> ReportDiff:
    problems = [
        reason
        for reason in (incomplete("the earlier run", before), incomplete("the later run", after))
        if reason
    ]
    only_before, only_after = (
        _selected(before) - _selected(after),
        _selected(after) - _selected(before),
    )
    if only_before or only_after:
        problems.append(
            "the runs selected different rules (profiles, tags, -k): "
            f"only the earlier: {', '.join(sorted(only_before)) or '-'}; "
            f"only the later: {', '.join(sorted(only_after)) or '-'}"
        )
    old, new = before.statuses(), after.statuses()
    passed = RuleStatus.PASSED
    return ReportDiff(
        newly_failing=tuple(
            r for r, s in new.items() if s in _FAILING and old.get(r) not in _FAILING
        ),
        newly_passing=tuple(r for r, s in new.items() if s is passed and old.get(r) in _FAILING),
        vanished=tuple(r for r, s in old.items() if _ran(s) and not _ran(new.get(r))),
        appeared=tuple(r for r, s in new.items() if _ran(s) and not _ran(old.get(r))),
        not_comparable=tuple(problems),
    )


def render_diff(diff: ReportDiff) -> str:
    if diff.not_comparable:
        lines = [f"cannot gate: {reason}" for reason in diff.not_comparable]
        lines.append("verdict: CANNOT COMPARE (a gate needs two complete runs of the same rules)")
        return "\n".join(lines)
    sections = [
        ("newly failing", diff.newly_failing),
        ("newly passing", diff.newly_passing),
        ("vanished (ran before, not now)", diff.vanished),
        ("newly run", diff.appeared),
    ]
    lines = []
    for title, rules in sections:
        lines.append(f"{title}: {len(rules)}")
        lines.extend(f"  {rule}" for rule in rules)
    lines.append("verdict: " + ("REGRESSED" if diff.regressed else "no regression"))
    return "\n".join(lines)
