"""World assembly: the one place a scenario's clock, SEVIS, mail and portal are wired
together, in memory and on the wire alike. Imports nothing of HTTP."""

from __future__ import annotations

from typing import TYPE_CHECKING

from harness.drivers.base import PortalDriver
from harness.drivers.memory import PortalFactory, reference_portal
from harness.evidence import Evidence
from harness.world import World
from simulators.common.clock import SimulatedClock
from simulators.mail import InMemoryMailer, MailStore
from simulators.sevis import SevisService
from simulators.sevis.transport import FaultyTransport

if TYPE_CHECKING:
    from fixtures.factories import DataFactory


def assemble_world(
    *,
    clock: SimulatedClock,
    sevis: SevisService,
    mail: MailStore,
    portal: PortalDriver,
    data: DataFactory,
    mail_wait: float = 0.0,
    evidence: Evidence | None = None,
) -> World:
    """The world around a built portal: SEVIS transmits to it through a transport that
    can inject faults, and the student waits ``mail_wait`` seconds for an email."""
    transport = FaultyTransport(portal)
    sevis.connect(transport)
    return World(
        clock=clock,
        sevis=sevis,
        transport=transport,
        mail=mail,
        portal=portal,
        data=data,
        evidence=evidence,
        mail_wait=mail_wait,
    )


def in_memory_world(data: DataFactory, portal_factory: PortalFactory = reference_portal) -> World:
    """Clock, SEVIS, mail and a portal wired in one process: every seam a call."""
    clock = SimulatedClock()
    mail = MailStore(clock)
    sevis = SevisService(clock)
    portal = portal_factory(clock, InMemoryMailer(mail), sevis)
    return assemble_world(clock=clock, sevis=sevis, mail=mail, portal=portal, data=data)
