"""Model-based differential fuzzing: a hypothesis state machine plays step sentences on a
target portal and the reference side by side, compares what both show, checks the FAQ
invariants, and writes each shrunk failure as a replayable ``.feature`` file."""

from harness.fuzz._badinput import BadInputCase, BadInputReport, check_bad_input, write_operations
from harness.fuzz._machine import Coverage, DifferentialMachine, Divergence, Finding, FuzzContext
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
