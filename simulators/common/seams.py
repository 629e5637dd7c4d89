"""The three seams between the simulators, each with an in-memory and a wire side.

- SEVIS -> portal: a ``Transmission`` handed to a ``PortalTransport``.
- portal -> SEVIS: a ``StudentChange`` handed to a ``StudentChangeSink`` (at once).
- portal -> mail: an ``email.message.Message`` handed to a ``Mailer``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.message import Message
from enum import Enum
from typing import Protocol

from simulators.common.records import EmploymentRecord, FieldChange, StudentRecord


class TransmissionKind(str, Enum):
    """Why SEVIS sends a student's record to the portal."""

    OPT_APPROVED = "opt-approved"  # USCIS approval or SRC correction (FAQ 7)
    RESET_PORTAL_ACCOUNT = "reset-portal-account"  # DSO action (FAQ 3, 5, 7)
    DAILY_SYNC = "daily-sync"  # DSO edits reach the portal once a day
    PROGRAM_CHANGED = "program-changed"  # transfer or education level change (FAQ 8)
    RECORD_COMPLETED = "record-completed"  # DSO completes the record, e.g. early (FAQ 8)
    STEM_DENIED = "stem-denied"  # STEM OPT deleted in SEVIS and the portal (FAQ 8)


@dataclass(frozen=True)
class Transmission:
    """One message from SEVIS to the portal; the portal applies a transmission id once."""

    transmission_id: str
    kind: TransmissionKind
    sent_at: datetime
    record: StudentRecord


class TransmissionFailed(Exception):
    """The transmission did not reach the portal, or the portal refused it."""


class PortalTransport(Protocol):
    """Carries SEVIS transmissions to a portal; raises ``TransmissionFailed``."""

    def deliver(self, transmission: Transmission) -> None: ...


class StudentChangeKind(str, Enum):
    """What a student changed in the portal; each reaches SEVIS at once."""

    EMPLOYER_ADDED = "employer-added"
    EMPLOYER_EDITED = "employer-edited"
    EMPLOYER_DELETED = "employer-deleted"
    CONTACT_CHANGED = "contact-changed"


@dataclass(frozen=True)
class StudentChange:
    change_id: str
    sevis_id: str
    kind: StudentChangeKind
    at: datetime
    employer: EmploymentRecord | None = None
    changes: tuple[FieldChange, ...] = ()


class StudentChangeSink(Protocol):
    """Where the portal sends student changes (SEVIS); raises on refusal."""

    def receive_student_change(self, change: StudentChange) -> None: ...


class MailNotSent(Exception):
    """The mail server refused the message (bounce, temporary failure, no server)."""


class Mailer(Protocol):
    """Sends one email; raises ``MailNotSent`` when the server does not take it."""

    def send(self, message: Message) -> None: ...
