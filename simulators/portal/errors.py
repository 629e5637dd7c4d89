"""The reference portal's errors: the contract's PortalError and codes, plus two named kinds.

    PortalError (simulators.common.contract)      code: ErrorCode, detail: str
     ├── TransmissionRejected                     TRANSMISSION_INVALID: a SEVIS record the
     │                                            portal cannot apply; nothing changed
     └── SevisRefusedChange                       ACTION_NOT_ALLOWED: SEVIS did not accept a
                                                  student's change; nothing was saved

Every refusal is a PortalError whose ``code`` a client acts on; the subclasses only exist so
that code reading the reference (and its tests) can tell the two cross-system cases apart.

    RateLimited                                   not a PortalError: a client asked too often
                                                  (429 too-many-requests on the wire)
"""

from __future__ import annotations

from simulators.common.contract import HTTP_STATUS, ErrorCode, PortalError

__all__ = [
    "HTTP_STATUS",
    "ErrorCode",
    "PortalError",
    "RateLimited",
    "SevisRefusedChange",
    "TransmissionRejected",
]


class TransmissionRejected(PortalError):
    """SEVIS sent something the portal cannot apply; the portal changed nothing."""

    def __init__(self, detail: str) -> None:
        super().__init__(ErrorCode.TRANSMISSION_INVALID, detail)


class SevisRefusedChange(PortalError):
    """A student change did not reach SEVIS, so the portal kept nothing of it.

    Student changes reach SEVIS at once (docs/domain.md); saving one the system of record does not
    hold would show the student data their DSO never sees. The contract has no code for "the
    system of record is unavailable", so this uses ACTION_NOT_ALLOWED with a detail that says
    what happened and that the student may try again.
    """

    def __init__(self, what: str, reason: str) -> None:
        super().__init__(
            ErrorCode.ACTION_NOT_ALLOWED,
            f"SEVIS did not accept the change ({what}): {reason}. "
            "Nothing was saved; try again later.",
        )


class RateLimited(Exception):
    """A client asked for more than the reference allows in a window (SECURITY_LIMITS); the
    answer is the same whatever the request names, so it tells nothing about accounts.
    ``retry_after_seconds`` is how long until the client may ask again (at least 1)."""

    def __init__(self, detail: str, retry_after_seconds: int) -> None:
        super().__init__(detail)
        self.detail = detail
        self.retry_after_seconds = max(1, retry_after_seconds)
