"""Mail operations: the one delivery path into the store, shared by the SMTP server and
the in-memory ``Mailer``, so steps cannot tell which one carried a message."""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass
from email.message import Message
from email.utils import getaddresses

from simulators.common.seams import MailNotSent
from simulators.mail.errors import (
    InvalidAddress,
    MailError,
    MessageTooLarge,
    NoRecipientAccepted,
    TemporaryFailure,
    UnknownMailbox,
)
from simulators.mail.models import (
    Bounce,
    MailStore,
    StoredMessage,
    normalize_address,
    parse_message,
)


@dataclass(frozen=True)
class DeliveryReport:
    """What became of one message: the copies filed and the recipients that bounced."""

    message_id: str
    delivered: tuple[StoredMessage, ...]
    bounces: tuple[Bounce, ...]


def accept_recipient(store: MailStore, recipient: str, *, envelope_sender: str) -> str:
    """The RCPT step: the mailbox name, or the refusal raised after recording a bounce
    (without a subject: the message has not been sent yet)."""
    try:
        return store.check_recipient(recipient)
    except (InvalidAddress, UnknownMailbox) as refusal:
        store.record_bounce(recipient, refusal, envelope_sender=envelope_sender, subject=None)
        raise


def deliver_message(
    store: MailStore, *, envelope_sender: str, recipients: Iterable[str], raw: bytes
) -> DeliveryReport:
    """File ``raw`` in every recipient's mailbox; refused recipients become bounces.

    Raises ``TemporaryFailure`` while the store is told to defer mail,
    ``MessageTooLarge`` over the store's limit, ``MalformedMessage`` for bytes the email
    package cannot read and ``NoRecipientAccepted`` when every recipient bounced; in each
    case nothing is filed.
    """
    if store.take_temporary_failure():
        raise TemporaryFailure("mail is deferred for now; try again later")
    if len(raw) > store.max_message_bytes:
        raise MessageTooLarge(
            f"message of {len(raw)} bytes exceeds the limit of {store.max_message_bytes}"
        )
    content = parse_message(raw)
    # One copy per mailbox, however many times (or in whatever case) it is named.
    envelope_recipients = tuple(dict.fromkeys(recipients))
    unique: dict[str, str] = {}
    for recipient in envelope_recipients:
        unique.setdefault(normalize_address(recipient), recipient)
    if not unique:
        raise NoRecipientAccepted("the message names no recipient")
    message_id = content.message_id or store.next_message_id()
    delivered: list[StoredMessage] = []
    bounces: list[Bounce] = []
    for recipient in unique.values():
        try:
            delivered.append(
                store.file_message(
                    recipient,
                    content,
                    message_id=message_id,
                    envelope_sender=envelope_sender,
                    envelope_recipients=envelope_recipients,
                )
            )
        except (InvalidAddress, UnknownMailbox) as refusal:
            bounces.append(
                store.record_bounce(
                    recipient, refusal, envelope_sender=envelope_sender, subject=content.subject
                )
            )
    if not delivered:
        reasons = "; ".join(f"{bounce.code} {bounce.reason}" for bounce in bounces)
        raise NoRecipientAccepted(f"no recipient accepted the message ({reasons})")
    return DeliveryReport(message_id, tuple(delivered), tuple(bounces))


class InMemoryMailer:
    """The in-memory side of the portal -> mail seam: hands the message, as the bytes
    SMTP would carry, to the same ``deliver_message`` the SMTP server calls."""

    def __init__(self, store: MailStore) -> None:
        self.store = store

    def __repr__(self) -> str:
        return f"InMemoryMailer({self.store!r})"

    def send(self, message: Message) -> None:
        """Deliver ``message``; ``MailNotSent`` when the store takes it for no recipient."""
        envelope_sender, recipients = envelope_of(message)
        try:
            deliver_message(
                self.store,
                envelope_sender=envelope_sender,
                recipients=recipients,
                raw=wire_bytes(message),
            )
        except MailError as refusal:
            raise MailNotSent(refusal.smtp_reply) from refusal


def envelope_of(message: Message) -> tuple[str, tuple[str, ...]]:
    """The envelope ``smtplib.send_message`` would use: Sender or From, and To + Cc + Bcc."""
    sender_values = message.get_all("Sender") or message.get_all("From") or []
    senders = [address for _, address in getaddresses([str(v) for v in sender_values])]
    recipient_values = [
        str(value) for header in ("To", "Cc", "Bcc") for value in message.get_all(header, [])
    ]
    recipients = tuple(address for _, address in getaddresses(recipient_values) if address)
    return (senders[0] if senders else ""), recipients


def wire_bytes(message: Message) -> bytes:
    """The bytes ``smtplib`` puts on the wire: CRLF line ends, no Bcc header."""
    if message["Bcc"] is not None:
        message = copy.deepcopy(message)
        del message["Bcc"]
    return message.as_bytes(policy=message.policy.clone(linesep="\r\n"))
