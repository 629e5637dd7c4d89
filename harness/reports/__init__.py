"""Reports of a run: the harness's own JSON (versioned schema), a self-contained HTML
page and a Markdown summary, all carrying the rule-by-rule traceability matrix and the
evidence of every failure. JUnit XML and cucumber JSON come from pytest and pytest-bdd."""

from harness.reports.model import (
    REPORT_SCHEMA_VERSION,
    Report,
    ReportedRule,
    ReportedScenario,
    ReportError,
    RunInfo,
    build_report,
    load_report,
)
from harness.reports.writers import write_reports

__all__ = [
    "REPORT_SCHEMA_VERSION",
    "Report",
    "ReportError",
    "ReportedRule",
    "ReportedScenario",
    "RunInfo",
    "build_report",
    "load_report",
    "write_reports",
]
