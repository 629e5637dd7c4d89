"""Two runs compared, rule by rule, for release gating: what newly fails, what newly
passes, what vanished from the later run."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

GATE_FAILED = 1


@dataclass(frozen=True)
class ReportDiff:
    newly_failing: tuple[str, ...]
    newly_passing: tuple[str, ...]
    vanished: tuple[str, ...]  # rules run before and not now: a gate must not miss them
    appeared: tuple[str, ...]

    @property
    def regressed(self) -> bool:
        return bool(self.newly_failing or self.vanished)


def _statuses(report: dict[str, Any]) -> dict[str, str]:
    return {rule["id"]: rule["status"] for rule in report["rules"]}


def _ran(status: str) -> bool:
    return status in ("passed", "failed")


def diff_reports(before: dict[str, Any], after: dict[str, Any]) -> ReportDiff:
    old, new = _statuses(before), _statuses(after)
    return ReportDiff(
        newly_failing=tuple(r for r, s in new.items() if s == "failed" and old.get(r) != "failed"),
        newly_passing=tuple(r for r, s in new.items() if s == "passed" and old.get(r) == "failed"),
        vanished=tuple(r for r, s in old.items() if _ran(s) and not _ran(new.get(r, ""))),
        appeared=tuple(r for r, s in new.items() if _ran(s) and not _ran(old.get(r, ""))),
    )


def render_diff(diff: ReportDiff) -> str:
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
