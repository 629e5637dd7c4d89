"""pytest's JUnit XML made for CI readers: each scenario's test case named as written
(classname the feature, name the scenario), its rules, FAQ items and profile as
properties, its steps with their statuses and its evidence in system-out, and the
message (not a traceback) as the failure body. The run-level case is left as it is."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable
from pathlib import Path

from harness.console import step_lines
from harness.evidence import for_terminal, mask_secrets
from harness.verdict import RunVerdict, ScenarioResult, Verdict

#: Properties the harness writes on a scenario's test case.
PROPERTY_RULE = "rule"
PROPERTY_FAQ = "faq"
PROPERTY_PROFILE = "profile"
PROPERTY_LOCATION = "location"
PROPERTY_RERUN = "rerun"
#: The test case of the run itself, for a verdict no scenario's case shows.
RUN_CLASSNAME, RUN_NAME = "sevp-harness", "run"
_BROKEN = ("error", "failure")
#: Property names of the harness's own plumbing, never shown to a CI reader.
_INTERNAL_PREFIX = "sevp-harness-"


def junit_address(nodeid: str, prefix: str = "") -> tuple[str, str]:
    """The (classname, name) pytest's JUnit XML gives the test ``nodeid``."""
    from _pytest.junitxml import mangle_test_address

    names = mangle_test_address(nodeid)
    classnames = [prefix, *names[:-1]] if prefix else names[:-1]
    return ".".join(classnames), names[-1]


def scenario_title(result: ScenarioResult) -> str:
    """The scenario's title as written, with an outline's example values."""
    _, bracket, params = result.nodeid.rpartition("::")[2].partition("[")
    return f"{result.scenario} [{params}" if bracket else result.scenario


def rewrite_junit(
    path: Path,
    results: Iterable[ScenarioResult],
    reruns: dict[str, str],
    prefix: str = "",
    verdict: RunVerdict | None = None,
) -> None:
    """Rewrite ``path`` in place; ``reruns`` maps a node id to its rerun command. A run
    that neither passed nor failed (an error, an interruption) shows as an error case when
    no case shows it already: a CI reader who counts errors never sees a clean suite."""
    tree = ET.parse(path)
    by_address = {junit_address(r.nodeid, prefix): r for r in results}
    for case in tree.iter("testcase"):
        result = by_address.get((case.get("classname", ""), case.get("name", "")))
        if result is not None:
            _rewrite_case(case, result, reruns.get(result.nodeid, ""))
    if verdict is not None and verdict.verdict not in (Verdict.PASSED, Verdict.FAILED):
        _show_the_run(tree.getroot(), verdict)
    tree.write(path, encoding="utf-8", xml_declaration=True)


def _show_the_run(root: ET.Element, verdict: RunVerdict) -> None:
    if any(case.find(kind) is not None for case in root.iter("testcase") for kind in _BROKEN):
        return  # the run's cause (or a scenario's error) is there already
    suite = next(root.iter("testsuite"), None)
    if suite is None:
        return
    case = ET.SubElement(suite, "testcase", classname=RUN_CLASSNAME, name=RUN_NAME, time="0")
    reason = for_terminal(mask_secrets(verdict.reason))
    error = ET.SubElement(case, "error", message=f"{verdict.verdict.value}: {reason}"[:500])
    error.text = for_terminal(mask_secrets(verdict.headline()))
    for count in ("tests", "errors"):
        suite.set(count, str(int(suite.get(count, "0")) + 1))


def _rewrite_case(case: ET.Element, result: ScenarioResult, rerun: str) -> None:
    case.set("classname", result.feature or (result.rules[0] if result.rules else "unclassified"))
    case.set("name", scenario_title(result))
    if result.location:
        case.set("file", result.location.rsplit(":", 1)[0])
        case.set("line", result.location.rsplit(":", 1)[1])
    properties = case.find("properties")
    if properties is None:
        properties = ET.Element("properties")
        case.insert(0, properties)
    for prop in list(properties):
        if prop.get("name", "").startswith(_INTERNAL_PREFIX):
            properties.remove(prop)
    facts = [
        *((PROPERTY_RULE, rule) for rule in result.rules),
        *((PROPERTY_FAQ, str(item)) for item in result.faqs),
        (PROPERTY_PROFILE, result.profile),
        (PROPERTY_LOCATION, result.location),
        (PROPERTY_RERUN, rerun),
    ]
    for name, value in facts:
        if value:
            ET.SubElement(properties, "property", name=name, value=for_terminal(value))
    message = for_terminal(result.reason)
    for kind in ("failure", "error"):
        for element in case.findall(kind):
            element.set("message", message.splitlines()[0] if message else kind)
            element.text = message
    out = case.find("system-out")
    if out is None:
        out = ET.SubElement(case, "system-out")
    lines = [f"Feature: {result.feature}", f"  Scenario: {scenario_title(result)}"]
    lines += step_lines(result)
    if result.evidence:
        lines += ["", "evidence:", *result.evidence]
    if rerun:
        lines += ["", f"rerun: {rerun}"]
    out.text = for_terminal("\n".join(lines)) + ("\n" + out.text if out.text else "")
