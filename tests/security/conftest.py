"""The served reference under attack: the portal over HTTP with its secrets, wired to the
harness's SMTP and SEVIS servers, all on loopback. Each test gets a fresh world (the portal
reset) and attacks with plain ``requests``, as an outsider would."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from fixtures.factories import DataFactory
from harness.targets import HttpTarget
from tests.security.attacks import SETTINGS, Attack
from tests.served import served_reference


@pytest.fixture(scope="module")
def target() -> Iterator[HttpTarget]:
    with served_reference(SETTINGS) as connected:
        yield connected


@pytest.fixture
def attack(target: HttpTarget) -> Attack:
    world = target.world(DataFactory())
    sevis_url = target.simulators.endpoints.sevis_url
    assert sevis_url is not None
    return Attack(world, target.url, sevis_url)
