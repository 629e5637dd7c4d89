"""The fake mail server: mailboxes with an Inbox and a Junk folder, bounces, a real SMTP
server on loopback and an in-memory mailer, both ending in the same delivery code."""

from __future__ import annotations

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
)
from simulators.mail.service import (
    DeliveryReport,
    InMemoryMailer,
    accept_recipient,
    deliver_message,
)
from simulators.mail.smtp import LOOPBACK, SmtpMailer, SmtpServer

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
    "deliver_message",
    "normalize_address",
    "parse_message",
    "query_parameter",
]
