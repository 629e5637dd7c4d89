"""Where the conformance suite lives: the Gherkin features (inside the wheel they sit in
``harness/_features``; in a checkout, in ``features/`` at the top) and the test module
that binds them."""

from __future__ import annotations

from pathlib import Path

_HERE = Path(__file__).resolve().parent
_INSTALLED = _HERE / "_features"
FEATURES_DIR = _INSTALLED if _INSTALLED.is_dir() else _HERE.parent / "features"
#: The test module that binds every feature to the step library.
SUITE_DIR = _HERE / "conformance"
