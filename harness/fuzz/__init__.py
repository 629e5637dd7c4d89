"""Model-based differential fuzzing: a hypothesis state machine plays step sentences on a
target portal and the reference side by side, compares what both show, checks the FAQ
invariants, and writes each shrunk failure as a replayable ``.feature`` file.

Names load on first use: ``portal-harness`` registers the fuzz commands without importing
hypothesis and the step library before pytest starts (pytest could not rewrite them)."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "BadInputCase": "_badinput",
    "BadInputReport": "_badinput",
    "check_bad_input": "_badinput",
    "write_operations": "_badinput",
    "Coverage": "_machine",
    "DifferentialMachine": "_machine",
    "Divergence": "_machine",
    "Finding": "_machine",
    "FuzzContext": "_machine",
    "Difference": "_observe",
    "Observation": "_observe",
    "StudentView": "_observe",
    "differences": "_observe",
    "observe": "_observe",
    "FuzzReport": "_runner",
    "WrittenFinding": "_runner",
    "fuzz": "_runner",
    "SENTENCES": "_sentences",
    "PlayedStep": "_sentences",
    "Sentence": "_sentences",
    "LIVE_PROFILE": "_settings",
    "MEMORY_PROFILE": "_settings",
    "fuzz_settings": "_settings",
    "REFERENCE": "_targets",
    "FuzzTarget": "_targets",
    "in_memory_target": "_targets",
    "live_target": "_targets",
    "portal_factory_from": "_targets",
    "quick_world": "_targets",
    "replay": "replay",
}


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        value = getattr(import_module(f"harness.fuzz.{_EXPORTS[name]}"), name)
        # cached: importing the submodule ``replay`` binds the module to this name
        globals()[name] = value
        return value
    raise AttributeError(f"module 'harness.fuzz' has no attribute {name!r}")


if TYPE_CHECKING:
    from harness.fuzz._badinput import (
        BadInputCase,
        BadInputReport,
        check_bad_input,
        write_operations,
    )
    from harness.fuzz._machine import (
        Coverage,
        DifferentialMachine,
        Divergence,
        Finding,
        FuzzContext,
    )
    from harness.fuzz._observe import Difference, Observation, StudentView, differences, observe
    from harness.fuzz._runner import FuzzReport, WrittenFinding, fuzz
    from harness.fuzz._sentences import SENTENCES, PlayedStep, Sentence
    from harness.fuzz._settings import LIVE_PROFILE, MEMORY_PROFILE, fuzz_settings
    from harness.fuzz._targets import (
        REFERENCE,
        FuzzTarget,
        in_memory_target,
        live_target,
        portal_factory_from,
        quick_world,
    )
    from harness.fuzz.replay import replay

__all__ = [
    "LIVE_PROFILE",
    "MEMORY_PROFILE",
    "REFERENCE",
    "SENTENCES",
    "BadInputCase",
    "BadInputReport",
    "Coverage",
    "Difference",
    "DifferentialMachine",
    "Divergence",
    "Finding",
    "FuzzContext",
    "FuzzReport",
    "FuzzTarget",
    "Observation",
    "PlayedStep",
    "Sentence",
    "StudentView",
    "WrittenFinding",
    "check_bad_input",
    "differences",
    "fuzz",
    "fuzz_settings",
    "in_memory_target",
    "live_target",
    "observe",
    "portal_factory_from",
    "quick_world",
    "replay",
    "write_operations",
]
