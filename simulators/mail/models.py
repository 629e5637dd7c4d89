"""The fake mail server's state and rules: mailboxes with an Inbox and a Junk folder,
junk rules, bounces and parsed messages. No I/O; one lock guards every change."""

from __future__ import annotations

import email
import email.policy
import html as html_text
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from email.header import decode_header, make_header
from email.message import EmailMessage, Message
from email.utils import getaddresses
from enum import Enum
from functools import lru_cache
from urllib.parse import parse_qs, urlsplit

from simulators.common.clock import Clock
from simulators.common.domain import EMAIL_PATTERN, FIELDS
from simulators.mail.errors import (
    InvalidAddress,
    MailError,
    MalformedMessage,
    NoSuchMessage,
    UnknownMailbox,
)

#: The default size limit of one message (raw bytes); portal notices are a few kilobytes.
DEFAULT_MAX_MESSAGE_BYTES = 1_048_576

#: Characters no mailbox address may hold, whatever EMAIL_PATTERN lets through.
_FORBIDDEN_IN_ADDRESS = re.compile(r"[\x00-\x20\x7f<>()\[\],;:\\\"]")
_URL = re.compile(r"https?://[^\s<>\"'`]+", re.IGNORECASE)
_HREF = re.compile(r"""href\s*=\s*["']([^"']+)["']""", re.IGNORECASE)
_BRACKETS = {")": "(", "]": "[", "}": "{"}


class Folder(str, Enum):
    INBOX = "Inbox"
    JUNK = "Junk"


def normalize_address(address: str) -> str:
    """Mailbox addresses compare without case, as students type them in any case."""
    return address.strip().strip("<>").strip().lower()


def address_problem(address: str) -> str | None:
    """Why ``address`` cannot name a mailbox, or None when it is well formed."""
    if not address:
        return "empty address"
    if len(address) > FIELDS.email:
        return f"address longer than {FIELDS.email} characters"
    if _FORBIDDEN_IN_ADDRESS.search(address) or not EMAIL_PATTERN.fullmatch(address):
        return f"{address!r} is not a well-formed email address"
    return None


def find_links(text: str) -> tuple[str, ...]:
    """The http(s) URLs in ``text``, in order, without the punctuation that ends a sentence."""
    return tuple(_trim_link(match.group(0)) for match in _URL.finditer(text))


def _trim_link(link: str) -> str:
    # "see https://x/register?token=abc." ends a sentence; a closing bracket ends the
    # link only when the link did not open it (so "(https://x/a_(b))" keeps "(b)").
    while link:
        last = link[-1]
        ends_sentence = last in ".,;:!?'\""
        unopened = last in _BRACKETS and link.count(last) > link.count(_BRACKETS[last])
        if not (ends_sentence or unopened):
            break
        link = link[:-1]
    return link


def query_parameter(link: str, name: str) -> str | None:
    """The first value of query parameter ``name`` in ``link`` (e.g. a registration ``token``)."""
    values = parse_qs(urlsplit(link).query, keep_blank_values=True).get(name)
    return values[0] if values else None


@dataclass(frozen=True)
class MessageContent:
    """What a message says, parsed once and shared by every mailbox that receives it."""

    message_id: str | None
    sender: str  # the From address
    sender_name: str
    to: tuple[str, ...]
    cc: tuple[str, ...]
    subject: str
    text: str  # the plain-text body, lines ending in "\n"
    html: str | None
    links: tuple[str, ...]
    raw: bytes = field(repr=False)

    def as_email(self) -> EmailMessage:
        """The message as the standard library sees it, for checks this record does not carry."""
        return _parse_bytes(self.raw)


def parse_message(raw: bytes) -> MessageContent:
    """Parse raw message bytes; ``MalformedMessage`` if the email package cannot read them."""
    try:
        return _content_of(_parse_bytes(raw), raw)
    except Exception as error:
        # The email package is lenient but has known crashes on pathological headers;
        # whatever it raises, the server answers with a refusal instead of dying.
        raise MalformedMessage(f"the message cannot be parsed: {error!r}") from error


def read_composed(message: Message) -> MessageContent:
    """What ``message`` says, read from the object a portal composed (the in-memory
    mailer's fast path): the record ``parse_message`` makes of its bytes, plain-text and
    HTML parts alike, without the bytes (``raw`` is empty). ``MalformedMessage`` as there."""
    try:
        return _content_of(message, b"")
    except Exception as error:
        raise MalformedMessage(f"the message cannot be read: {error!r}") from error


