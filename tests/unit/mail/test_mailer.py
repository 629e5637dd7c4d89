"""The in-memory Mailer: a portal's EmailMessage reaches the store through the same
delivery code as SMTP, and every refusal is a MailNotSent."""

from __future__ import annotations

from collections.abc import Callable
from email.message import EmailMessage

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from simulators.common.clock import SimulatedClock
from simulators.common.notices import DEFAULT_CATALOG, PORTAL_SENDER, NoticeId
from simulators.common.seams import Mailer, MailNotSent
from simulators.mail import InMemoryMailer, MailStore, MessageTooLarge, TemporaryFailure

Compose = Callable[..., EmailMessage]


def test_an_account_creation_email_round_trips(
    store: MailStore, compose: Compose, student: str, clock: SimulatedClock
) -> None:
    subject = DEFAULT_CATALOG.subject(NoticeId.ACCOUNT_CREATION)
    message = compose(
        subject=subject,
        body="Dear Maria Lopez,\nYour Post-completion OPT was approved.\n"
        "Create your account: https://portal.example/register?token=Zx9-q_1\n",
    )

    mailer: Mailer = InMemoryMailer(store)  # mypy holds it to the seam's protocol
    mailer.send(message)

    (stored,) = store.inbox(student)
    assert stored.subject == subject
    assert stored.sender == PORTAL_SENDER
    assert stored.envelope_sender == PORTAL_SENDER
    assert stored.received_at == clock.now()
    assert stored.link_parameter("token", path="/register") == "Zx9-q_1"
    assert "Post-completion OPT" in stored.text


def test_the_mailer_refuses_when_no_recipient_accepts(store: MailStore, compose: Compose) -> None:
    with pytest.raises(MailNotSent, match=r"550 no mailbox for nobody@example\.edu"):
        InMemoryMailer(store).send(compose(to="nobody@example.edu"))
    assert [b.recipient for b in store.bounces()] == ["nobody@example.edu"]
    assert store.bounces()[0].subject == "Account reset"


def test_the_mailer_delivers_when_some_recipients_accept(
    store: MailStore, compose: Compose, student: str
) -> None:
    InMemoryMailer(store).send(compose(to=[student, "nobody@example.edu"]))
    assert store.count(recipient=student) == 1
    assert len(store.bounces()) == 1


def test_cc_and_bcc_are_delivered_but_bcc_is_not_shown(
    store: MailStore, compose: Compose, student: str
) -> None:
    store.create_mailbox("cc@school.edu")
    store.create_mailbox("hidden@school.edu")
    message = compose(cc="cc@school.edu", bcc="hidden@school.edu")

    InMemoryMailer(store).send(message)

    assert [m.mailbox for m in store.messages()] == [student, "cc@school.edu", "hidden@school.edu"]
    hidden = store.messages(recipient="hidden@school.edu")[0]
    assert hidden.content.as_email()["Bcc"] is None
    assert message["Bcc"] == "hidden@school.edu"  # the caller's message is left alone


def test_the_mailer_reports_temporary_failures_and_size(
    clock: SimulatedClock, compose: Compose, student: str
) -> None:
    store = MailStore(clock, max_message_bytes=1_000)
    store.create_mailbox(student)
    mailer = InMemoryMailer(store)

    store.fail_temporarily(1)
    with pytest.raises(MailNotSent, match=r"^451 ") as deferred:
        mailer.send(compose())
    assert isinstance(deferred.value.__cause__, TemporaryFailure)
    with pytest.raises(MailNotSent, match=r"^552 ") as too_large:
        mailer.send(compose(body="x" * 1_000))
    assert isinstance(too_large.value.__cause__, MessageTooLarge)
    mailer.send(compose())

    assert store.count() == 1


def test_a_message_without_recipients_is_not_sent(store: MailStore) -> None:
    message = EmailMessage()
    message["From"] = PORTAL_SENDER
    message["Subject"] = "nobody"
    message.set_content("text")
    with pytest.raises(MailNotSent, match="no recipient"):
        InMemoryMailer(store).send(message)


# Text a header or body may carry: no surrogates (unencodable), and none of the
# characters str.splitlines() breaks on, which set_content turns into line ends.
# Not covered: a subject holding a literal RFC 2047 encoded word ("=?utf-8?q?x?="),
# which any reader decodes; the email package cannot tell it from an encoded one.
_LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_SAFE_TEXT = st.characters(exclude_categories=["Cs"], exclude_characters=_LINE_BREAKS)


@settings(max_examples=60, deadline=None)
@given(
    subject=st.text(_SAFE_TEXT, max_size=120).map(str.strip),
    lines=st.lists(st.text(_SAFE_TEXT, max_size=80), min_size=1, max_size=8),
)
@example(subject="Optional  Practical\tTraining \u2013 é 名前", lines=["  indented", "."])
@example(subject="x" * 200, lines=["y" * 1200, "From the start", "trailing space "])
def test_any_subject_and_body_round_trip_unchanged(subject: str, lines: list[str]) -> None:
    store = MailStore(SimulatedClock())
    store.create_mailbox("student@example.edu")
    body = "\n".join(lines) + "\n"
    message = EmailMessage()
    message["From"] = PORTAL_SENDER
    message["To"] = "student@example.edu"
    message["Subject"] = subject
    message.set_content(body)

    InMemoryMailer(store).send(message)

    (stored,) = store.messages()
    assert stored.subject == subject
    assert stored.text == body


@settings(max_examples=60, deadline=None)
@given(
    token=st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", min_size=1)
)
def test_any_url_safe_token_is_read_back_from_its_link(token: str) -> None:
    store = MailStore(SimulatedClock())
    store.create_mailbox("student@example.edu")
    message = EmailMessage()
    message["From"] = PORTAL_SENDER
    message["To"] = "student@example.edu"
    message["Subject"] = "Account reset"
    message.set_content(f"Reset: https://portal.example/reset-password?token={token}.\n")

    InMemoryMailer(store).send(message)

    assert store.messages()[0].link_parameter("token", path="/reset-password") == token
