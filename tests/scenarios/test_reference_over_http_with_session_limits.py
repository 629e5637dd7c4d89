"""Specificity over the wire: the whole suite passes the reference served over HTTP with a
30-minute session idle timeout, and with a 12-hour absolute session lifetime (see
test_reference_with_session_limits.py for why)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytest_bdd import scenarios

from harness.suite import FEATURES_DIR
from harness.targets import HttpSettings, HttpTarget
from simulators.common.launch import ChannelSecrets
from tests.scenarios.session_limits import SESSION_LIMITS
from tests.served import served_reference

#: As in test_reference_over_http.py: the channels authenticated.
SETTINGS = HttpSettings(timeout=5.0, mail_wait=0.2, secrets=ChannelSecrets.generate())


@pytest.fixture(scope="module", params=sorted(SESSION_LIMITS))
def harness_target(request: pytest.FixtureRequest) -> Iterator[HttpTarget]:
    """The reference with ``SESSION_LIMITS[param]``, served for this module only."""
    with served_reference(SETTINGS, portal_settings=SESSION_LIMITS[request.param]) as target:
        yield target


#: Names the fixture on every scenario, so that its parameters reach them.
pytestmark = pytest.mark.usefixtures("harness_target")

scenarios(str(FEATURES_DIR))
