"""The report as data: one JSON document with a versioned schema
(``harness/reports/report.schema.json``, documented in docs/reports.md)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from harness.evidence import mask_secrets
from harness.results import RuleRow, RuleStatus, rule_matrix
from harness.verdict import (
    EXIT_SIGNAL_BASE,
    Outcome,
    RunState,
    RunVerdict,
    ScenarioResult,
    StepResult,
    StepStatus,
    Verdict,
    decide,
)

REPORT_SCHEMA = "sevp-portal-harness/report"
#: 2: the run's verdict and its reason; outcomes "error" and "not run".
REPORT_SCHEMA_VERSION = 2
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
    #: Every reading in force (docs/readings.md): the portal's declaration and its profile.
    readings: dict[str, Any] = field(default_factory=dict)


def rerun_command(info: RunInfo, result: ScenarioResult) -> str:
    """A command that runs just this scenario again against the same target and data."""
    return rerun_with(info.rerun_base, result)


def rerun_with(base: tuple[str, ...], result: ScenarioResult) -> str:
    """``base`` (the command that repeats the run) narrowed to this scenario."""
    test_name = result.nodeid.rsplit("::", 1)[-1].split("[", 1)[0]
    return " ".join([*base, "-k", _quote(test_name)])


def _quote(text: str) -> str:
    return "'" + text.replace("'", "'\\''") + "'"


@dataclass(frozen=True)
class ReportedRule:
    """One row of the report's matrix: a catalog rule and its status in this run."""

    rule_id: str
    faq: tuple[int, ...]
    asvs: tuple[str, ...]
    profile: str
    statement: str
    source: str
    status: RuleStatus
    simulator_only: bool
    scenarios: tuple[str, ...]  # node ids of the scenarios that name the rule

    @classmethod
    def of(cls, row: RuleRow) -> ReportedRule:
        rule = row.rule
        return cls(
            rule_id=rule.rule_id,
            faq=rule.faq,
            asvs=rule.asvs,
            profile=rule.profile.value,
            statement=rule.statement,
            source=rule.source,
            status=row.status,
            simulator_only=rule.simulator_only,
            scenarios=tuple(s.nodeid for s in row.scenarios),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.rule_id,
            "faq": list(self.faq),
            "asvs": list(self.asvs),
            "profile": self.profile,
            "statement": self.statement,
            "source": self.source,
            "status": self.status.value,
            "simulator_only": self.simulator_only,
            "scenarios": list(self.scenarios),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ReportedRule:
        return cls(
            rule_id=data["id"],
            faq=tuple(data["faq"]),
            asvs=tuple(data.get("asvs", ())),
            profile=data["profile"],
            statement=data["statement"],
            source=data["source"],
            status=RuleStatus(data["status"]),
            simulator_only=bool(data.get("simulator_only", False)),
            scenarios=tuple(data["scenarios"]),
        )


@dataclass(frozen=True)
class ReportedScenario:
    """A scenario's result as reported (secrets masked, durations rounded) and the
    command that runs it again ("" when the run gave none)."""

    result: ScenarioResult
    rerun: str = ""

    @classmethod
    def of(cls, info: RunInfo, result: ScenarioResult) -> ReportedScenario:
        shown = replace(
            result,
            reason=mask_secrets(result.reason),
            duration=round(result.duration, 4),
            evidence=[mask_secrets(line) for line in result.evidence],
            steps=[
                replace(step, text=mask_secrets(step.text), duration=round(step.duration, 4))
                for step in result.steps
            ],
        )
        return cls(shown, rerun_command(info, result) if info.rerun_base else "")

    def to_json(self) -> dict[str, Any]:
        r = self.result
        return {
            "id": r.nodeid,
            "feature": r.feature,
            "name": r.scenario,
            "rules": list(r.rules),
            "faq": list(r.faqs),
            "profile": r.profile,
            "outcome": r.outcome.value,
            "reason": r.reason,
            "duration_s": r.duration,
            "evidence": list(r.evidence),
            "rerun": self.rerun,
            "location": r.location,
            "steps": [
                {
                    "keyword": step.keyword,
                    "text": step.text,
                    "line": step.line,
                    "status": step.status.value,
                    "duration_s": step.duration,
                }
                for step in r.steps
            ],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ReportedScenario:
        result = ScenarioResult(
            nodeid=data["id"],
            feature=data["feature"],
            scenario=data["name"],
            rules=tuple(data["rules"]),
            faqs=tuple(data["faq"]),
            profile=data["profile"],
            outcome=Outcome(data["outcome"]),
            reason=data["reason"],
            duration=data["duration_s"],
            evidence=list(data["evidence"]),
            steps=[
                StepResult(
                    step["keyword"],
                    step["text"],
                    step["line"],
                    StepStatus(step["status"]),
                    step["duration_s"],
                )
                for step in data.get("steps", ())
            ],
            location=data.get("location", ""),
        )
        return cls(result, data["rerun"])


@dataclass(frozen=True)
class Report:
    """The report of one run (``report.json``); the summary is counted from its rules and
    scenarios, never stored apart from them."""

    verdict: RunVerdict  # its reason masked
    run: RunInfo  # its target masked; no rerun base (each scenario carries its rerun)
    rules: tuple[ReportedRule, ...]
    scenarios: tuple[ReportedScenario, ...]

    def scenario_counts(self) -> dict[Outcome, int]:
        counts = {outcome: 0 for outcome in Outcome}
        for scenario in self.scenarios:
            counts[scenario.result.outcome] += 1
        return counts

    def rule_counts(self) -> dict[RuleStatus, int]:
        """The portal's rules by status (simulator-only rules are not counted)."""
        counts: dict[RuleStatus, int] = {}
        for rule in self.rules:
            if not rule.simulator_only:
                counts[rule.status] = counts.get(rule.status, 0) + 1
        return counts

    def unclassified(self) -> int:
        return sum(1 for s in self.scenarios if not s.result.rules)

    def statuses(self) -> dict[str, RuleStatus]:
        return {rule.rule_id: rule.status for rule in self.rules}

    def selected_rules(self) -> list[ReportedRule]:
        return [r for r in self.rules if r.status is not RuleStatus.NOT_SELECTED]

    def failures(self) -> list[ReportedScenario]:
        return [s for s in self.scenarios if s.result.outcome in (Outcome.FAILED, Outcome.ERROR)]

    def to_json(self) -> dict[str, Any]:
        """The document of ``report.schema.json``, members in its order."""
        run = self.run
        return {
            "schema": REPORT_SCHEMA,
            "schema_version": REPORT_SCHEMA_VERSION,
            "verdict": self.verdict.to_dict(),
            "run": {
                "implementation": run.implementation,
                "contract_version": run.contract_version,
                "target": run.target,
                "seed": run.seed,
                "started_at": run.started_at,
                "finished_at": run.finished_at,
                "profiles": list(run.profiles),
                "harness_version": run.harness_version,
                "readings": run.readings,
            },
            "summary": {
                "scenarios": {o.value: n for o, n in self.scenario_counts().items()},
                "rules": {s.value: n for s, n in self.rule_counts().items()},
                "unclassified": self.unclassified(),
            },
            "rules": [rule.to_json() for rule in self.rules],
            "scenarios": [scenario.to_json() for scenario in self.scenarios],
        }

    @classmethod
    def from_json(cls, data: Any) -> Report:
        """The report in ``data``; ReportError says why it is not one this harness reads."""
        if not isinstance(data, dict) or data.get("schema") != REPORT_SCHEMA:
            raise ReportError(f"not a harness report (schema {REPORT_SCHEMA!r} expected)")
        if data.get("schema_version") != REPORT_SCHEMA_VERSION:
            raise ReportError(
                f"report schema version {data.get('schema_version')!r}; this harness reads "
                f"version {REPORT_SCHEMA_VERSION}"
            )
        if not isinstance(data.get("rules"), list) or not isinstance(data.get("scenarios"), list):
            raise ReportError("a report needs 'rules' and 'scenarios' lists")
        if not isinstance(data.get("verdict"), dict) or "verdict" not in data["verdict"]:
            raise ReportError("a report needs a 'verdict' object")
        try:
            return cls(
                verdict=_verdict_from_json(data["verdict"]),
                run=_run_from_json(data["run"]),
                rules=tuple(ReportedRule.from_json(rule) for rule in data["rules"]),
                scenarios=tuple(ReportedScenario.from_json(s) for s in data["scenarios"]),
            )
        except (KeyError, TypeError, ValueError) as error:
            raise ReportError(f"a malformed report ({type(error).__name__}: {error})") from None


def _verdict_from_json(data: dict[str, Any]) -> RunVerdict:
    verdict = Verdict(data["verdict"])
    signum = data["exit_code"] - EXIT_SIGNAL_BASE if verdict is Verdict.INTERRUPTED else None
    return RunVerdict(
        verdict, data["reason"], data["scenarios_run"], data["scenarios_not_run"], signum
    )


def _run_from_json(data: dict[str, Any]) -> RunInfo:
    return RunInfo(
        implementation=data["implementation"],
        contract_version=data["contract_version"],
        target=data["target"],
        seed=data["seed"],
        started_at=data["started_at"],
        finished_at=data["finished_at"],
        profiles=tuple(data["profiles"]),
        harness_version=data.get("harness_version", ""),
        readings=dict(data.get("readings", {})),
    )


def build_report(
    info: RunInfo, results: list[ScenarioResult], verdict: RunVerdict | None = None
) -> Report:
    """The report of a run, secrets masked; its verdict is decided by ``harness.verdict``
    (by default from the scenarios alone, as for a run that nothing stopped)."""
    verdict = verdict or decide(results, RunState())
    return Report(
        verdict=replace(verdict, reason=mask_secrets(verdict.reason)),
        run=replace(info, target=mask_secrets(info.target), rerun_base=()),
        rules=tuple(ReportedRule.of(row) for row in rule_matrix(results)),
        scenarios=tuple(ReportedScenario.of(info, r) for r in results),
    )


def load_report(path: Path) -> Report:
    """Read a harness JSON report, refusing anything that is not one of our schema."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ReportError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ReportError(f"{path}: not a JSON report ({error})") from None
    try:
        return Report.from_json(data)
    except ReportError as error:
        raise ReportError(f"{path}: {error}") from None
