"""The suite measures its own coverage: contract operations, response codes and request
body fields, the domain model's states, and the FAQ's sentences, each with the scenarios
that cover it and what nothing covers (``portal-harness coverage``, docs/coverage.md)."""

from harness.coverage._contract import BodyField, ContractInventory, Operation, contract_inventory
from harness.coverage._exclusions import EXCLUSIONS_PATH, ExclusionsError, load_exclusions
from harness.coverage._faq import FAQ_SENTENCES, FaqCoverage, FaqSentence, faq_coverage, faq_rows
from harness.coverage._model import (
    ACCOUNT_STATES,
    MODEL_STATES,
    AccountState,
    ModelStateVisits,
    model_states,
    observe,
)
from harness.coverage._plugin import REPORT_FILE, CoveragePlugin, add_options
from harness.coverage._recording import DriverCall, RecordingPortal, driver_calls, recording
from harness.coverage._render import render_coverage, render_faq
from harness.coverage._tally import (
    FIELD_LEVELS,
    CoverageRow,
    FieldLevel,
    RunCoverage,
    ScenarioCoverage,
    run_coverage,
    stale_exclusions,
)

__all__ = [
    "ACCOUNT_STATES",
    "EXCLUSIONS_PATH",
    "FAQ_SENTENCES",
    "FIELD_LEVELS",
    "MODEL_STATES",
    "REPORT_FILE",
    "AccountState",
    "BodyField",
    "ContractInventory",
    "CoveragePlugin",
    "CoverageRow",
    "DriverCall",
    "ExclusionsError",
    "FaqCoverage",
    "FaqSentence",
    "FieldLevel",
    "ModelStateVisits",
    "Operation",
    "RecordingPortal",
    "RunCoverage",
    "ScenarioCoverage",
    "add_options",
    "contract_inventory",
    "driver_calls",
    "faq_coverage",
    "faq_rows",
    "load_exclusions",
    "model_states",
    "observe",
    "recording",
    "render_coverage",
    "render_faq",
    "run_coverage",
    "stale_exclusions",
]
