"""The security profile's ASVS mapping is one fact, kept in the catalog: every security
rule names its requirements, every scenario of a rule carries exactly those as @asvs- tags,
and the rules list and the reports show them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from harness.catalog import RULES, RULES_BY_ID, Profile
from harness.gherkin import read_scenarios
from harness.reports import RunInfo, build_report, write_reports
from harness.reports.model import SCHEMA_PATH
from harness.results import Outcome, ScenarioResult

SECURITY = [rule for rule in RULES if rule.profile is Profile.SECURITY]
SCENARIOS = [s for s in read_scenarios() if "security" in s.tags]


def test_every_security_rule_names_asvs_requirements() -> None:
    assert SECURITY and all(rule.asvs for rule in SECURITY)
    assert not [rule.rule_id for rule in RULES if rule.asvs and rule not in SECURITY]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.name)
def test_each_security_scenario_carries_its_rules_asvs_tags(scenario) -> None:  # type: ignore[no-untyped-def]
    wanted = {tag for rule_id in scenario.rules for tag in RULES_BY_ID[rule_id].asvs_tags}
    carried = {tag for tag in scenario.tags if tag.startswith("asvs-")}
    assert carried == wanted, f"{scenario.name!r}: tags {sorted(carried)}, catalog {sorted(wanted)}"


def test_the_rules_list_shows_the_asvs_ids() -> None:
    listed = subprocess.run(
        [sys.executable, "-m", "harness.cli", "rules", "--json"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    by_id = {row["id"]: row for row in json.loads(listed.stdout)}
    assert by_id["locked-account-no-oracle"]["asvs"] == ["2.2.1"]


def test_the_reports_show_the_asvs_ids(tmp_path: Path) -> None:
    info = RunInfo(
        implementation="reference",
        contract_version="1.2.0",
        target="in memory",
        seed=1,
        started_at="2026-11-30T10:00:00+00:00",
        finished_at="2026-11-30T10:00:01+00:00",
        profiles=("security",),
        rerun_base=("portal-harness", "run"),
    )
    passed = ScenarioResult(
        nodeid="suite.py::test_locked",
        feature="Each student's data and secrets stay theirs",
        scenario="locked",
        rules=("locked-account-no-oracle",),
        faqs=(),
        profile="security",
        outcome=Outcome.PASSED,
    )
    report = build_report(info, [passed])
    jsonschema.validate(report.to_json(), json.loads(SCHEMA_PATH.read_text()))
    [row] = [r for r in report.to_json()["rules"] if r["id"] == "locked-account-no-oracle"]
    assert row["asvs"] == ["2.2.1"]
    written = write_reports(report, tmp_path)
    assert "ASVS 2.2.1" in written["markdown"].read_text()
    assert "ASVS 2.2.1" in written["html"].read_text()
