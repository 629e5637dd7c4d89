"""harness.targets: every name it exported as one module is still there, and every world
is assembled the same way (SEVIS transmits through the world's transport; the mail wait
is the one given)."""

from __future__ import annotations

import importlib

import pytest

import harness.targets
from fixtures.factories import DataFactory
from harness.drivers.memory import reference_portal
from harness.targets import assemble_world, in_memory_world
from simulators.common.clock import SimulatedClock
from simulators.mail import InMemoryMailer, MailStore
from simulators.sevis import SevisService

#: The names harness/targets.py exported before it became a package.
EXPORTED = {
    "CurrentScenario",
    "HttpSettings",
    "HttpTarget",
    "PreflightError",
    "RepointNotOffered",
    "SimulatorPortsTaken",
    "Simulators",
    "attach",
    "check_endpoints",
    "connect",
    "describe_exchange",
    "free_loopback_port",
    "in_memory_world",
    "launch",
    "point_simulators",
    "preflight",
    "stop_process",
    "target_from_options",
}


def test_every_name_exported_before_the_split_is_still_exported() -> None:
    assert set(harness.targets.__all__) == EXPORTED | {"assemble_world"}


@pytest.mark.parametrize("name", sorted(EXPORTED | {"assemble_world"}))
def test_each_exported_name_loads_from_its_module(name: str) -> None:
    found = getattr(harness.targets, name)
    home = importlib.import_module(found.__module__)
    assert home.__name__.startswith("harness.targets._"), home.__name__
    assert getattr(home, name) is found


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no_such_name"):
        _ = harness.targets.no_such_name


def test_the_world_in_memory_transmits_through_its_transport_and_does_not_wait() -> None:
    world = in_memory_world(DataFactory(seed=1))
    assert world.sevis.transport is world.transport
    assert world.transport.inner is world.portal
    assert world.mail_wait == 0.0


def test_the_assembled_world_waits_as_long_as_it_is_told() -> None:
    clock = SimulatedClock()
    mail = MailStore(clock)
    sevis = SevisService(clock)
    portal = reference_portal(clock, InMemoryMailer(mail), sevis)
    world = assemble_world(
        clock=clock, sevis=sevis, mail=mail, portal=portal, data=DataFactory(seed=2), mail_wait=0.7
    )
    assert world.mail_wait == 0.7
    assert sevis.transport is world.transport


def test_the_fuzzers_world_is_assembled_the_same_way() -> None:
    from harness.fuzz import quick_world

    world = quick_world(DataFactory(seed=3))
    assert world.sevis.transport is world.transport
    assert world.transport.inner is world.portal
