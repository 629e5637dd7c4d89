"""Writes one run's report as JSON, a self-contained HTML page and a Markdown summary."""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

from harness.evidence import neutralise
from harness.reports.model import Report, ReportedRule, ReportedScenario
from harness.verdict import Outcome, StepStatus

REPORT_FILES = {"json": "report.json", "html": "report.html", "markdown": "summary.md"}


def write_reports(report: Report, folder: Path) -> dict[str, Path]:
    """Write every format into ``folder``; returns where each went."""
    folder.mkdir(parents=True, exist_ok=True)
    written = {kind: folder / name for kind, name in REPORT_FILES.items()}
    written["json"].write_text(json.dumps(report.to_json(), indent=2) + "\n", encoding="utf-8")
    written["html"].write_text(render_html(report), encoding="utf-8")
    written["markdown"].write_text(render_markdown(report), encoding="utf-8")
    return written


def _headline(report: Report) -> str:
    """The verdict as ``harness.verdict`` decided it, with the scenario counts (its
    reason, which may span lines, goes apart)."""
    verdict = report.verdict
    counts = report.scenario_counts()
    parts = ", ".join(f"{n} {outcome.value}" for outcome, n in counts.items() if n)
    return (
        f"{verdict.verdict.value.upper()}: {verdict.ran} scenarios ran, "
        f"{verdict.not_run} did not ({parts or 'none'})"
    )


def _fenced(text: str) -> str:
    """A portal's words inside a Markdown code block: no escape sequence, no fence break."""
    return neutralise(text).replace("```", "`\u200b``")


def render_markdown(report: Report) -> str:
    """A summary fit for a CI job summary: verdict, run facts, matrix, failures."""
    run = report.run
    lines = [
        "# SEVP Portal conformance",
        "",
        f"**{_headline(report)}**",
        "",
        "```",
        _fenced(report.verdict.reason),
        "```",
        "",
        f"- implementation: {run.implementation} (contract {run.contract_version})",
        f"- target: {run.target}",
        f"- profiles: {', '.join(run.profiles)}; data seed {run.seed}",
        "",
        "| rule | FAQ / ASVS | profile | result | scenarios |",
        "|---|---|---|---|---|",
    ]
    rules, not_selected = _selected_rules(report)
    for rule in rules:
        faq = _source_ids(rule)
        lines.append(
            f"| `{rule.rule_id}` | {faq} | {rule.profile} | {rule.status.value} "
            f"| {len(rule.scenarios)} |"
        )
    if not_selected:
        lines += ["", f"{not_selected} other rules were not selected for this run."]
    failures = report.failures()
    if failures:
        lines += ["", "## Failures", ""]
        for failure in failures:
            scenario = failure.result
            lines += [
                f"### {scenario.scenario}",
                "",
                f"rules: {', '.join(scenario.rules)}",
                "",
                "```",
                _fenced(scenario.reason),
                "```",
                "",
                f"Re-run: `{failure.rerun}`" if failure.rerun else "",
                "",
                "```",
                *(_fenced(line) for line in scenario.evidence[-40:]),
                "```",
                "",
            ]
    return "\n".join(lines).rstrip() + "\n"


_STYLE = """
body{font:14px/1.45 system-ui,sans-serif;margin:0 auto;padding:1.5em 2em;max-width:1200px;
color:#1b1b1b} h1{font-size:1.5em} table{border-collapse:collapse;margin:.6em 0}
th,td{border:1px solid #ccc;padding:.3em .6em;text-align:left;vertical-align:top}
th{background:#f0f0f0} .passed{background:#e3f4e1} .failed{background:#fbe0de}
.not-run,.not-selected{background:#f4f4f4;color:#666} pre{background:#f7f7f7;padding:.8em;
overflow-x:auto;white-space:pre-wrap;word-break:break-word} code{background:#f0f0f0;padding:0 .2em}
.verdict{font-weight:bold;font-size:1.1em}
#filters{display:flex;flex-wrap:wrap;gap:.8em;align-items:center;padding:.6em;background:#f4f6f8;
border:1px solid #d8dde3;position:sticky;top:0} #filters input{min-width:18em}
.scenario{border:1px solid #ccc;border-left:6px solid #aaa;margin:.5em 0;padding:.2em .8em}
.scenario>summary{cursor:pointer;padding:.3em 0} .scenario[data-outcome=passed]{border-left-color:#3a8a3a}
.scenario[data-outcome=failed],.scenario[data-outcome=error]{border-left-color:#c62828}
.scenario[data-outcome="expected failure"]{border-left-color:#b8860b}
.badge{display:inline-block;min-width:8em;font-weight:bold} .muted{color:#666}
table.steps td:first-child{white-space:nowrap} tr.step-failed,tr.step-undefined{background:#fbe0de;
font-weight:bold;outline:2px solid #c62828} tr.step-skipped{color:#777}
tr.step-passed td:first-child{color:#2e6b2e} td.ms{text-align:right;white-space:nowrap}
ol.evidence{font:12px/1.4 ui-monospace,monospace;padding-left:3em;overflow-wrap:anywhere}
ol.evidence li.ev-step{font-weight:bold;margin-top:.3em} .kind{display:inline-block;min-width:4.5em;
color:#555} li.ev-http .kind{color:#1a5fb4} li.ev-mail .kind{color:#8b4a00} li.ev-sevis .kind{color:#6a1b9a}
"""

