"""The fuzzer and sessions across time: a target whose sessions end after 30 idle minutes or
12 hours is no different from the reference whose sessions never end, since after a clock
move the student logs in again before acting, and a view read with a session that may have
expired is not compared when the target has ended it."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.drivers.memory import reference_portal
from harness.fuzz import fuzz, in_memory_target
from harness.fuzz._observe import Observation, differences
from harness.fuzz._outcome import OK
from harness.fuzz._settings import CI_SEED
from tests.scenarios.session_limits import SESSION_LIMITS


@pytest.mark.parametrize("limit", sorted(SESSION_LIMITS))
def test_a_portal_with_session_limits_agrees_with_the_reference(tmp_path: Path, limit: str) -> None:
    settings = SESSION_LIMITS[limit]
    target = in_memory_target(lambda *seams: reference_portal(*seams, settings=settings), limit)
    report = fuzz(target, steps=400, seed=CI_SEED, out_dir=tmp_path)
    assert not report.failures, report.summary()
    assert not report.errors, report.summary()
    assert report.coverage.rules["{days} days pass"] > 0, report.summary()


def test_only_a_session_that_may_have_expired_excuses_a_session_invalid_view() -> None:
    def seen(view: str, *, may_have_expired: bool) -> Observation:
        return Observation(OK, view, (), (), session_may_have_expired=may_have_expired)

    fresh = seen("session-invalid", may_have_expired=False)
    assert differences(fresh, seen("", may_have_expired=False))  # no clock move: a finding
    stale = seen("session-invalid", may_have_expired=True)
    assert not differences(stale, seen("", may_have_expired=True))
    assert differences(
        seen("account-locked", may_have_expired=True), seen("", may_have_expired=True)
    )
