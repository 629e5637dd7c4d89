"""The whole conformance suite against the reference portal served over HTTP: SEVIS posts
transmissions to it, it sends real SMTP to the mail simulator and its student changes to
the SEVIS simulator over HTTP. Same scenarios and steps as in memory (as moto runs its
tests in-process and in server mode)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytest_bdd import scenarios

from harness.drivers.memory import HARNESS_OPTIONS
from harness.suite import FEATURES_DIR
from harness.targets import HttpSettings, HttpTarget, Simulators, connect
from simulators.common.serving import serve_in_thread
from simulators.portal.server import reference_app

#: The reference sends its mail before it answers, so a short wait only costs the few
#: scenarios that check that no email came.
SETTINGS = HttpSettings(timeout=5.0, mail_wait=0.2)


@pytest.fixture(scope="module")
def harness_target() -> Iterator[HttpTarget]:
    """Overrides the plugin's in-memory default for this module only."""
    with_simulators = Simulators().start()
    endpoints = with_simulators.endpoints
    assert endpoints.smtp is not None and endpoints.sevis_url is not None
    app = reference_app(endpoints.smtp, endpoints.sevis_url, options=HARNESS_OPTIONS)
    try:
        with serve_in_thread(app) as served:
            target = connect(served.url, with_simulators, SETTINGS)
            yield target
            target.close()
    finally:
        with_simulators.stop()


scenarios(str(FEATURES_DIR))