def _content_of(message: Message, raw: bytes) -> MessageContent:
    sender_name, sender = _first_address(message, "From")
    text = _body_text(message, "plain")
    html = _body_text(message, "html")
    message_id = _header(message, "Message-ID")
    links = find_links(text or "")
    if html is not None:
        links += tuple(html_text.unescape(href) for href in _HREF.findall(html))
        links += find_links(html_text.unescape(_HREF.sub("", html)))
    return MessageContent(
        message_id=message_id.strip() if message_id else None,
        sender=sender,
        sender_name=sender_name,
        to=_addresses(message, "To"),
        cc=_addresses(message, "Cc"),
        subject=_header(message, "Subject") or "",
        text=text or "",
        html=html,
        links=tuple(dict.fromkeys(link for link in links if _URL.fullmatch(link))),
        raw=raw,
    )


def _parse_bytes(raw: bytes) -> EmailMessage:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)  # policy.default builds EmailMessage
    return message


def _header(message: Message, name: str) -> str | None:
    value = message[name]
    return None if value is None else _decoded(message, str(value))


def _decoded(message: Message, text: str) -> str:
    """Header text with its RFC 2047 words decoded: parsed bytes (an ``EmailMessage``) come
    decoded already; a classic ``Message`` holds what the portal set, an encoded subject say."""
    if isinstance(message, EmailMessage) or "=?" not in text:
        return text
    return str(make_header(decode_header(text)))


def _addresses(message: Message, header: str) -> tuple[str, ...]:
    return tuple(address for _, address in _address_pairs(message, header))


def _first_address(message: Message, header: str) -> tuple[str, str]:
    pairs = _address_pairs(message, header)
    return (_decoded(message, pairs[0][0]), pairs[0][1]) if pairs else ("", "")


def _address_pairs(message: Message, header: str) -> tuple[tuple[str, str], ...]:
    return _parsed_addresses(tuple(str(value) for value in message.get_all(header, [])))


