"""The SEVP Portal conformance harness: rule catalog, portal drivers, the world of a
scenario, the step library, the pytest plugin, reports and the ``portal-harness`` command."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("sevp-portal-harness")
except PackageNotFoundError:  # a checkout that was never installed
    __version__ = "0+unknown"
