"""The report as data: one JSON document with a versioned schema
(``harness/reports/report.schema.json``, documented in docs/reports.md)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.evidence import mask_secrets
from harness.results import Outcome, ScenarioResult, rule_matrix

REPORT_SCHEMA = "sevp-portal-harness/report"
REPORT_SCHEMA_VERSION = 1
SCHEMA_PATH = Path(__file__).with_name("report.schema.json")


class ReportError(ValueError):
    """A file that is not a report this harness can read; the message says why."""


@dataclass(frozen=True)
class RunInfo:
    """What a report says about the run itself."""

    implementation: str
    contract_version: str
    target: str  # "reference (in memory)", a URL, or a launch command
    seed: int
    started_at: str
    finished_at: str
    profiles: tuple[str, ...]
    rerun_base: tuple[str, ...] = ()  # the command that repeats this run, before its filters
    harness_version: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def rerun_command(info: RunInfo, result: ScenarioResult) -> str:
    """A command that runs just this scenario again against the same target and data."""
    test_name = result.nodeid.rsplit("::", 1)[-1].split("[", 1)[0]
    return " ".join([*info.rerun_base, "-k", _quote(test_name)])


def _quote(text: str) -> str:
    return "'" + text.replace("'", "'\\''") + "'"


def build_report(info: RunInfo, results: list[ScenarioResult]) -> dict[str, Any]:
    rows = rule_matrix(results)
    counts = {outcome.value: 0 for outcome in Outcome}
    for result in results:
        counts[result.outcome.value] += 1
    return {
        "schema": REPORT_SCHEMA,
        "schema_version": REPORT_SCHEMA_VERSION,
        "run": {
            "implementation": info.implementation,
            "contract_version": info.contract_version,
            "target": mask_secrets(info.target),
            "seed": info.seed,
            "started_at": info.started_at,
            "finished_at": info.finished_at,
            "profiles": list(info.profiles),
            "harness_version": info.harness_version,
        },
        "summary": {"scenarios": counts, "rules": _rule_counts(rows)},
        "rules": [
            {
                "id": row.rule.rule_id,
                "faq": list(row.rule.faq),
                "profile": row.rule.profile.value,
                "statement": row.rule.statement,
                "source": row.rule.source,
                "status": row.status.value,
                "scenarios": [s.nodeid for s in row.scenarios],
            }
            for row in rows
        ],
        "scenarios": [
            {
                "id": r.nodeid,
                "feature": r.feature,
                "name": r.scenario,
                "rules": list(r.rules),
                "faq": list(r.faqs),
                "profile": r.profile,
                "outcome": r.outcome.value,
                "reason": mask_secrets(r.reason),
                "duration_s": round(r.duration, 4),
                "evidence": [mask_secrets(line) for line in r.evidence],
                "rerun": rerun_command(info, r) if info.rerun_base else "",
            }
            for r in results
        ],
    }


def _rule_counts(rows: list[Any]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for row in rows:
        counts[row.status.value] = counts.get(row.status.value, 0) + 1
    return counts


def load_report(path: Path) -> dict[str, Any]:
    """Read a harness JSON report, refusing anything that is not one of our schema."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ReportError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ReportError(f"{path}: not a JSON report ({error})") from None
    if not isinstance(data, dict) or data.get("schema") != REPORT_SCHEMA:
        raise ReportError(f"{path}: not a harness report (schema {REPORT_SCHEMA!r} expected)")
    if data.get("schema_version") != REPORT_SCHEMA_VERSION:
        raise ReportError(
            f"{path}: report schema version {data.get('schema_version')!r}; this harness reads "
            f"version {REPORT_SCHEMA_VERSION}"
        )
    if not isinstance(data.get("rules"), list) or not isinstance(data.get("scenarios"), list):
        raise ReportError(f"{path}: a report needs 'rules' and 'scenarios' lists")
    return data