@lru_cache(maxsize=4096)
def _parsed_addresses(values: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """(name, address) pairs of a header's values, parsed once: a portal sends the same
    few addresses over and over, and parsing them costs more than filing a message."""
    return tuple((name, address) for name, address in getaddresses(list(values)) if address)


def _body_text(message: Message, subtype: str) -> str | None:
    part = _body_part(message, subtype)
    if part is None:
        return None
    try:
        content = _part_text(part)
    except (LookupError, UnicodeError):  # an unknown or lying charset
        payload = part.get_payload(decode=True)
        content = payload.decode("utf-8", errors="replace") if isinstance(payload, bytes) else ""
    if not isinstance(content, str):
        return None
    # SMTP carries CRLF; a body reads the same whichever path delivered it.
    return content.replace("\r\n", "\n")


def _part_text(part: Message) -> object:
    if isinstance(part, EmailMessage):
        return part.get_content()
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return None
    return payload.decode(part.get_content_charset() or "utf-8", errors="replace")


def _body_part(message: Message, subtype: str) -> Message | None:
    """The ``text/<subtype>`` part a reader shows: ``get_body``'s choice where the message
    has one (parsed bytes, ``EmailMessage``), else the first such part not attached."""
    if isinstance(message, EmailMessage):
        return message.get_body(preferencelist=(subtype,))
    for part in message.walk():
        if (
            part.get_content_type() == f"text/{subtype}"
            and part.get_content_disposition() != "attachment"
        ):
            return part
    return None


@dataclass(frozen=True)
class JunkRule:
    """Mail from ``sender`` and/or with a subject matching ``subject_pattern`` (a
    case-insensitive regular expression) goes to Junk, as a student's spam filter
    may file the account creation email (FAQ 7). Both given: both must match."""

    sender: str | None = None
    subject_pattern: str | None = None

    def __post_init__(self) -> None:
        if self.sender is None and self.subject_pattern is None:
            raise ValueError("a junk rule needs a sender or a subject pattern")
        if self.sender is not None:
            object.__setattr__(self, "sender", normalize_address(self.sender))
        if self.subject_pattern is not None:
            try:
                re.compile(self.subject_pattern)
            except re.error as error:
                raise ValueError(
                    f"bad subject pattern {self.subject_pattern!r}: {error}"
                ) from error

    def matches(self, content: MessageContent, envelope_sender: str) -> bool:
        if self.sender is not None and self.sender not in {
            normalize_address(content.sender),
            normalize_address(envelope_sender),
        }:
            return False
        return self.subject_pattern is None or bool(
            re.search(self.subject_pattern, content.subject, re.IGNORECASE)
        )


@dataclass(frozen=True)
class Bounce:
    """A recipient the server refused; ``subject`` is None when refused before the message
    was sent (at SMTP RCPT time)."""

    recipient: str
    reason: str
    code: int
    at: datetime
    envelope_sender: str
    subject: str | None


@dataclass(frozen=True, repr=False)
class StoredMessage:
    """One message as it sits in one mailbox's folder."""

    mailbox: str
    folder: Folder
    received_at: datetime
    message_id: str
    envelope_sender: str
    envelope_recipients: tuple[str, ...]
    content: MessageContent
    #: Its place in the store's arrival order, from 1: what the mail viewer names it by.
    #: Not part of equality: the same message filed by two routes is the same record.
    number: int = field(default=0, compare=False)

    def __repr__(self) -> str:
        return (
            f"StoredMessage({self.message_id!r}, to={self.mailbox!r}, folder={self.folder.value}, "
            f"from={self.sender!r}, subject={self.subject!r}, "
            f"received_at={self.received_at.isoformat()})"
        )

    @property
    def sender(self) -> str:
        return self.content.sender

    @property
    def to(self) -> tuple[str, ...]:
        return self.content.to

    @property
    def cc(self) -> tuple[str, ...]:
        return self.content.cc

    @property
    def subject(self) -> str:
        return self.content.subject

    @property
    def text(self) -> str:
        return self.content.text

    @property
    def links(self) -> tuple[str, ...]:
        return self.content.links

    def links_to(self, path: str) -> tuple[str, ...]:
        """The links whose path ends with ``path`` (e.g. "/register")."""
        return tuple(link for link in self.links if urlsplit(link).path.endswith(path))

    def link_parameter(self, name: str, *, path: str | None = None) -> str | None:
        """Parameter ``name`` of the first link (to ``path``, if given) that carries it."""
        for link in self.links if path is None else self.links_to(path):
            value = query_parameter(link, name)
            if value is not None:
                return value
        return None


@dataclass
class _Mailbox:
    address: str
    junk_rules: list[JunkRule] = field(default_factory=list)

    def folder_for(self, content: MessageContent, envelope_sender: str) -> Folder:
        if any(rule.matches(content, envelope_sender) for rule in self.junk_rules):
            return Folder.JUNK
        return Folder.INBOX


class MailStore:
    """Every mailbox, message and bounce of the fake mail server.

    Mailboxes exist once created, unless ``accept_any_address`` lets any well-formed
    address receive mail. The SMTP server delivers from its own thread, so every
    read and write holds the store's lock.
    """

    def __init__(
        self,
        clock: Clock,
        *,
        accept_any_address: bool = False,
        max_message_bytes: int = DEFAULT_MAX_MESSAGE_BYTES,
    ) -> None:
        if max_message_bytes < 1:
            raise ValueError(f"max_message_bytes must be positive, not {max_message_bytes}")
        self._clock = clock
        self._accept_any_address = accept_any_address
        self._max_message_bytes = max_message_bytes
        self._changed = threading.Condition()
        self._forget_everything()

    def _forget_everything(self) -> None:
        self._mailboxes: dict[str, _Mailbox] = {}
        self._messages: list[StoredMessage] = []
        self._bounces: list[Bounce] = []
        self._generated_ids = 0
        self._filed = 0
        self._deferrals_left: int | None = 0  # None: until cleared
        self._unfinished: dict[tuple[int, str], str] = {}  # (conversation, recipient): stage

    def __repr__(self) -> str:
        with self._changed:
            return (
                f"MailStore({len(self._mailboxes)} mailboxes, {len(self._messages)} messages, "
                f"{len(self._bounces)} bounces, accept_any_address={self._accept_any_address})"
            )

    @property
    def clock(self) -> Clock:
        return self._clock

    @property
    def accept_any_address(self) -> bool:
        return self._accept_any_address

    @property
    def max_message_bytes(self) -> int:
        return self._max_message_bytes

    # Mailboxes and junk rules

    def create_mailbox(self, address: str) -> str:
        """Create the mailbox for ``address`` (again is harmless); returns its normalized name."""
        normalized = normalize_address(address)
        problem = address_problem(normalized)
        if problem:
            raise InvalidAddress(problem)
        with self._changed:
            self._mailboxes.setdefault(normalized, _Mailbox(normalized))
        return normalized

    def close_mailbox(self, address: str) -> None:
        """Close the mailbox (a school address deactivated after graduation): mail to it
        bounces from now on; what it received stays queryable as evidence."""
        with self._changed:
            self._mailboxes.pop(normalize_address(address), None)

    def has_mailbox(self, address: str) -> bool:
        with self._changed:
            return normalize_address(address) in self._mailboxes

    def mailboxes(self) -> tuple[str, ...]:
        with self._changed:
            return tuple(self._mailboxes)

    def route_to_junk(
        self, address: str, *, sender: str | None = None, subject_pattern: str | None = None
    ) -> JunkRule:
        """From now on, mail to ``address`` that matches goes to its Junk folder."""
        rule = JunkRule(sender=sender, subject_pattern=subject_pattern)
        with self._changed:
            self._mailbox_for(address).junk_rules.append(rule)
        return rule

    def check_recipient(self, address: str) -> str:
        """The mailbox name for ``address``; ``InvalidAddress`` or ``UnknownMailbox`` if none."""
        with self._changed:
            return self._mailbox_for(address, create=False).address

    def _mailbox_for(self, address: str, *, create: bool = True) -> _Mailbox:
        """The mailbox of ``address``; one the store accepts but lacks is made if ``create``
        (only when mail is filed, so a refused message leaves no mailbox behind)."""
        normalized = normalize_address(address)
        problem = address_problem(normalized)
        if problem:
            raise InvalidAddress(problem)
        mailbox = self._mailboxes.get(normalized)
        if mailbox is None:
            if not self._accept_any_address:
                raise UnknownMailbox(f"no mailbox for {normalized}")
            mailbox = _Mailbox(normalized)
            if create:
                self._mailboxes[normalized] = mailbox
        return mailbox

    # Delivery

    def next_message_id(self) -> str:
        """A Message-ID for a message that came without one (repeatable from run to run)."""
        with self._changed:
            self._generated_ids += 1
            return f"<{self._generated_ids}@mail-simulator.invalid>"

    def file_message(
        self,
        recipient: str,
        content: MessageContent,
        *,
        message_id: str,
        envelope_sender: str,
        envelope_recipients: tuple[str, ...],
    ) -> StoredMessage:
        """Put ``content`` in ``recipient``'s Inbox, or Junk if a junk rule matches."""
        with self._changed:
            mailbox = self._mailbox_for(recipient)
            self._filed += 1
            stored = StoredMessage(
                mailbox=mailbox.address,
                folder=mailbox.folder_for(content, envelope_sender),
                received_at=self._clock.now(),
                message_id=message_id,
                envelope_sender=envelope_sender,
                envelope_recipients=envelope_recipients,
                content=content,
                number=self._filed,
            )
            self._messages.append(stored)
            self._changed.notify_all()
            return stored

    def record_bounce(
        self, recipient: str, refusal: MailError, *, envelope_sender: str, subject: str | None
    ) -> Bounce:
        bounce = Bounce(
            recipient=recipient,
            reason=refusal.reason,
            code=refusal.code,
            at=self._clock.now(),
            envelope_sender=envelope_sender,
            subject=subject,
        )
        with self._changed:
            self._bounces.append(bounce)
            self._changed.notify_all()
        return bounce

    # Temporary failures (a server that answers 451)

    def fail_temporarily(self, next_messages: int | None = None) -> None:
        """Defer the next ``next_messages`` messages, or every message until cleared."""
        if next_messages is not None and next_messages < 1:
            raise ValueError(f"next_messages must be at least 1, not {next_messages}")
        with self._changed:
            self._deferrals_left = next_messages

    def clear_temporary_failures(self) -> None:
        with self._changed:
            self._deferrals_left = 0

    @property
    def failing_temporarily(self) -> bool:
        with self._changed:
            return self._deferrals_left is None or self._deferrals_left > 0

    def take_temporary_failure(self) -> bool:
        """Whether this message is to be deferred; counts it against the switch."""
        with self._changed:
            if self._deferrals_left is None:
                return True
            if self._deferrals_left > 0:
                self._deferrals_left -= 1
                return True
            return False

    # Queries

    def messages(
        self,
        *,
        recipient: str | None = None,
        subject: str | None = None,
        subject_contains: str | None = None,
        folder: Folder | None = None,
        since: datetime | None = None,
    ) -> tuple[StoredMessage, ...]:
        """Stored messages in arrival order; every filter given must match.
        ``folder=None`` means both folders; ``since`` includes that moment."""
        mailbox = normalize_address(recipient) if recipient is not None else None
        with self._changed:
            return tuple(
                message
                for message in self._messages
                if (mailbox is None or message.mailbox == mailbox)
                and (subject is None or message.subject == subject)
                and (subject_contains is None or subject_contains in message.subject)
                and (folder is None or message.folder is folder)
                and (since is None or message.received_at >= since)
            )

    def count(
        self,
        *,
        recipient: str | None = None,
        subject: str | None = None,
        subject_contains: str | None = None,
        folder: Folder | None = None,
        since: datetime | None = None,
    ) -> int:
        return len(
            self.messages(
                recipient=recipient,
                subject=subject,
                subject_contains=subject_contains,
                folder=folder,
                since=since,
            )
        )

    def message(self, number: int) -> StoredMessage:
        """The message filed ``number``-th (see ``StoredMessage.number``); ``NoSuchMessage``
        when the store does not hold it (never filed, or forgotten by ``clear``)."""
        with self._changed:
            for message in self._messages:
                if message.number == number:
                    return message
        raise NoSuchMessage(f"no message number {number} in the store")

    def inbox(self, address: str) -> tuple[StoredMessage, ...]:
        return self.messages(recipient=address, folder=Folder.INBOX)

    def junk(self, address: str) -> tuple[StoredMessage, ...]:
        return self.messages(recipient=address, folder=Folder.JUNK)

    def conversation_started(self, conversation: int, recipient: str, stage: str) -> None:
        """An SMTP client named ``recipient`` and has not finished its message yet."""
        with self._changed:
            self._unfinished[(conversation, normalize_address(recipient))] = stage

    def conversation_finished(self, conversation: int) -> None:
        with self._changed:
            for key in [key for key in self._unfinished if key[0] == conversation]:
                del self._unfinished[key]

    def unfinished_conversations(self, *, recipient: str) -> tuple[str, ...]:
        """How far each unfinished SMTP conversation to ``recipient`` got: a client that
        stalled (or hung up) mid-message explains a missing email."""
        wanted = normalize_address(recipient)
        with self._changed:
            return tuple(stage for (_, to), stage in self._unfinished.items() if to == wanted)

    def bounces(self, *, recipient: str | None = None) -> tuple[Bounce, ...]:
        wanted = normalize_address(recipient) if recipient is not None else None
        with self._changed:
            return tuple(
                bounce
                for bounce in self._bounces
                if wanted is None or normalize_address(bounce.recipient) == wanted
            )

    def wait_for_messages(
        self,
        timeout: float,
        *,
        recipient: str | None = None,
        subject: str | None = None,
        subject_contains: str | None = None,
        folder: Folder | None = None,
        since: datetime | None = None,
    ) -> tuple[StoredMessage, ...]:
        """The matching messages once there is at least one, or () after ``timeout`` seconds
        of real time: mail over SMTP arrives from another thread, a little later."""
        found: tuple[StoredMessage, ...] = ()

        def arrived() -> bool:
            nonlocal found
            found = self.messages(
                recipient=recipient,
                subject=subject,
                subject_contains=subject_contains,
                folder=folder,
                since=since,
            )
            return bool(found)

        self.wait_until(arrived, timeout)
        return found

    def wait_until(self, ready: Callable[[], bool], timeout: float) -> bool:
        """Whether ``ready()`` came to hold within ``timeout`` seconds of real time; it is
        checked at once and again at every arrival, so a wait ends with the mail awaited."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while not ready():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._changed.wait(remaining)
            return True

    # Between scenarios

    def clear(self) -> None:
        """Forget messages and bounces; keep mailboxes, junk rules and the failure switch."""
        with self._changed:
            self._messages.clear()
            self._bounces.clear()

    def reset(self) -> None:
        """Back to a new store (same clock and configuration)."""
        with self._changed:
            self._forget_everything()
