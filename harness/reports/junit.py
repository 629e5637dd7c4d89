"""pytest's JUnit XML made for CI readers: each scenario's test case named as written
(classname the feature, name the scenario), its rules, FAQ items and profile as
properties, its steps with their statuses and its evidence in system-out, and the
message (not a traceback) as the failure body. The run-level case is left as it is."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable
from pathlib import Path

from harness.console import step_lines
from harness.evidence import for_terminal
from harness.verdict import ScenarioResult

#: Properties the harness writes on a scenario's test case.
PROPERTY_RULE = "rule"
PROPERTY_FAQ = "faq"
PROPERTY_PROFILE = "profile"
PROPERTY_LOCATION = "location"
PROPERTY_RERUN = "rerun"
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
    path: Path, results: Iterable[ScenarioResult], reruns: dict[str, str], prefix: str = ""
) -> None:
    """Rewrite ``path`` in place; ``reruns`` maps a node id to its rerun command."""
    tree = ET.parse(path)
    by_address = {junit_address(r.nodeid, prefix): r for r in results}
    for case in tree.iter("testcase"):
        result = by_address.get((case.get("classname", ""), case.get("name", "")))
        if result is not None:
            _rewrite_case(case, result, reruns.get(result.nodeid, ""))
    tree.write(path, encoding="utf-8", xml_declaration=True)


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
