"""The whole conformance suite against the reference portal served over HTTP: SEVIS posts
transmissions to it, it sends real SMTP to the mail simulator and its student changes to
the SEVIS simulator over HTTP. Same scenarios and steps as in memory (as moto runs its
tests in-process and in server mode)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytest_bdd import scenarios

from harness.suite import FEATURES_DIR
from harness.targets import HttpSettings, HttpTarget
from simulators.common.launch import ChannelSecrets
from tests.served import served_reference

#: The reference sends its mail before it answers, so a short wait only costs the few
#: scenarios that check that no email came.
SETTINGS = HttpSettings(timeout=5.0, mail_wait=0.2, secrets=ChannelSecrets.generate())


@pytest.fixture(scope="module")
def harness_target() -> Iterator[HttpTarget]:
    """Overrides the plugin's in-memory default for this module only."""
    with served_reference(SETTINGS) as target:
        yield target


scenarios(str(FEATURES_DIR))
