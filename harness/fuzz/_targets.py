"""What the fuzzer drives: a target builds a fresh world around the portal under test;
the reference side is always the embedded reference portal, in memory."""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from fixtures.factories import DataFactory
from harness.drivers.memory import HARNESS_OPTIONS, PortalFactory, reference_portal
from harness.targets import assemble_world
from harness.world import World
from simulators.common.clock import SimulatedClock
from simulators.common.domain import PortalSettings
from simulators.common.launch import ChannelSecrets
from simulators.common.readings import REFERENCE_READINGS, Readings
from simulators.mail import InMemoryMailer, MailStore
from simulators.sevis import SevisService

if TYPE_CHECKING:
    from harness.targets import HttpTarget

WorldBuilder = Callable[[DataFactory], World]


@dataclass(frozen=True)
class FuzzTarget:
    """A portal under test. ``build_world`` makes a fresh world per example around it;
    ``portal_factory`` is set for in-process portals (replays use it); ``url`` for a
    target on the wire. A live target keeps its accounts between examples, so each
    example draws fresh students (``fresh_data_per_example``)."""

    name: str
    build_world: WorldBuilder
    portal_factory: PortalFactory | None = None
    url: str | None = None
    live: bool = False
    close: Callable[[], None] | None = None
    #: Seconds the machine waits, after a step, for the target's mail to catch up with the
    #: reference's: SMTP arrives from another thread. Steps then read the mailbox at once.
    mail_settle: float = 0.0
    #: What the target declares where the sources leave a choice open (GET /_harness/info);
    #: None: ask an in-process portal, or the reference's readings.
    readings: Readings | None = None

    @property
    def fresh_data_per_example(self) -> bool:
        return self.live

    def __repr__(self) -> str:
        return f"FuzzTarget({self.name})"


def quick_world(data: DataFactory, portal_factory: PortalFactory = reference_portal) -> World:
    """``harness.targets.in_memory_world`` with the in-memory mailer's fast path (no byte
    round trip; the same delivery, multipart read alike): every seam a call."""
    clock = SimulatedClock()
    mail = MailStore(clock)
    sevis = SevisService(clock, id_prefix="FZ")
    portal = portal_factory(clock, InMemoryMailer(mail, wire=False), sevis)
    world = assemble_world(clock=clock, sevis=sevis, mail=mail, portal=portal, data=data)
    readings = portal.info().readings
    if readings is not None and readings != REFERENCE_READINGS:
        world.use_readings(readings)
    return world


def in_memory_target(
    portal_factory: PortalFactory = reference_portal, name: str = ""
) -> FuzzTarget:
    def build(data: DataFactory) -> World:
        return quick_world(data, portal_factory)

    label = name or getattr(portal_factory, "__name__", "in-process portal")
    return FuzzTarget(label, build, portal_factory=portal_factory)


REFERENCE = in_memory_target(reference_portal, "reference (in memory)")


def declared_by(target: FuzzTarget) -> Readings:
    """The target's readings: declared over HTTP, or by an in-process portal's info()."""
    if target.readings is not None:
        return target.readings
    if target.portal_factory is not None:
        world = quick_world(DataFactory(seed=1, namespace="readings"), target.portal_factory)
        return world.portal.info().readings or REFERENCE_READINGS
    return REFERENCE_READINGS


def reference_for(target: FuzzTarget) -> FuzzTarget:
    """The reference the target is compared with: it reads the sources as the target
    declares, so that the comparison holds the target only to what the sources fix."""
    readings = declared_by(target)
    if readings == REFERENCE_READINGS:
        return REFERENCE
    factory = partial(reference_portal, settings=PortalSettings(readings=readings))
    return in_memory_target(factory, "reference (reading as the target declares)")


def portal_factory_from(spec: str) -> PortalFactory:
    """``module:Name`` of a ``PortalService`` subclass (built with the harness options) or
    of a ``PortalFactory``: an in-process portal to fuzz, e.g. a seeded-bug variant."""
    module_name, _, attribute = spec.partition(":")
    if not module_name or not attribute:
        raise ValueError(f"expected module:Name, got {spec!r}")
    found = getattr(importlib.import_module(module_name), attribute)
    from simulators.portal import PortalService

    if isinstance(found, type) and issubclass(found, PortalService):
        portal_class = found

        def build(clock, mailer, sevis):  # type: ignore[no-untyped-def,unused-ignore]
            return portal_class(clock, mailer, sevis, options=HARNESS_OPTIONS)

        build.__name__ = portal_class.__name__
        return build
    if callable(found):
        return found  # type: ignore[no-any-return,unused-ignore]
    raise ValueError(f"{spec} is neither a PortalService subclass nor a portal factory")


def live_target(url: str | None = None, *, command: str | None = None) -> FuzzTarget:
    """A portal on the wire, through the HTTP target wiring of ``harness.targets``: attached
    at ``url`` (its simulators started where the portal sends mail and student changes) or
    launched from ``command``. Each world resets the portal; ``close()`` stops what the
    harness started."""
    from harness.targets import HttpSettings, attach, launch

    if command:
        http_target = launch(command)
    elif url:  # an attached portal's channel secrets come from the variables it reads too
        http_target = attach(url, HttpSettings(secrets=ChannelSecrets.from_environ(os.environ)))
    else:
        raise ValueError("a live target needs a URL or a command")
    return over_http(http_target, url or f"launched: {command}")


def over_http(http_target: HttpTarget, name: str) -> FuzzTarget:
    """A ``FuzzTarget`` around a connected ``HttpTarget``: its worlds read the mailbox at
    once, and the machine waits for the mail instead, up to the target's mail wait, only
    while the target has fewer emails than the reference (so agreeing steps never wait)."""

    def build(data: DataFactory) -> World:
        world = http_target.world(data, mail_wait=0.0)
        if http_target.info.readings is not None:
            world.use_readings(http_target.info.readings)
        return world

    return FuzzTarget(
        name,
        build,
        url=http_target.url,
        live=True,
        close=http_target.close,
        mail_settle=http_target.settings.mail_wait,
        readings=http_target.info.readings,
    )
