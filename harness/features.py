"""Where the Gherkin features live: shipped inside the package, beside the harness."""

from __future__ import annotations

from pathlib import Path

FEATURES_DIR = Path(__file__).resolve().parent.parent / "features"