# Filters by result, rule, FAQ item and free text; "#result=failed&rule=..." sets them on load.
_SCRIPT = """
(function(){
var ids=['result','rule','faq','text'];
function el(id){return document.getElementById('filter-'+id);}
function apply(){
  var v={};ids.forEach(function(id){v[id]=el(id).value.toLowerCase();});
  var shown=0;
  document.querySelectorAll('.scenario').forEach(function(s){
    var ok=(!v.result||s.dataset.outcome===v.result)
      &&(!v.rule||s.dataset.rules.split(' ').indexOf(v.rule)>=0)
      &&(!v.faq||s.dataset.faq.split(' ').indexOf(v.faq)>=0)
      &&(!v.text||s.textContent.toLowerCase().indexOf(v.text)>=0);
    s.hidden=!ok;if(ok){shown++;}
  });
  document.getElementById('shown').textContent=shown;
}
var given=new URLSearchParams(location.hash.slice(1));
ids.forEach(function(id){if(given.has(id)){el(id).value=given.get(id);}
  el(id).addEventListener('input',apply);});
apply();
})();
"""

#: How each evidence line is shown: its kind, from the words the harness writes.
_EVIDENCE_KINDS = (
    ("step: ", "step"),
    ("http ", "http"),
    ("SEVIS ", "sevis"),
    ("SRC ", "sevis"),
    ("mailbox ", "mail"),
)


def evidence_kind(line: str) -> str:
    """``step``, ``http`` (an exchange), ``sevis``, ``mail`` or ``note``."""
    for prefix, kind in _EVIDENCE_KINDS:
        if line.startswith(prefix):
            return kind
    return "mail" if "email" in line else "note"


