"""The fake mail server: mailboxes with an Inbox and a Junk folder, bounces, a real SMTP
server on loopback and an in-memory mailer, both ending in the same delivery code."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from simulators.mail.errors import (
    InvalidAddress,
    MailError,
    MalformedMessage,
    MessageTooLarge,
    NoRecipientAccepted,
    NoSuchMessage,
    TemporaryFailure,
    UnknownMailbox,
)
from simulators.mail.models import (
    DEFAULT_MAX_MESSAGE_BYTES,
    Bounce,
    Folder,
    JunkRule,
    MailStore,
    MessageContent,
    StoredMessage,
    normalize_address,
    parse_message,
    query_parameter,
    read_composed,
)
from simulators.mail.service import (
    DeliveryReport,
    InMemoryMailer,
    accept_recipient,
    deliver_composed,
    deliver_message,
)

if TYPE_CHECKING:
    from simulators.mail.smtp import LOOPBACK, SmtpMailer, SmtpServer

_SMTP_NAMES = {"LOOPBACK", "SmtpMailer", "SmtpServer"}


def __getattr__(name: str) -> Any:
    """The SMTP side (aiosmtpd) loads on first use: a run in memory never needs it."""
    if name in _SMTP_NAMES:
        from simulators.mail import smtp

        return getattr(smtp, name)
    raise AttributeError(f"module 'simulators.mail' has no attribute {name!r}")


__all__ = [
    "DEFAULT_MAX_MESSAGE_BYTES",
    "LOOPBACK",
    "Bounce",
    "DeliveryReport",
    "Folder",
    "InMemoryMailer",
    "InvalidAddress",
    "JunkRule",
    "MailError",
    "MailStore",
    "MalformedMessage",
    "MessageContent",
    "MessageTooLarge",
    "NoRecipientAccepted",
    "NoSuchMessage",
    "SmtpMailer",
    "SmtpServer",
    "StoredMessage",
    "TemporaryFailure",
    "UnknownMailbox",
    "accept_recipient",
    "deliver_composed",
    "deliver_message",
    "normalize_address",
    "parse_message",
    "query_parameter",
    "read_composed",
]
