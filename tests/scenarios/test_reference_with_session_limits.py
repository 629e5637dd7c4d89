"""Specificity: the whole suite passes a reference whose sessions end the way most real
portals' do (a 30-minute idle timeout, or a 12-hour absolute lifetime), in memory. The
sources give neither limit, so no scenario may depend on a session outliving a clock move.
The converse, that the same portal fails steps which keep a session across a day, is in
tests/unit/harness/test_sessions.py."""

from __future__ import annotations

import pytest
from pytest_bdd import scenarios

from harness.drivers.memory import PortalFactory, reference_portal
from harness.suite import FEATURES_DIR
from tests.scenarios.session_limits import SESSION_LIMITS


@pytest.fixture(params=sorted(SESSION_LIMITS))
def portal_factory(request: pytest.FixtureRequest) -> PortalFactory:
    """Overrides the plugin's reference with one whose sessions end."""
    settings = SESSION_LIMITS[request.param]

    def build(*seams):  # type: ignore[no-untyped-def]
        return reference_portal(*seams, settings=settings)

    return build


#: Names the fixture on every scenario, so that its parameters reach them (steps ask for the
#: world only while they run).
pytestmark = pytest.mark.usefixtures("portal_factory")

scenarios(str(FEATURES_DIR))
