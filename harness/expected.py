"""Expected failures, in the manner of the OpenID conformance suite: a vendor lists the
scenarios it knows it fails; those no longer fail the run, an entry that now passes fails
the run as stale, and a new failure prints the entry that would accept it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from harness.results import ScenarioResult


class ExpectedFailuresError(ValueError):
    """The expected-failures file cannot be used; the message says what to fix."""


@dataclass(frozen=True)
class ExpectedFailure:
    scenario: str  # "<feature>: <scenario>" with "[<example>]" for an outline's example
    reason: str


def scenario_key(feature: str, scenario: str, nodeid: str) -> str:
    """The stable name of a scenario: independent of where the suite is installed."""
    example = nodeid[nodeid.index("[") :] if nodeid.endswith("]") and "[" in nodeid else ""
    return f"{feature}: {scenario}{example}"


def result_key(result: ScenarioResult) -> str:
    return scenario_key(result.feature, result.scenario, result.nodeid)


def load_expected_failures(path: Path) -> dict[str, ExpectedFailure]:
    """Read ``{"expected_failures": [{"scenario": "...", "reason": "..."}]}``."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ExpectedFailuresError(f"expected-failures file {path} does not exist") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ExpectedFailuresError(f"expected-failures file {path} is not JSON: {error}") from None
    entries = data.get("expected_failures") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise ExpectedFailuresError(f"{path}: expected an object with an 'expected_failures' list")
    found: dict[str, ExpectedFailure] = {}
    for index, entry in enumerate(entries):
        if not (
            isinstance(entry, dict)
            and isinstance(entry.get("scenario"), str)
            and isinstance(entry.get("reason"), str)
            and entry["reason"].strip()
        ):
            raise ExpectedFailuresError(
                f"{path}: entry {index} needs a 'scenario' and a non-empty 'reason' string"
            )
        if entry["scenario"] in found:
            raise ExpectedFailuresError(f"{path}: {entry['scenario']!r} is listed twice")
        found[entry["scenario"]] = ExpectedFailure(entry["scenario"], entry["reason"])
    return found


def entry_to_add(result: ScenarioResult) -> str:
    """The JSON entry that would accept this failure, for the run's output."""
    return json.dumps({"scenario": result_key(result), "reason": "<why, and the ticket>"})
