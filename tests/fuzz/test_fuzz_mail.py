"""The fuzz worlds' mail goes through the in-memory mailer's fast path: it files what the
byte round trip files (mailboxes, folders, subjects, envelopes, bodies, links, bounces),
multipart notices included, so a portal sending text and HTML is not mailless to the fuzzer."""

from __future__ import annotations

import re
from collections.abc import Callable
from email.message import EmailMessage, Message
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from html import escape

import pytest

from fixtures.factories import DataFactory
from harness.drivers.base import PortalDriver
from harness.drivers.memory import reference_portal
from harness.fuzz import REFERENCE, in_memory_target
from harness.fuzz import _sentences as s
from harness.fuzz._machine import run_step
from harness.fuzz._observe import Observer, differences
from harness.fuzz._sentences import PlayedStep
from simulators.common.clock import Clock, SimulatedClock
from simulators.common.seams import Mailer, MailNotSent, StudentChangeSink
from simulators.mail import InMemoryMailer, MailStore
from simulators.mail.service import least_size, wire_bytes

Compose = Callable[[str, str, int], Message]
_LINK = "https://portal.example.gov/register?token=Zx9-q_{number}"


def _plain(to: str, cc: str, number: int) -> Message:
    message = Message()
    message["From"] = "SEVP Portal <no-reply@portal.example.gov>"
    message["To"] = to
    message["Cc"] = cc
    message["Subject"] = f"Notice {number}"
    message["Message-ID"] = f"<{number}@portal.example.gov>"
    message.set_payload(f"Hello,\nfollow {_LINK.format(number=number)}.\n", "utf-8")
    return message


def _classic_multipart(to: str, cc: str, number: int) -> Message:
    message = MIMEMultipart("alternative")
    message["From"] = "SEVP Portal <no-reply@portal.example.gov>"
    message["To"] = to
    message["Cc"] = cc
    message["Subject"] = "=?utf-8?q?Avis_n=C2=B0?= " + str(number)  # as Header().encode() sets it
    message.attach(MIMEText("Create your account: see the HTML part.\n", "plain", "utf-8"))
    link = _LINK.format(number=number).replace("&", "&amp;")
    html = f'<p><a href="{link}">Create your account</a> https://portal.example.gov/help</p>'
    message.attach(MIMEText(html, "html", "utf-8"))
    return message


def _modern_multipart(to: str, cc: str, number: int) -> Message:
    message = EmailMessage()
    message["From"] = "SEVP Portal <no-reply@portal.example.gov>"
    message["To"] = to
    message["Cc"] = cc
    message["Subject"] = f"Notice {number}"
    message.set_content(f"Plain: {_LINK.format(number=number)}\r\n")
    message.add_alternative(f'<a href="{_LINK.format(number=number)}&amp;x=1">go</a>', "html")
    return message


def _filed(store: MailStore) -> list[tuple[object, ...]]:
    return [
        (m.mailbox, m.folder, m.subject, m.sender, m.content.sender_name, m.to, m.cc,
         m.envelope_sender, m.envelope_recipients, m.text, m.content.html, m.links)
        for m in store.messages()
    ]  # fmt: skip


@pytest.mark.parametrize("compose", [_plain, _classic_multipart, _modern_multipart])
def test_the_fast_path_files_what_the_byte_round_trip_files(compose: Compose) -> None:
    clock = SimulatedClock()
    fast, wire = MailStore(clock), MailStore(clock)
    for store in (fast, wire):
        for address in ("ana@uni.example.edu", "dso@uni.example.edu"):
            store.create_mailbox(address)  # src@ice.example.gov has none: a bounce
        store.route_to_junk("dso@uni.example.edu", subject_pattern="1$")
    for number, (to, cc) in enumerate(
        [
            ("Ana Ruiz <ana@uni.example.edu>", "dso@uni.example.edu"),
            ("ana@uni.example.edu", "DSO <dso@uni.example.edu>, src@ice.example.gov"),
            ("Ana Ruiz <ana@uni.example.edu>", "dso@uni.example.edu"),  # a repeat: cached
        ]
    ):
        InMemoryMailer(fast, wire=False).send(compose(to, cc, number))
        InMemoryMailer(wire).send(compose(to, cc, number))
    assert _filed(fast) == _filed(wire)
    assert fast.messages()[0].links  # the links were found at all
    assert len(fast.bounces()) == len(wire.bounces()) == 1
    assert [m.subject[-1] for m in fast.junk("dso@uni.example.edu")] == ["1"]


