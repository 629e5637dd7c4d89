"""The portal driver protocol, where the harness's drivers and steps look for it; it
lives in ``simulators.common.driver`` so the reference can type against it without
importing the harness."""

from simulators.common.driver import PortalDriver

__all__ = ["PortalDriver"]
