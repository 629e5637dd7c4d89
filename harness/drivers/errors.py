"""Errors of a target that misbehaves, as opposed to a portal that refuses.

The hierarchy::

    PortalError (simulators.common.contract)   the portal refused, with an ErrorCode:
                                               a scenario asserts on it
    TargetError                                the target broke the contract or the
     │                                         link: fault says how; a scenario fails
     └── TransmissionNotDelivered              from deliver(): also a TransmissionFailed,
                                               so SEVIS records the transmission as failed
"""

from __future__ import annotations

from enum import Enum

from simulators.common.seams import TransmissionFailed


class TargetFault(str, Enum):
    """How a target failed; stable, for reports that group failures."""

    UNREACHABLE = "unreachable"  # connection refused, reset or DNS failure
    TIMEOUT = "timeout"  # no complete answer within the driver's timeout
    SERVER_ERROR = "server-error"  # a 5xx
    NOT_JSON = "not-json"  # a body that should be JSON is not
    CONTRACT_VIOLATION = "contract-violation"  # JSON, but not what the contract says
    TOO_LARGE = "too-large"  # an answer larger than the driver accepts


class TargetError(Exception):
    """The target answered in a way the contract does not allow, or did not answer.

    ``str()`` names the operation, the method and URL, and what was wrong.
    """

    def __init__(
        self,
        fault: TargetFault,
        operation: str,
        method: str,
        url: str,
        reason: str,
        status: int | None = None,  # the HTTP status, when the target answered at all
    ) -> None:
        super().__init__(f"{operation}: {method} {url}: {fault.value}: {reason}")
        self.status = status
        self.fault = fault
        self.operation = operation
        self.method = method
        self.url = url
        self.reason = reason


class TransmissionNotDelivered(TargetError, TransmissionFailed):
    """A SEVIS transmission did not reach the target (``deliver`` is a PortalTransport)."""


__all__ = ["TargetError", "TargetFault", "TransmissionNotDelivered"]
