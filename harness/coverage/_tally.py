"""What one scenario covered, and the whole run's coverage built from all scenarios.

A scenario's facts are plain sets of keys (``"login 423"``, ``"edit_employer.job_title"``,
``"account: locked by failures"``) so they travel between xdist processes as they are.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from harness.coverage._contract import BodyField, contract_inventory
from harness.coverage._model import MODEL_STATES, Move
from harness.coverage._recording import DriverCall

#: A Then step whose sentence names SEVIS checks the student's change there.
SEVIS_WORD = re.compile(r"\bSEVIS\b")


class FieldLevel:
    """How far a scenario took a request body field."""

    SENT = "sent"  # accepted with a value the scenario chose (not the default)
    SEEN = "seen"  # a later Then step read the portal's view and it holds that value
    IN_SEVIS = "in SEVIS"  # a later Then step checked SEVIS too


FIELD_LEVELS = (FieldLevel.SENT, FieldLevel.SEEN, FieldLevel.IN_SEVIS)
#: Why a machine's states have no scenarios when the run could not see them at all.
NOT_OBSERVED = "not observed in this run: a portal on the wire keeps its account model to itself"


@dataclass(frozen=True)
class StepMark:
    """Where a step begins in the call log, and what kind of step it is."""

    first_call: int
    kind: str  # given, when, then
    sentence: str  # the step as written

    @property
    def checks_sevis(self) -> bool:
        return self.kind == "then" and bool(SEVIS_WORD.search(self.sentence))


@dataclass
class ScenarioCoverage:
    scenario: str  # "<feature>: <scenario>" (plus example values), as reports name it
    responses: set[str] = field(default_factory=set)  # "operation status"
    fields: dict[str, set[str]] = field(default_factory=dict)  # level -> field keys
    entered: set[str] = field(default_factory=set)  # "machine: state"
    left: set[str] = field(default_factory=set)
    transitions: set[str] = field(default_factory=set)  # "machine: before -> after"

    def note_moves(self, found: Iterable[Move]) -> None:
        for move in found:
            self.entered.update(f"{move.machine}: {s}" for s in move.entered)
            self.left.update(f"{move.machine}: {s}" for s in move.left)
            self.transitions.add(f"{move.machine}: {move.transition}")

    def to_dict(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario,
            "responses": sorted(self.responses),
            "fields": {level: sorted(keys) for level, keys in self.fields.items()},
            "entered": sorted(self.entered),
            "left": sorted(self.left),
            "transitions": sorted(self.transitions),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ScenarioCoverage:
        return cls(
            scenario=data["scenario"],
            responses=set(data["responses"]),
            fields={level: set(keys) for level, keys in data["fields"].items()},
            entered=set(data["entered"]),
            left=set(data["left"]),
            transitions=set(data["transitions"]),
        )


def note_calls(coverage: ScenarioCoverage, calls: list[DriverCall], marks: list[StepMark]) -> None:
    """Attribute ``calls`` to operations and response codes, and follow every body field
    from the call that sent it to the Then steps that read it back."""
    inventory = contract_inventory()
    step_of = _step_index(len(calls), marks)
    for index, call in enumerate(calls):
        if call.status is not None:
            coverage.responses.add(f"{call.operation} {call.status}")
        if call.status is None or not 200 <= call.status < 300 or not isinstance(call.sent, dict):
            continue
        for body_field in inventory.fields_of(call.operation):
            if body_field.name not in call.sent or not body_field.chosen(
                call.sent[body_field.name]
            ):
                continue
            value = call.sent[body_field.name]
            coverage.fields.setdefault(FieldLevel.SENT, set()).add(body_field.key)
            later_thens = [
                i for i in range(step_of[index] + 1, len(marks)) if marks[i].kind == "then"
            ]
            if body_field.view and _seen_later(
                calls, index, body_field, value, set(later_thens), step_of
            ):
                coverage.fields.setdefault(FieldLevel.SEEN, set()).add(body_field.key)
                if any(marks[i].checks_sevis for i in later_thens):
                    coverage.fields.setdefault(FieldLevel.IN_SEVIS, set()).add(body_field.key)


def _step_index(count: int, marks: list[StepMark]) -> list[int]:
    """For each call, the index of the step it happened in (-1: before the first step)."""
    owner, step = [], -1
    for index in range(count):
        while step + 1 < len(marks) and marks[step + 1].first_call <= index:
            step += 1
        owner.append(step)
    return owner


def _seen_later(
    calls: list[DriverCall],
    index: int,
    body_field: BodyField,
    value: Any,
    then_steps: set[int],
    step_of: list[int],
) -> bool:
    for later in range(index + 1, len(calls)):
        call = calls[later]
        if call.operation != body_field.view or step_of[later] not in then_steps:
            continue
        shown = call.answer if isinstance(call.answer, list) else [call.answer]
        if any(isinstance(item, dict) and item.get(body_field.name) == value for item in shown):
            return True
    return False


# --- the run ------------------------------------------------------------------------------


@dataclass(frozen=True)
class CoverageRow:
    """One thing to cover and the scenarios that cover it (empty: a gap)."""

    key: str
    scenarios: tuple[str, ...]
    excluded: str = ""  # the exclusions file's reason, when it is listed there


@dataclass(frozen=True)
class RunCoverage:
    operations: tuple[CoverageRow, ...]
    responses: tuple[CoverageRow, ...]
    fields: tuple[CoverageRow, ...]  # covered: sent, seen and (student changes) in SEVIS
    field_levels: dict[str, dict[str, tuple[str, ...]]]  # field key -> level -> scenarios
    states: tuple[CoverageRow, ...]  # "machine: state", entered by the scenarios
    states_left: dict[str, tuple[str, ...]]
    transitions: tuple[CoverageRow, ...]

    def gaps(self) -> dict[str, list[str]]:
        """What no scenario covers and the exclusions file does not list, by table."""
        tables = {
            "operations": self.operations,
            "responses": self.responses,
            "fields": self.fields,
            "states": self.states,
        }
        return {
            name: [row.key for row in rows if not row.scenarios and not row.excluded]
            for name, rows in tables.items()
        }

    def to_dict(self) -> dict[str, Any]:
        def rows(items: tuple[CoverageRow, ...]) -> list[dict[str, Any]]:
            return [
                {"key": r.key, "scenarios": list(r.scenarios), "excluded": r.excluded}
                for r in items
            ]

        return {
            "operations": rows(self.operations),
            "responses": rows(self.responses),
            "fields": rows(self.fields),
            "field_levels": {
                key: {level: list(names) for level, names in levels.items()}
                for key, levels in self.field_levels.items()
            },
            "states": rows(self.states),
            "states_left": {key: list(names) for key, names in self.states_left.items()},
            "transitions": rows(self.transitions),
            "gaps": self.gaps(),
        }


def excluded(exclusions: dict[str, dict[str, str]], table: str, key: str) -> str:
    """The reason ``key`` is excluded ("" when it is not); ``* <status>`` in the responses
    table stands for that status of every operation."""
    entries = exclusions.get(table, {})
    if key in entries:
        return entries[key]
    status = key.rsplit(" ", 1)[-1]
    return entries.get(f"* {status}", "") if table == "responses" else ""


def stale_exclusions(coverage: RunCoverage, exclusions: dict[str, dict[str, str]]) -> list[str]:
    """Entries that name nothing to cover, or something a scenario covers after all."""
    tables = {
        "operations": coverage.operations,
        "responses": coverage.responses,
        "fields": coverage.fields,
        "states": coverage.states,
    }
    stale = []
    for table, entries in exclusions.items():
        rows = tables.get(table, ())
        for key in entries:
            matched = [
                r for r in rows if r.key == key or excluded({table: {key: "x"}}, table, r.key)
            ]
            if table in tables and not matched:
                stale.append(f"{table}: {key} names nothing the contract or the model has")
            elif all(r.scenarios for r in matched) and matched:
                stale.append(f"{table}: {key} is covered by {matched[0].scenarios[0]!r}")
    return stale


def run_coverage(
    scenarios: Iterable[ScenarioCoverage], exclusions: dict[str, dict[str, str]]
) -> RunCoverage:
    """The run's tables: every operation, documented response code of the student API,
    writable field and model state, each with the scenarios that cover it."""
    covered = list(scenarios)
    inventory = contract_inventory()

    def who(predicate: Any) -> tuple[str, ...]:
        return tuple(sorted({c.scenario for c in covered if predicate(c)}))

    def row(table: str, key: str, scenarios: tuple[str, ...]) -> CoverageRow:
        return CoverageRow(key, scenarios, excluded(exclusions, table, key))

    operations = tuple(
        row(
            "operations",
            op.operation_id,
            who(lambda c, op=op: any(r.split()[0] == op.operation_id for r in c.responses)),
        )
        for op in inventory.operations
    )
    documented = [
        f"{op.operation_id} {code}"
        for op in inventory.operations
        if op.student_facing
        for code in op.responses
    ]
    observed = sorted({r for c in covered for r in c.responses} - set(documented))
    responses = tuple(
        row("responses", key, who(lambda c, key=key: key in c.responses))
        for key in documented + observed
    )
    writable = [f for f in inventory.fields if f.writable]
    levels = {
        f.key: {
            level: who(lambda c, f=f, level=level: f.key in c.fields.get(level, ()))
            for level in FIELD_LEVELS
        }
        for f in inventory.fields
    }
    fields = tuple(row("fields", f.key, levels[f.key][FieldLevel.IN_SEVIS]) for f in writable)
    machines_seen = {state.split(":", 1)[0] for c in covered for state in c.entered}
    states = tuple(
        row(
            "states",
            f"{machine}: {name}",
            who(lambda c, key=f"{machine}: {name}": key in c.entered),
        )
        if machine in machines_seen
        else CoverageRow(f"{machine}: {name}", (), NOT_OBSERVED)
        for machine, names in MODEL_STATES.items()
        for name in names
    )
    left = {s.key: who(lambda c, key=s.key: key in c.left) for s in states}
    transitions = tuple(
        CoverageRow(key, who(lambda c, key=key: key in c.transitions))
        for key in sorted({t for c in covered for t in c.transitions})
    )
    return RunCoverage(operations, responses, fields, levels, states, left, transitions)
