"""A quicker in-memory mail seam for fuzz worlds: the message is filed in the same store,
with the same bounces and junk rules, but without the SMTP byte round trip, which costs
more than the rest of a fuzz step together. Scenarios and replays keep the real path."""

from __future__ import annotations

from email.message import Message

from simulators.common.seams import MailNotSent
from simulators.mail import MailStore
from simulators.mail.errors import (
    InvalidAddress,
    MailError,
    NoRecipientAccepted,
    TemporaryFailure,
    UnknownMailbox,
)
from simulators.mail.models import MessageContent, find_links, normalize_address
from simulators.mail.service import envelope_of


class QuickMailer:
    """``Mailer`` for fuzz worlds; what it files reads the same to every step and check."""

    def __init__(self, store: MailStore) -> None:
        self.store = store

    def __repr__(self) -> str:
        return f"QuickMailer({self.store!r})"

    def send(self, message: Message) -> None:
        sender, recipients = envelope_of(message)
        try:
            self._deliver(message, sender, recipients)
        except MailError as refusal:
            raise MailNotSent(refusal.smtp_reply) from refusal

    def _deliver(self, message: Message, sender: str, recipients: tuple[str, ...]) -> None:
        store = self.store
        if store.take_temporary_failure():
            raise TemporaryFailure("mail is deferred for now; try again later")
        text = _plain_text(message)
        content = MessageContent(
            message_id=str(message["Message-ID"]) if message["Message-ID"] else None,
            sender=sender,
            sender_name="",
            to=recipients,
            cc=(),
            subject=str(message["Subject"] or ""),
            text=text,
            html=None,
            links=tuple(dict.fromkeys(find_links(text))),
            raw=b"",
        )
        unique = {normalize_address(r): r for r in reversed(recipients)}
        delivered = 0
        for recipient in unique.values():
            try:
                store.file_message(
                    recipient,
                    content,
                    message_id=content.message_id or store.next_message_id(),
                    envelope_sender=sender,
                    envelope_recipients=recipients,
                )
                delivered += 1
            except (InvalidAddress, UnknownMailbox) as refusal:
                store.record_bounce(
                    recipient, refusal, envelope_sender=sender, subject=content.subject
                )
        if not delivered:
            raise NoRecipientAccepted("no recipient accepted the message")


def _plain_text(message: Message) -> str:
    """The body of the single-part plain-text notice the reference composes."""
    payload = message.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    text = payload.decode(message.get_content_charset() or "utf-8", errors="replace")
    return text.replace("\r\n", "\n")