class _MultipartMailer:
    """The reference's notices sent as a portal may send them: text and HTML alternatives,
    the HTML part's links in anchors."""

    def __init__(self, mailer: Mailer) -> None:
        self.mailer = mailer

    def send(self, message: Message) -> None:
        payload = message.get_payload(decode=True)
        assert isinstance(payload, bytes)
        text = payload.decode("utf-8")
        multipart = MIMEMultipart("alternative")
        for name, value in message.items():
            if name.lower() not in {"content-type", "mime-version", "content-transfer-encoding"}:
                multipart[name] = value
        multipart.attach(MIMEText(text, "plain", "utf-8"))
        anchored = re.sub(r"(https?://[^\s<]+)", r'<a href="\1">this link</a>', escape(text))
        multipart.attach(MIMEText(f"<p>{anchored}</p>", "html", "utf-8"))
        self.mailer.send(multipart)


def _multipart_portal(clock: Clock, mailer: Mailer, sevis: StudentChangeSink) -> PortalDriver:
    return reference_portal(clock, _MultipartMailer(mailer), sevis)


def test_a_multipart_notice_reaches_the_fuzzers_mailbox_with_its_links() -> None:
    registered = PlayedStep(s.REGISTERED, {"opt": "post-completion"})  # by the emailed link
    seen = {}
    for side, target in (("multipart", in_memory_target(_multipart_portal)), ("ref", REFERENCE)):
        world = target.build_world(DataFactory(seed=3, namespace="fuzz-mail"))
        outcome, detail = run_step(world, registered)
        assert outcome.ok, detail
        seen[side] = Observer(world).observe(outcome)
        if side == "multipart":
            (notice, *_) = world.mail.inbox(world.student.email)
            assert notice.content.html is not None and "<a href=" in notice.content.html
            assert notice.link_parameter("token", path="/register")
    assert seen["multipart"].emails  # the fuzzer sees the notices ...
    assert differences(seen["multipart"], seen["ref"]) == []  # ... as the reference's


@pytest.mark.parametrize("compose", [_plain, _classic_multipart, _modern_multipart])
def test_the_least_size_is_a_close_lower_bound_of_the_bytes(compose: Compose) -> None:
    """Below the bytes by what serialising adds (boundaries, line ends, MIME-Version), a
    few hundred bytes whatever the size: the limit is held to within that."""
    message = compose("Ana Ruiz <ana@uni.example.edu>", "dso@uni.example.edu", 7)
    on_the_wire = len(wire_bytes(message))
    assert on_the_wire - 300 <= least_size(message) <= on_the_wire


@pytest.mark.parametrize("body_chars", [300, 3_000])
def test_the_fast_path_holds_the_size_limit_as_the_wire_does(body_chars: int) -> None:
    """A message over the store's limit is refused on both paths and filed on neither;
    one under it is filed on both."""
    outcomes = []
    for wire in (True, False):
        store = MailStore(SimulatedClock(), max_message_bytes=2_000)
        store.create_mailbox("ana@uni.example.edu")
        message = _plain("ana@uni.example.edu", "", 1)
        message.set_payload("x" * body_chars, "utf-8")
        try:
            InMemoryMailer(store, wire=wire).send(message)
            outcomes.append(("sent", len(store.messages())))
        except MailNotSent as refusal:
            outcomes.append((str(refusal).split()[0], len(store.messages())))
    assert outcomes[0] == outcomes[1], outcomes
    assert outcomes[0] == (("sent", 1) if body_chars < 2_000 else ("552", 0))
