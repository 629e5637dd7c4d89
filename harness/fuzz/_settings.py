"""Hypothesis settings for fuzz runs: one profile in memory, one for a target on the wire
(no deadline: a network has its own pace), derandomized in CI (the ``CI`` variable)."""

from __future__ import annotations

import os
from datetime import timedelta

from hypothesis import HealthCheck, settings

MEMORY_PROFILE = "sevp-fuzz-memory"
LIVE_PROFILE = "sevp-fuzz-live"
#: Longest example; long examples spread the cost of building two worlds over many steps.
STEPS_PER_EXAMPLE = 100
#: The seed a CI run uses when none is given, so CI runs repeat exactly.
CI_SEED = 20260105

_COMMON = dict(
    stateful_step_count=STEPS_PER_EXAMPLE,
    database=None,  # findings are written as .feature files; nothing piles up on disk
    suppress_health_check=list(HealthCheck),
    report_multiple_bugs=False,
    print_blob=False,
)

settings.register_profile(MEMORY_PROFILE, deadline=timedelta(seconds=5), **_COMMON)  # type: ignore[arg-type]
settings.register_profile(LIVE_PROFILE, deadline=None, **_COMMON)  # type: ignore[arg-type]


def in_ci() -> bool:
    return bool(os.environ.get("CI"))


def fuzz_settings(
    *, live: bool, max_examples: int, steps_per_example: int = STEPS_PER_EXAMPLE
) -> settings:
    """The profile for a run, with its example budget."""
    parent = settings.get_profile(LIVE_PROFILE if live else MEMORY_PROFILE)
    return settings(
        parent,
        max_examples=max_examples,
        stateful_step_count=steps_per_example,
        derandomize=in_ci(),
    )
