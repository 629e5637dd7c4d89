"""The mail store's rules: mailboxes, junk routing, bounces, parsing and queries."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from datetime import timedelta
from email.message import EmailMessage

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulators.common.clock import SimulatedClock
from simulators.common.notices import PORTAL_SENDER as PORTAL
from simulators.mail import (
    Bounce,
    Folder,
    InvalidAddress,
    MailStore,
    MalformedMessage,
    MessageTooLarge,
    NoRecipientAccepted,
    TemporaryFailure,
    UnknownMailbox,
    deliver_message,
    parse_message,
    query_parameter,
)
from simulators.mail.service import DeliveryReport, wire_bytes

Compose = Callable[..., EmailMessage]


def deliver(
    store: MailStore,
    message: EmailMessage,
    *,
    recipients: Iterable[str] | None = None,
    sender: str = PORTAL,
) -> DeliveryReport:
    """Deliver as the SMTP server would: the envelope recipients default to the To header."""
    return deliver_message(
        store,
        envelope_sender=sender,
        recipients=recipients if recipients is not None else [str(message["To"])],
        raw=wire_bytes(message),
    )


# Mailboxes


def test_mailbox_addresses_ignore_case(store: MailStore, compose: Compose, student: str) -> None:
    deliver(store, compose(to="Maria.Lopez@EXAMPLE.edu"), recipients=["MARIA.LOPEZ@example.EDU"])

    assert store.has_mailbox("MARIA.lopez@Example.Edu")
    assert [m.mailbox for m in store.inbox("Maria.Lopez@example.edu")] == [student]


def test_creating_a_mailbox_twice_keeps_its_mail(
    store: MailStore, compose: Compose, student: str
) -> None:
    deliver(store, compose())
    assert store.create_mailbox(student.upper()) == student
    assert store.count(recipient=student) == 1
    assert store.mailboxes() == (student,)


@pytest.mark.parametrize(
    "address", ["", "no-at-sign", "two@@example.edu", "a b@example.edu", "x@y"]
)
def test_a_malformed_address_cannot_be_a_mailbox(
    store: MailStore, address: str, student: str
) -> None:
    with pytest.raises(InvalidAddress):
        store.create_mailbox(address)
    assert store.mailboxes() == (student,)


def test_mail_to_an_unknown_mailbox_bounces_with_its_subject(
    store: MailStore, compose: Compose, clock: SimulatedClock
) -> None:
    clock.advance(timedelta(hours=2))
    message = compose(to="stranger@example.edu", subject="Account reset")

    with pytest.raises(NoRecipientAccepted):
        deliver(store, message)

    assert store.count() == 0
    assert store.bounces() == (
        Bounce(
            recipient="stranger@example.edu",
            reason="no mailbox for stranger@example.edu",
            code=550,
            at=clock.now(),
            envelope_sender=PORTAL,
            subject="Account reset",
        ),
    )


def test_an_invalid_recipient_bounces_and_the_valid_one_still_gets_mail(
    store: MailStore, compose: Compose, student: str
) -> None:
    report = deliver(store, compose(), recipients=[student, "not an address"])

    assert [m.mailbox for m in report.delivered] == [student]
    assert [(b.recipient, b.code) for b in store.bounces()] == [("not an address", 550)]
    assert "well-formed" in store.bounces()[0].reason


def test_a_store_that_accepts_any_address_creates_mailboxes_on_delivery(
    clock: SimulatedClock, compose: Compose
) -> None:
    store = MailStore(clock, accept_any_address=True)

    assert store.check_recipient("New.Student@example.edu") == "new.student@example.edu"
    assert store.mailboxes() == ()  # accepting a recipient is not yet filing mail
    deliver(store, compose(to="New.Student@example.edu"))

    assert store.mailboxes() == ("new.student@example.edu",)
    with pytest.raises(NoRecipientAccepted, match="not a well-formed"):
        deliver(store, compose(to="x@y"))
    assert len(store.bounces()) == 1


def test_one_copy_per_mailbox_however_often_it_is_named(
    store: MailStore, compose: Compose, student: str
) -> None:
    deliver(store, compose(), recipients=[student, student.upper(), student])
    assert store.count() == 1


def test_each_recipient_gets_its_own_copy_with_the_same_message_id(
    store: MailStore, compose: Compose, student: str
) -> None:
    store.create_mailbox("dso@school.edu")
    report = deliver(store, compose(), recipients=[student, "dso@school.edu"])

    assert [m.mailbox for m in store.messages()] == [student, "dso@school.edu"]
    assert len({m.message_id for m in report.delivered}) == 1


# Junk rules (FAQ 7: "the account creation email landed in the junk folder")


def test_mail_from_a_junked_sender_lands_in_junk(
    store: MailStore, compose: Compose, student: str
) -> None:
    store.route_to_junk(student, sender=PORTAL.upper())

    deliver(store, compose())

    assert store.inbox(student) == ()
    assert [m.folder for m in store.junk(student)] == [Folder.JUNK]


def test_a_subject_pattern_junks_only_matching_mail(
    store: MailStore, compose: Compose, student: str
) -> None:
    store.route_to_junk(student, subject_pattern=r"create an sevp portal account")

    deliver(
        store,
        compose(
            subject="Optional Practical Training Approval - the next step. "
            "Create an SEVP Portal account."
        ),
    )
    deliver(store, compose(subject="Account reset"))

    assert [m.subject for m in store.inbox(student)] == ["Account reset"]
    assert [m.subject[:8] for m in store.junk(student)] == ["Optional"]


def test_a_rule_with_sender_and_subject_needs_both(
    store: MailStore, compose: Compose, student: str
) -> None:
    store.route_to_junk(student, sender=PORTAL, subject_pattern="^Account reset$")

    deliver(
        store,
        compose(subject="Account reset", sender="someone@else.org"),
        sender="someone@else.org",
    )
    deliver(store, compose(subject="Account reset"))

    assert [m.sender for m in store.junk(student)] == [PORTAL]
    assert [m.sender for m in store.inbox(student)] == ["someone@else.org"]


def test_junk_rules_belong_to_one_mailbox(store: MailStore, compose: Compose, student: str) -> None:
    store.create_mailbox("other@example.edu")
    store.route_to_junk(student, sender=PORTAL)

    deliver(store, compose(), recipients=[student, "other@example.edu"])

    assert store.count(folder=Folder.JUNK) == 1
    assert [m.mailbox for m in store.messages(folder=Folder.INBOX)] == ["other@example.edu"]


def test_junk_rules_are_checked(store: MailStore, student: str) -> None:
    with pytest.raises(ValueError, match="needs a sender or a subject"):
        store.route_to_junk(student)
    with pytest.raises(ValueError, match="bad subject pattern"):
        store.route_to_junk(student, subject_pattern="(")
    with pytest.raises(UnknownMailbox):
        store.route_to_junk("nobody@example.edu", sender=PORTAL)


# Parsing


def test_a_notice_is_parsed_into_its_parts(
    store: MailStore, compose: Compose, student: str
) -> None:
    message = compose(
        subject="Account reset",
        sender=f"SEVP Portal <{PORTAL}>",
        cc="dso@school.edu",
        body="Dear Maria,\nreset here: https://portal.example/reset-password?token=t0k-3n&x=1.\n",
        message_id="<notice-1@portal.example>",
    )
    deliver(store, message, recipients=[student])

    (stored,) = store.messages()
    assert stored.message_id == "<notice-1@portal.example>"
    assert stored.sender == PORTAL
    assert stored.content.sender_name == "SEVP Portal"
    assert stored.to == (student,)
    assert stored.cc == ("dso@school.edu",)
    assert stored.envelope_sender == PORTAL
    assert stored.envelope_recipients == (student,)
    assert stored.text == (
        "Dear Maria,\nreset here: https://portal.example/reset-password?token=t0k-3n&x=1.\n"
    )
    assert stored.links == ("https://portal.example/reset-password?token=t0k-3n&x=1",)
    assert stored.link_parameter("token") == "t0k-3n"
    assert stored.link_parameter("token", path="/register") is None
    assert stored.links_to("/reset-password") == stored.links


def test_links_are_found_in_text_and_html_once_each() -> None:
    raw = (
        b"From: a@b.cd\r\nTo: c@d.ef\r\nSubject: s\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/alternative; boundary="B"\r\n\r\n'
        b"--B\r\nContent-Type: text/plain\r\n\r\n"
        b"Register (https://p.example/register?token=abc) or see http://p.example/help,\r\n"
        b"--B\r\nContent-Type: text/html\r\n\r\n"
        b'<a href="https://p.example/register?token=abc&amp;lang=en">go</a>'
        b" https://p.example/register?token=abc\r\n"
        b"--B--\r\n"
    )
    content = parse_message(raw)

    assert content.links == (
        "https://p.example/register?token=abc",
        "http://p.example/help",
        "https://p.example/register?token=abc&lang=en",
    )
    assert content.html is not None and "<a href" in content.html


def test_query_parameter_reads_one_parameter() -> None:
    link = "https://p.example/register?token=a%2Bb&token=second&empty="
    assert query_parameter(link, "token") == "a+b"
    assert query_parameter(link, "empty") == ""
    assert query_parameter(link, "missing") is None


def test_a_message_without_id_gets_a_repeatable_one(
    clock: SimulatedClock, compose: Compose, student: str
) -> None:
    ids = []
    for _ in range(2):
        store = MailStore(clock)
        store.create_mailbox(student)
        deliver(store, compose())
        deliver(store, compose())
        ids.append([m.message_id for m in store.messages()])
    assert ids[0] == ids[1] == ["<1@mail-simulator.invalid>", "<2@mail-simulator.invalid>"]


def test_unparseable_bytes_are_refused_and_nothing_is_stored(
    store: MailStore, monkeypatch: pytest.MonkeyPatch, student: str
) -> None:
    def crash(raw: bytes) -> None:
        raise IndexError("a known email package crash")

    monkeypatch.setattr("simulators.mail.models._parse_bytes", crash)
    with pytest.raises(MalformedMessage, match="cannot be parsed"):
        deliver_message(store, envelope_sender=PORTAL, recipients=[student], raw=b"x")
    assert store.count() == 0


def test_stored_messages_are_frozen_and_say_what_they_are(
    store: MailStore, compose: Compose
) -> None:
    deliver(store, compose(subject="Account reset"))
    (stored,) = store.messages()

    with pytest.raises(AttributeError):
        stored.subject = "changed"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        stored.folder = Folder.JUNK  # type: ignore[misc]
    assert repr(stored) == (
        "StoredMessage('<1@mail-simulator.invalid>', to='maria.lopez@example.edu', "
        "folder=Inbox, from='do-not-reply.SEVP@ice.dhs.gov', subject='Account reset', "
        "received_at=2026-01-05T09:00:00+00:00)"
    )


# Size limit and temporary failures


def test_a_message_over_the_limit_is_refused(
    clock: SimulatedClock, compose: Compose, student: str
) -> None:
    store = MailStore(clock, max_message_bytes=2_000)
    store.create_mailbox(student)

    with pytest.raises(MessageTooLarge) as refused:
        deliver(store, compose(body="x" * 2_000))
    deliver(store, compose(body="short"))

    assert refused.value.code == 552
    assert [m.text for m in store.messages()] == ["short\n"]


def test_temporary_failures_for_the_next_messages_only(store: MailStore, compose: Compose) -> None:
    store.fail_temporarily(next_messages=2)

    for _ in range(2):
        with pytest.raises(TemporaryFailure) as deferred:
            deliver(store, compose())
        assert deferred.value.smtp_reply.startswith("451 4.3.0 ")
    deliver(store, compose())

    assert store.count() == 1
    assert not store.failing_temporarily


def test_temporary_failures_until_cleared(store: MailStore, compose: Compose) -> None:
    store.fail_temporarily()
    for _ in range(3):
        with pytest.raises(TemporaryFailure):
            deliver(store, compose())
    assert store.failing_temporarily and store.count() == 0

    store.clear_temporary_failures()
    deliver(store, compose())
    assert store.count() == 1


def test_a_temporary_failure_switch_needs_a_positive_count(store: MailStore) -> None:
    with pytest.raises(ValueError):
        store.fail_temporarily(0)


# Queries


def test_queries_by_recipient_subject_folder_and_time(
    store: MailStore, compose: Compose, clock: SimulatedClock, student: str
) -> None:
    store.create_mailbox("dso@school.edu")
    store.route_to_junk("dso@school.edu", subject_pattern="locked")
    deliver(store, compose(subject="Account reset"))
    clock.advance(timedelta(days=1))
    second_day = clock.now()
    deliver(store, compose(to="dso@school.edu", subject="SEVP Portal account locked"))
    clock.advance(timedelta(days=1))
    deliver(store, compose(subject="SEVP Portal password reset"))

    assert [m.subject for m in store.messages(recipient=student.upper())] == [
        "Account reset",
        "SEVP Portal password reset",
    ]
    assert store.count(subject="Account reset") == 1
    assert store.count(subject="reset") == 0
    assert store.count(subject_contains="reset") == 2
    assert store.count(folder=Folder.JUNK) == 1
    assert [m.received_at for m in store.messages(since=second_day)] == [
        second_day,
        second_day + timedelta(days=1),
    ]
    assert store.count(recipient=student, since=second_day, subject_contains="password") == 1
    assert store.count(recipient="nobody@example.edu") == 0


def test_received_time_comes_from_the_injected_clock(
    store: MailStore, compose: Compose, clock: SimulatedClock
) -> None:
    clock.advance(timedelta(days=14))
    deliver(store, compose())
    assert store.messages()[0].received_at == clock.now()


def test_clear_forgets_mail_but_keeps_mailboxes_and_rules(
    store: MailStore, compose: Compose, student: str
) -> None:
    store.route_to_junk(student, sender=PORTAL)
    deliver(store, compose())
    with pytest.raises(NoRecipientAccepted):
        deliver(store, compose(to="nobody@example.edu"))

    store.clear()

    assert store.count() == 0 and store.bounces() == ()
    deliver(store, compose())
    assert len(store.junk(student)) == 1


def test_reset_forgets_everything(store: MailStore, compose: Compose, student: str) -> None:
    store.route_to_junk(student, sender=PORTAL)
    store.fail_temporarily()

    store.reset()

    assert store.mailboxes() == () and not store.failing_temporarily
    store.create_mailbox(student)
    deliver(store, compose())
    assert len(store.inbox(student)) == 1


def test_wait_for_messages_sees_mail_from_another_thread(
    store: MailStore, compose: Compose, student: str
) -> None:
    later = threading.Timer(0.05, deliver, args=(store, compose()))
    later.start()
    try:
        found = store.wait_for_messages(5.0, recipient=student)
    finally:
        later.join()
    assert len(found) == 1


def test_wait_for_messages_gives_up_after_its_timeout(store: MailStore, student: str) -> None:
    assert store.wait_for_messages(0.01, recipient=student) == ()


def test_wait_until_ends_when_the_awaited_mail_arrives(
    store: MailStore, compose: Compose, student: str
) -> None:
    later = threading.Timer(0.05, deliver, args=(store, compose()))
    later.start()
    try:
        assert store.wait_until(lambda: len(store.inbox(student)) >= 1, 5.0)
    finally:
        later.join()


def test_wait_until_says_when_it_gave_up(store: MailStore, student: str) -> None:
    assert not store.wait_until(lambda: len(store.inbox(student)) >= 1, 0.01)


def test_deliveries_from_many_threads_are_all_kept(
    store: MailStore, compose: Compose, student: str
) -> None:
    raw = wire_bytes(compose())

    def deliver_many() -> None:
        for _ in range(50):
            deliver_message(store, envelope_sender=PORTAL, recipients=[student], raw=raw)

    threads = [threading.Thread(target=deliver_many) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert store.count() == 200
    assert len({m.message_id for m in store.messages()}) == 200


@settings(max_examples=150, deadline=None)
@given(raw=st.binary(max_size=600) | st.text(max_size=300).map(lambda t: t.encode("utf-8")))
def test_any_bytes_parse_or_are_refused_as_malformed(raw: bytes) -> None:
    try:
        content = parse_message(raw)
    except MalformedMessage:
        return
    assert content.raw == raw
    assert all(link.lower().startswith(("http://", "https://")) for link in content.links)


def test_a_closed_mailbox_bounces_new_mail_and_keeps_what_it_had() -> None:
    from email.message import EmailMessage

    from simulators.common.clock import SimulatedClock
    from simulators.common.seams import MailNotSent
    from simulators.mail import InMemoryMailer, MailStore

    store = MailStore(SimulatedClock())
    store.create_mailbox("grad@school.example.edu")
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = (
        "a@b.example",
        "grad@school.example.edu",
        "hi",
    )
    message.set_content("before")
    InMemoryMailer(store).send(message)
    store.close_mailbox("GRAD@school.example.edu")
    with pytest.raises(MailNotSent):
        InMemoryMailer(store).send(message)
    assert store.count(recipient="grad@school.example.edu") == 1
    assert not store.has_mailbox("grad@school.example.edu")
    assert store.bounces(recipient="grad@school.example.edu")
