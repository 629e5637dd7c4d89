"""Mail operations: the one delivery path into the store, shared by the SMTP server and
the in-memory ``Mailer``, so steps cannot tell which one carried a message."""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass
from email.message import Message
from email.utils import getaddresses
from functools import lru_cache

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
    MessageContent,
    StoredMessage,
    normalize_address,
    parse_message,
    read_composed,
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
    _refuse_while_deferring(store)
    if len(raw) > store.max_message_bytes:
        raise MessageTooLarge(
            f"message of {len(raw)} bytes exceeds the limit of {store.max_message_bytes}"
        )
    return _file_everywhere(store, parse_message(raw), envelope_sender, recipients)


def deliver_composed(store: MailStore, message: Message) -> DeliveryReport:
    """``deliver_message`` for a message still in the object its sender composed, to the
    envelope ``smtplib`` would make of it: read without the byte round trip (which costs
    more than a fuzz step's every other part). The size limit is held to the message's
    least size, which its bytes can only exceed by the boundaries and line ends."""
    _refuse_while_deferring(store)
    size = least_size(message)
    if size > store.max_message_bytes:
        raise MessageTooLarge(
            f"message of at least {size} bytes exceeds the limit of {store.max_message_bytes}"
        )
    envelope_sender, recipients = envelope_of(message)
    return _file_everywhere(store, read_composed(message), envelope_sender, recipients)


def least_size(message: Message) -> int:
    """A lower bound of the bytes ``message`` makes on the wire, without serialising it:
    its header fields and its parts' payloads as encoded (base64, quoted-printable or as
    they are), one character for each byte at least."""
    size = sum(len(name) + len(str(value)) for name, value in message.items())
    payload = message.get_payload()
    if isinstance(payload, list):
        for part in payload:
            size += least_size(part) if isinstance(part, Message) else 0
        return size
    return size + len(payload) if isinstance(payload, (str, bytes)) else size


def _refuse_while_deferring(store: MailStore) -> None:
    if store.take_temporary_failure():
        raise TemporaryFailure("mail is deferred for now; try again later")


def _file_everywhere(
    store: MailStore, content: MessageContent, envelope_sender: str, recipients: Iterable[str]
) -> DeliveryReport:
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
    SMTP would carry, to the same ``deliver_message`` the SMTP server calls. With
    ``wire=False`` (the fuzzer's worlds) it files the composed message as it is
    (``deliver_composed``): the same record, multipart or not, without the bytes."""

    def __init__(self, store: MailStore, *, wire: bool = True) -> None:
        self.store = store
        self.wire = wire

    def __repr__(self) -> str:
        wire = "" if self.wire else ", wire=False"
        return f"InMemoryMailer({self.store!r}{wire})"

    def send(self, message: Message) -> None:
        """Deliver ``message``; ``MailNotSent`` when the store takes it for no recipient."""
        try:
            if not self.wire:
                deliver_composed(self.store, message)
                return
            envelope_sender, recipients = envelope_of(message)
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
    return _envelope(
        tuple((name.lower(), str(value)) for name, value in message.items()
              if name.lower() in _ADDRESSING)
    )  # fmt: skip


_ADDRESSING = {"sender", "from", "to", "cc", "bcc"}  # the headers an envelope is made of


@lru_cache(maxsize=4096)
def _envelope(headers: tuple[tuple[str, str], ...]) -> tuple[str, tuple[str, ...]]:
    """The envelope of these addressing headers, worked out once: a portal sends the same
    few addresses over and over, and parsing them costs more than filing a message."""

    def values(name: str) -> list[str]:
        return [value for header, value in headers if header == name]

    sender_values = values("sender") or values("from")
    senders = [address for _, address in getaddresses(sender_values)]
    recipient_values = values("to") + values("cc") + values("bcc")
    recipients = tuple(address for _, address in getaddresses(recipient_values) if address)
    return (senders[0] if senders else ""), recipients


def wire_bytes(message: Message) -> bytes:
    """The bytes ``smtplib`` puts on the wire: CRLF line ends, no Bcc header."""
    if message["Bcc"] is not None:
        message = copy.deepcopy(message)
        del message["Bcc"]
    return message.as_bytes(policy=message.policy.clone(linesep="\r\n"))