def render_html(report: Report) -> str:
    """One page, no external resources: the verdict, every scenario (filterable) with its
    steps and evidence, the failing step highlighted, and the matrix of the selected rules."""

    def esc(text: str) -> str:
        return html.escape(neutralise(str(text)), quote=True)

    run = report.run
    rules, not_selected = _selected_rules(report)
    rows = []
    for rule in rules:
        css = rule.status.value.replace(" ", "-")
        rows.append(
            f'<tr class="{css}"><td><code>{esc(rule.rule_id)}</code></td><td>{esc(_source_ids(rule))}</td>'
            f"<td>{esc(rule.profile)}</td><td>{esc(rule.statement)}</td>"
            f"<td>{esc(rule.status.value)}</td><td>{len(rule.scenarios)}</td></tr>"
        )
    scenarios = report.scenarios
    outcomes = sorted({s.result.outcome.value for s in scenarios})
    rule_ids = sorted({r for s in scenarios for r in s.result.rules})
    faqs = sorted({n for s in scenarios for n in s.result.faqs})

    def options(values: list[Any], label: str) -> str:
        return f'<option value="">{label}</option>' + "".join(
            f'<option value="{esc(v)}">{esc(v)}</option>' for v in values
        )

    filters = (
        '<form id="filters" onsubmit="return false">'
        f'<label>result <select id="filter-result">{options(outcomes, "any")}</select></label>'
        f'<label>rule <select id="filter-rule">{options(rule_ids, "any")}</select></label>'
        f'<label>FAQ <select id="filter-faq">{options(faqs, "any")}</select></label>'
        '<label>text <input id="filter-text" type="search" placeholder="scenario, step, evidence">'
        f'</label><span><span id="shown">{len(scenarios)}</span> of {len(scenarios)} shown</span></form>'
    )
    blocks = "".join(_scenario_html(s, esc) for s in scenarios) or "<p>No scenario.</p>"
    others = (
        f'<p id="not-selected">{not_selected} other rules were not selected for this run.</p>'
        if not_selected
        else ""
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>SEVP Portal conformance: {esc(_headline(report))}</title>
<style>{_STYLE}</style></head><body>
<h1>SEVP Portal conformance</h1>
<p class="verdict" id="verdict" data-verdict="{esc(report.verdict.verdict.value)}">{esc(_headline(report))}</p>
<pre id="verdict-reason">{esc(report.verdict.reason)}</pre>
<p>Implementation {esc(run.implementation)}, contract {esc(run.contract_version)};
target {esc(run.target)}; profiles {esc(", ".join(run.profiles))}; data seed {run.seed};
{esc(run.started_at)} to {esc(run.finished_at)}.</p>
<h2>Scenarios</h2>{filters}
<div id="scenarios">{blocks}</div>
<h2>Rules</h2>
<table id="matrix"><thead><tr><th>rule</th><th>FAQ</th><th>profile</th><th>statement</th>
<th>result</th><th>scenarios</th></tr></thead><tbody>{"".join(rows)}</tbody></table>{others}
<script>{_SCRIPT}</script>
</body></html>
"""


def _scenario_html(reported: ReportedScenario, esc: Any) -> str:
    scenario = reported.result
    outcome = scenario.outcome.value
    failing = scenario.outcome in (Outcome.FAILED, Outcome.ERROR)
    steps = "".join(
        f'<tr class="step-{esc(step.status.value)}"><td>{esc(step.status.value)}</td>'
        f"<td>{esc(step.keyword)} {esc(step.text)}</td>"
        f'<td class="ms">{_took(step.status, step.duration)}</td></tr>'
        for step in scenario.steps
    )
    steps_table = (
        f'<table class="steps"><thead><tr><th>status</th><th>step</th><th>took</th></tr></thead>'
        f"<tbody>{steps}</tbody></table>"
        if steps
        else ""
    )
    evidence = "".join(
        f'<li class="ev-{evidence_kind(line)}"><span class="kind">{evidence_kind(line)}</span> '
        f"{esc(line.removeprefix('step: '))}</li>"
        for line in scenario.evidence
    )
    reason = f"<p><strong>{esc(scenario.reason)}</strong></p>" if scenario.reason else ""
    rerun = f"<p>Re-run: <code>{esc(reported.rerun)}</code></p>" if reported.rerun else ""
    where = f' <span class="muted">{esc(scenario.location)}</span>' if scenario.location else ""
    rules = ", ".join(scenario.rules) or "unclassified"
    faq = ", ".join(map(str, scenario.faqs)) or "-"
    return (
        f'<details class="scenario" data-outcome="{esc(outcome)}" '
        f'data-rules="{esc(" ".join(scenario.rules))}" '
        f'data-faq="{esc(" ".join(map(str, scenario.faqs)))}"{" open" if failing else ""}>'
        f'<summary><span class="badge">{esc(outcome)}</span> {esc(scenario.feature)}: '
        f'<strong>{esc(scenario.scenario)}</strong> <span class="muted">({scenario.duration:.2f} s)</span></summary>'
        f"<p>rules {esc(rules)}; FAQ {esc(faq)}; profile {esc(scenario.profile)}{where}</p>"
        f"{reason}{rerun}{steps_table}"
        f"{f'<ol class=evidence>{evidence}</ol>' if evidence else ''}</details>"
    )


def _took(status: StepStatus, duration: float) -> str:
    return "" if status is StepStatus.SKIPPED else f"{duration * 1000:.0f} ms"


def _selected_rules(report: Report) -> tuple[list[ReportedRule], int]:
    """The rules the run selected, and how many others it did not."""
    selected = report.selected_rules()
    return selected, len(report.rules) - len(selected)


def _source_ids(rule: ReportedRule) -> str:
    """The FAQ items of a rule, or for a security rule its OWASP ASVS requirements."""
    faq = ", ".join(map(str, rule.faq))
    asvs = ", ".join(rule.asvs)
    return faq or (f"ASVS {asvs}" if asvs else "-")
