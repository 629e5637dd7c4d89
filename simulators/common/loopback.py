"""The one loopback address the simulators listen on, and the names that mean loopback.

The simulators have no authentication, so they listen on this machine only; a portal
that reports where it sends mail and student changes must name one of these hosts.
"""

from __future__ import annotations

import ipaddress

#: Where every simulator and the served reference listen.
LOOPBACK = "127.0.0.1"

#: Host names a portal may report for the harness's simulators.
LOOPBACK_NAMES = frozenset({LOOPBACK, "localhost", "::1"})


def is_loopback(host: str) -> bool:
    """Whether ``host`` names this machine: one of the names or any loopback address."""
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


__all__ = ["LOOPBACK", "LOOPBACK_NAMES", "is_loopback"]
