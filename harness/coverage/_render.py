"""Coverage as Markdown tables, for the terminal, CI summaries and docs/coverage.md."""

from __future__ import annotations

from typing import Any

from harness.coverage._tally import FIELD_LEVELS

#: How many scenario names a cell shows before it says how many more there are.
NAMES_SHOWN = 3


def _names(scenarios: list[str]) -> str:
    if not scenarios:
        return "**none**"
    shown = "; ".join(scenarios[:NAMES_SHOWN])
    more = len(scenarios) - NAMES_SHOWN
    return f"{shown} (+{more} more)" if more > 0 else shown


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _rows_table(title: str, what: str, rows: list[dict[str, Any]]) -> list[str]:
    covered = sum(1 for r in rows if r["scenarios"])
    lines = [f"### {title}: {covered} of {len(rows)} covered", ""]
    lines += [f"| {what} | scenarios | count |", "|---|---|---|"]
    for row in rows:
        names = row["scenarios"]
        cell = _names(names) if names or not row["excluded"] else f"excluded: {row['excluded']}"
        lines.append(f"| `{_cell(row['key'])}` | {_cell(cell)} | {len(names)} |")
    return [*lines, ""]


def render_coverage(data: dict[str, Any]) -> str:
    """The run's coverage: ``RunCoverage.to_dict()``, with the FAQ rows where present."""
    lines = ["## Coverage of the conformance suite", ""]
    lines += _rows_table("Contract operations", "operation", data["operations"])
    lines += _rows_table(
        "Response codes of the student API", "operation and status", data["responses"]
    )
    lines += [
        "### Request body fields",
        "",
        "A field counts when a scenario sends a value of its choosing, a later Then step reads",
        "it back from the portal's view, and a Then step checks SEVIS.",
        "",
        "| field | " + " | ".join(FIELD_LEVELS) + " |",
        "|---|" + "---|" * len(FIELD_LEVELS),
    ]
    for key, levels in data["field_levels"].items():
        counts = " | ".join(str(len(levels[level])) for level in FIELD_LEVELS)
        lines.append(f"| `{key}` | {counts} |")
    lines.append("")
    lines += _rows_table("Writable fields", "field", data["fields"])
    states = [{**row, "left": data["states_left"].get(row["key"], [])} for row in data["states"]]
    lines += [
        f"### Model states: {sum(1 for r in states if r['scenarios'])} of {len(states)} entered",
        "",
        "| state | entered by | left by |",
        "|---|---|---|",
    ]
    for row in states:
        entered = (
            _names(row["scenarios"])
            if row["scenarios"] or not row["excluded"]
            else (f"excluded: {row['excluded']}")
        )
        lines.append(f"| {row['key']} | {_cell(entered)} | {_cell(_names(row['left']))} |")
    lines += ["", "### Transitions seen", "", "| transition | scenarios |", "|---|---|"]
    for row in data["transitions"]:
        lines.append(f"| {row['key']} | {_cell(_names(row['scenarios']))} |")
    lines.append("")
    if "faq" in data:
        lines += render_faq(data["faq"]).splitlines()
        lines.append("")
    gaps = [f"{table}: {key}" for table, keys in data["gaps"].items() for key in keys]
    lines += ["### Not covered (and not excluded)", ""]
    lines += [f"- {gap}" for gap in gaps] or ["- nothing"]
    return "\n".join(lines) + "\n"


def render_faq(rows: list[dict[str, Any]]) -> str:
    """The FAQ table (``faq_rows``): each sentence, its rules, their scenarios."""
    covered = sum(1 for row in rows if row["scenarios"])
    lines = [
        f"### FAQ sentences: {covered} of {len(rows)} checked",
        "",
        "| FAQ | sentence | rules | scenarios |",
        "|---|---|---|---|",
    ]
    for row in rows:
        lines.append(
            f"| {row['sentence']} | {_cell(row['text'])} | {', '.join(row['rules'])} | "
            f"{_cell(_names(row['scenarios']))} |"
        )
    return "\n".join(lines) + "\n"
