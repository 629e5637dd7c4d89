"""The in-memory portal driver: the reference portal's service, called directly."""

from __future__ import annotations

from collections.abc import Callable

from harness.drivers.base import PortalDriver
from simulators.common.clock import Clock
from simulators.common.domain import PortalSettings
from simulators.common.seams import Mailer, StudentChangeSink
from simulators.portal import PortalService
from simulators.portal.options import TEST_SCRYPT_COST, ReferenceOptions

#: Builds a portal from the world's clock, mailer and SEVIS sink; a seeded-bug variant
#: or another in-process implementation plugs in here.
PortalFactory = Callable[[Clock, Mailer, StudentChangeSink], PortalDriver]

#: The harness checks behaviour, not hash strength: scrypt with a salt still, at a cost
#: that keeps a suite of hundreds of logins fast.
HARNESS_OPTIONS = ReferenceOptions(scrypt_cost=TEST_SCRYPT_COST)


def reference_portal(
    clock: Clock,
    mailer: Mailer,
    sevis: StudentChangeSink,
    *,
    settings: PortalSettings | None = None,
    options: ReferenceOptions = HARNESS_OPTIONS,
) -> PortalDriver:
    """The embedded reference portal, in memory; ``settings.readings`` is how it reads
    what the sources leave open."""
    return PortalService(clock, mailer, sevis, settings or PortalSettings(), options=options)
