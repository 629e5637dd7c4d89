"""Builds the world of one scenario around a target portal."""

from __future__ import annotations

from fixtures.factories import DataFactory
from harness.drivers.memory import PortalFactory, reference_portal
from harness.world import World
from simulators.common.clock import SimulatedClock
from simulators.mail import InMemoryMailer, MailStore
from simulators.sevis import SevisService
from simulators.sevis.transport import FaultyTransport


def in_memory_world(data: DataFactory, portal_factory: PortalFactory = reference_portal) -> World:
    """Clock, SEVIS, mail and a portal wired in one process: every seam a call."""
    clock = SimulatedClock()
    mail = MailStore(clock)
    sevis = SevisService(clock)
    portal = portal_factory(clock, InMemoryMailer(mail), sevis)
    transport = FaultyTransport(portal)
    sevis.transport = transport
    return World(clock=clock, sevis=sevis, transport=transport, mail=mail, portal=portal, data=data)
