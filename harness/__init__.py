"""The SEVP Portal conformance harness: rule catalog, portal drivers, the world of a
scenario, the step library, the pytest plugin, reports and the ``portal-harness`` command.

What a vendor or a QA engineer may use is exported here; everything else is internal and
may change without notice (a test keeps this list honest). The names load on first use,
so that ``portal-harness`` imports nothing pytest would later want to rewrite.
"""

from __future__ import annotations

from importlib import import_module
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

try:
    __version__ = version("sevp-portal-harness")
except PackageNotFoundError:  # a checkout that was never installed
    __version__ = "0+unknown"

_EXPORTS = {
    "RULES": "harness.catalog",
    "Profile": "harness.catalog",
    "Rule": "harness.catalog",
    "rule": "harness.catalog",
    "PortalDriver": "harness.drivers.base",
    "TargetError": "harness.drivers.errors",
    "HttpPortal": "harness.drivers.http",
    "PortalFactory": "harness.drivers.memory",
    "reference_portal": "harness.drivers.memory",
    "ScenarioFailure": "harness.world",
    "StudentActor": "harness.world",
    "World": "harness.world",
}

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


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'harness' has no attribute {name!r}")


if TYPE_CHECKING:
    from harness.catalog import RULES, Profile, Rule, rule
    from harness.drivers.base import PortalDriver
    from harness.drivers.errors import TargetError
    from harness.drivers.http import HttpPortal
    from harness.drivers.memory import PortalFactory, reference_portal
    from harness.world import ScenarioFailure, StudentActor, World
