"""Writes one run's report as JSON, a self-contained HTML page and a Markdown summary."""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

REPORT_FILES = {"json": "report.json", "html": "report.html", "markdown": "summary.md"}


def write_reports(report: dict[str, Any], folder: Path) -> dict[str, Path]:
    """Write every format into ``folder``; returns where each went."""
    folder.mkdir(parents=True, exist_ok=True)
    written = {kind: folder / name for kind, name in REPORT_FILES.items()}
    written["json"].write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    written["html"].write_text(render_html(report), encoding="utf-8")
    written["markdown"].write_text(render_markdown(report), encoding="utf-8")
    return written


def _failures(report: dict[str, Any]) -> list[dict[str, Any]]:
    return [s for s in report["scenarios"] if s["outcome"] == "failed"]


def _headline(report: dict[str, Any]) -> str:
    counts = report["summary"]["scenarios"]
    failed = counts.get("failed", 0)
    verdict = "FAILED" if failed else "PASSED"
    parts = ", ".join(f"{n} {outcome}" for outcome, n in counts.items() if n)
    return f"{verdict}: {parts}"


def render_markdown(report: dict[str, Any]) -> str:
    """A summary fit for a CI job summary: verdict, run facts, matrix, failures."""
    run = report["run"]
    lines = [
        "# SEVP Portal conformance",
        "",
        f"**{_headline(report)}**",
        "",
        f"- implementation: {run['implementation']} (contract {run['contract_version']})",
        f"- target: {run['target']}",
        f"- profiles: {', '.join(run['profiles'])}; data seed {run['seed']}",
        "",
        "| rule | FAQ | profile | result | scenarios |",
        "|---|---|---|---|---|",
    ]
    for rule in report["rules"]:
        faq = ", ".join(map(str, rule["faq"])) or "-"
        lines.append(
            f"| `{rule['id']}` | {faq} | {rule['profile']} | {rule['status']} | {len(rule['scenarios'])} |"
        )
    failures = _failures(report)
    if failures:
        lines += ["", "## Failures", ""]
        for scenario in failures:
            lines += [
                f"### {scenario['name']}",
                "",
                f"rules: {', '.join(scenario['rules'])}; {scenario['reason']}",
                "",
                f"Re-run: `{scenario['rerun']}`" if scenario["rerun"] else "",
                "",
                "```",
                *scenario["evidence"][-40:],
                "```",
                "",
            ]
    return "\n".join(lines).rstrip() + "\n"


_STYLE = """
body{font:14px/1.45 system-ui,sans-serif;margin:2em;color:#1b1b1b}
h1{font-size:1.5em} table{border-collapse:collapse;margin:1em 0}
th,td{border:1px solid #ccc;padding:.3em .6em;text-align:left;vertical-align:top}
th{background:#f0f0f0} .passed{background:#e3f4e1} .failed{background:#fbe0de}
.not-run,.not-selected{background:#f4f4f4;color:#666} pre{background:#f7f7f7;padding:.8em;
overflow-x:auto;white-space:pre-wrap} code{background:#f0f0f0;padding:0 .2em}
.verdict{font-weight:bold;font-size:1.1em}
"""


def render_html(report: dict[str, Any]) -> str:
    """One page, no external resources: the verdict, each failure's evidence, the matrix."""
    esc = html.escape
    run = report["run"]
    rows = []
    for rule in report["rules"]:
        css = rule["status"].replace(" ", "-")
        faq = ", ".join(map(str, rule["faq"])) or "-"
        rows.append(
            f'<tr class="{css}"><td><code>{esc(rule["id"])}</code></td><td>{esc(faq)}</td>'
            f"<td>{esc(rule['profile'])}</td><td>{esc(rule['statement'])}</td>"
            f"<td>{esc(rule['status'])}</td><td>{len(rule['scenarios'])}</td></tr>"
        )
    failures = []
    for scenario in _failures(report):
        evidence = "\n".join(scenario["evidence"])
        rerun = f"<p>Re-run: <code>{esc(scenario['rerun'])}</code></p>" if scenario["rerun"] else ""
        failures.append(
            f'<section class="failure"><h3>{esc(scenario["name"])}</h3>'
            f"<p>{esc(scenario['feature'])}; rules {esc(', '.join(scenario['rules']))}</p>"
            f"<p><strong>{esc(scenario['reason'])}</strong></p>{rerun}"
            f"<pre>{esc(evidence)}</pre></section>"
        )
    failure_block = "".join(failures) or "<p>No failures.</p>"
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>SEVP Portal conformance: {esc(_headline(report))}</title>
<style>{_STYLE}</style></head><body>
<h1>SEVP Portal conformance</h1>
<p class="verdict">{esc(_headline(report))}</p>
<p>Implementation {esc(run["implementation"])}, contract {esc(run["contract_version"])};
target {esc(run["target"])}; profiles {esc(", ".join(run["profiles"]))}; data seed {run["seed"]};
{esc(run["started_at"])} to {esc(run["finished_at"])}.</p>
<h2>Failures</h2>{failure_block}
<h2>Rules</h2>
<table id="matrix"><thead><tr><th>rule</th><th>FAQ</th><th>profile</th><th>statement</th>
<th>result</th><th>scenarios</th></tr></thead><tbody>{"".join(rows)}</tbody></table>
</body></html>
"""
