"""The reference SEVP Portal: the oracle every vendor's portal is held to, in memory."""

from __future__ import annotations

from simulators.portal.emails import NoticeFacts, compose_notice
from simulators.portal.errors import (
    ErrorCode,
    PortalError,
    SevisRefusedChange,
    TransmissionRejected,
)
from simulators.portal.models import PortalBackend
from simulators.portal.options import TEST_SCRYPT_COST, ReferenceOptions, ScryptCost
from simulators.portal.service import PortalService

__all__ = [
    "TEST_SCRYPT_COST",
    "ErrorCode",
    "NoticeFacts",
    "PortalBackend",
    "PortalError",
    "PortalService",
    "ReferenceOptions",
    "ScryptCost",
    "SevisRefusedChange",
    "TransmissionRejected",
    "compose_notice",
]
