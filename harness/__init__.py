"""The SEVP Portal conformance harness: rule catalog, portal drivers, the world of a
scenario, the step library, the pytest plugin, reports and the ``portal-harness`` command.

What a vendor or a QA engineer may use is exported here; everything else is internal and
may change without notice (a test keeps this list honest).
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from harness.catalog import RULES, Profile, Rule, rule
from harness.drivers.base import PortalDriver
from harness.drivers.errors import TargetError
from harness.drivers.http import HttpPortal
from harness.drivers.memory import PortalFactory, reference_portal
from harness.world import ScenarioFailure, StudentActor, World

try:
    __version__ = version("sevp-portal-harness")
except PackageNotFoundError:  # a checkout that was never installed
    __version__ = "0+unknown"

__all__ = [
    "RULES",
    "HttpPortal",
    "PortalDriver",
    "PortalFactory",
    "Profile",
    "Rule",
    "ScenarioFailure",
    "StudentActor",
    "TargetError",
    "World",
    "__version__",
    "reference_portal",
    "rule",
]
