"""The round trip on a seeded-bug portal: fuzzing finds the bug, the written scenario
fails on the buggy portal and passes on the reference, replayed through pytest."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from harness.catalog import RULES_BY_ID
from harness.fuzz import fuzz, in_memory_target, portal_factory_from, replay

BUGGY = "tests.quality.buggy_portals:NotIdempotent"
#: Seed and example length that find the bug within the budget (the run is derandomized
#: by the seed; a change of hypothesis version may need another seed, the test says so).
SEED, STEPS_PER_EXAMPLE, BUDGET = 3, 10, 1500


def test_fuzz_finds_the_seeded_bug_and_the_written_scenario_replays(tmp_path: Path) -> None:
    target = in_memory_target(portal_factory_from(BUGGY), BUGGY)
    report = fuzz(
        target,
        steps=BUDGET,
        seed=SEED,
        out_dir=tmp_path,
        max_failures=1,
        steps_per_example=STEPS_PER_EXAMPLE,
        shrink_seconds=8,
    )
    assert report.failures, f"no finding within the budget: try another SEED\n{report.summary()}"
    written = report.failures[0]
    assert written.reproduced, written.detail
    text = written.path.read_text(encoding="utf-8")
    assert f"seed {SEED}" in text and BUGGY in text
    assert text.count("Scenario:") == 1 and "Background" not in text
    tags = [t for line in text.splitlines() if line.startswith("@") for t in line.split()]
    rules = [t.removeprefix("@rule-") for t in tags if t.startswith("@rule-")]
    assert rules and all(rule in RULES_BY_ID for rule in rules)
    assert set(rules) & {"notice-once-per-event", "approval-sends-creation-email"}
    assert len([ln for ln in text.splitlines() if ln.startswith("    ")]) <= 10, text

    assert replay(written.path, portal=BUGGY) == 1  # pytest: tests failed
    assert replay(written.path) == 0  # the reference passes it

    # Plain pytest collects the file as it is (the plugin is a pytest11 entry point).
    plain = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", written.path.name]
    environ = {**os.environ, "PYTHONPATH": str(REPO)}
    passed = subprocess.run(plain, cwd=tmp_path, env=environ, capture_output=True, text=True,
                            timeout=300, check=False)  # fmt: skip
    assert passed.returncode == 0, passed.stdout[-3000:]
    assert "1 passed" in passed.stdout
    (tmp_path / "conftest.py").write_text(BUGGY_CONFTEST, encoding="utf-8")
    failed = subprocess.run(plain, cwd=tmp_path, env=environ, capture_output=True, text=True,
                            timeout=300, check=False)  # fmt: skip
    assert failed.returncode == 1, failed.stdout[-3000:]
    assert "1 failed" in failed.stdout


REPO = Path(__file__).resolve().parents[2]
BUGGY_CONFTEST = f"""import pytest

from harness.fuzz import portal_factory_from


@pytest.fixture
def portal_factory():
    return portal_factory_from({BUGGY!r})
"""
