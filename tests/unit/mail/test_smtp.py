"""The real SMTP server over loopback with smtplib, and the SmtpMailer client."""

from __future__ import annotations

import smtplib
import socket
from collections.abc import Callable, Iterator
from email.message import EmailMessage

import pytest

from simulators.common.clock import SimulatedClock
from simulators.common.notices import PORTAL_SENDER
from simulators.common.seams import Mailer, MailNotSent
from simulators.mail import (
    LOOPBACK,
    Folder,
    InMemoryMailer,
    MailStore,
    SmtpMailer,
    SmtpServer,
)
from simulators.mail import smtp as smtp_module

Compose = Callable[..., EmailMessage]


@pytest.fixture
def server(store: MailStore) -> Iterator[SmtpServer]:
    with SmtpServer(store, ready_timeout=5.0, stop_timeout=5.0) as running:
        yield running


@pytest.fixture
def client(server: SmtpServer) -> Iterator[smtplib.SMTP]:
    with smtplib.SMTP(server.host, server.port, local_hostname="localhost", timeout=5) as smtp:
        yield smtp


def test_a_plain_message_is_delivered(
    client: smtplib.SMTP, store: MailStore, compose: Compose, student: str
) -> None:
    message = compose(
        subject="Account reset",
        body="Reset: https://portal.example/reset-password?token=abc123\n",
    )

    refused = client.send_message(message)

    assert refused == {}
    (stored,) = store.inbox(student)
    assert stored.subject == "Account reset"
    assert stored.envelope_sender == PORTAL_SENDER
    assert stored.envelope_recipients == (student,)
    assert stored.text == "Reset: https://portal.example/reset-password?token=abc123\n"
    assert stored.link_parameter("token") == "abc123"


def test_smtp_and_in_memory_deliveries_file_the_same_record(
    client: smtplib.SMTP, store: MailStore, compose: Compose, student: str
) -> None:
    store.create_mailbox("dso@school.edu")
    store.route_to_junk(student, subject_pattern="reset")
    message = compose(message_id="<same@portal.example>", cc="dso@school.edu")

    client.send_message(message)
    InMemoryMailer(store).send(message)

    over_smtp, in_memory = store.messages()[:2], store.messages()[2:]
    assert over_smtp == in_memory
    assert [m.folder for m in over_smtp] == [Folder.JUNK, Folder.INBOX]


def test_a_malformed_command_gets_a_5xx_and_the_server_keeps_working(
    client: smtplib.SMTP, store: MailStore, compose: Compose
) -> None:
    client.ehlo()
    replies = [
        client.docmd("NONSENSE"),
        client.docmd("MAIL", "FROM:not-an-address>"),
        client.docmd("RCPT", "TO:<maria.lopez@example.edu>"),  # before a valid MAIL
        client.docmd("DATA"),  # before any recipient
        client.docmd("HELO"),  # without a domain
    ]

    assert all(500 <= code < 600 for code, _ in replies), replies
    assert store.count() == 0 and store.bounces() == ()
    assert client.send_message(compose()) == {}
    assert store.count() == 1


def test_garbage_bytes_do_not_crash_the_server(
    server: SmtpServer, store: MailStore, compose: Compose
) -> None:
    with socket.create_connection((server.host, server.port), timeout=5) as raw:
        raw.recv(1024)  # the greeting
        raw.sendall(b"\xff\xfe\x00\x01 binary junk\r\n" + b"A" * 2000 + b"\r\nQUIT\r\n")
        answer = raw.recv(4096)
    assert answer[:1] == b"5"

    SmtpMailer(server.host, server.port, timeout=5).send(compose())
    assert store.count() == 1


@pytest.mark.parametrize(
    ("greeting", "refusal"),
    [("ehlo", smtplib.SMTPSenderRefused), ("helo", smtplib.SMTPDataError)],
)
def test_an_oversized_message_is_refused_with_552_and_not_stored(
    clock: SimulatedClock,
    compose: Compose,
    student: str,
    greeting: str,
    refusal: type[smtplib.SMTPResponseException],
) -> None:
    """After EHLO the client declares the size and is refused at MAIL; after HELO it
    cannot, and the refusal comes after DATA. Either way: 552, nothing stored."""
    store = MailStore(clock, max_message_bytes=4_000)
    store.create_mailbox(student)

    with (
        SmtpServer(store) as server,
        smtplib.SMTP(server.host, server.port, local_hostname="localhost", timeout=5) as smtp,
    ):
        getattr(smtp, greeting)()
        with pytest.raises(refusal) as refused:
            smtp.send_message(compose(body="x" * 5_000 + "\n"))
        assert refused.value.smtp_code == 552
        assert store.count() == 0

        SmtpMailer(server.host, server.port, timeout=5).send(compose(body="fits\n"))
    assert [m.text for m in store.messages()] == ["fits\n"]


def test_a_temporary_failure_gives_451_until_cleared(
    client: smtplib.SMTP, store: MailStore, compose: Compose
) -> None:
    store.fail_temporarily()

    for _ in range(2):
        with pytest.raises(smtplib.SMTPDataError) as deferred:
            client.send_message(compose())
        assert deferred.value.smtp_code == 451
    assert store.count() == 0

    store.clear_temporary_failures()
    client.send_message(compose())
    assert store.count() == 1


def test_a_temporary_failure_for_one_message_only(
    client: smtplib.SMTP, store: MailStore, compose: Compose
) -> None:
    store.fail_temporarily(next_messages=1)

    with pytest.raises(smtplib.SMTPDataError) as deferred:
        client.send_message(compose())
    client.send_message(compose())

    assert deferred.value.smtp_code == 451
    assert store.count() == 1


def test_an_unknown_recipient_gets_550_and_a_bounce(
    client: smtplib.SMTP, store: MailStore, compose: Compose, clock: SimulatedClock
) -> None:
    with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
        client.send_message(compose(to="stranger@example.edu"))

    (code, _), *_ = refused.value.recipients.values()
    assert code == 550
    (bounce,) = store.bounces()
    assert (bounce.recipient, bounce.code, bounce.at) == ("stranger@example.edu", 550, clock.now())
    assert bounce.envelope_sender == PORTAL_SENDER
    assert bounce.subject is None  # refused at RCPT, before the message was sent
    assert store.count() == 0


def test_a_bounced_recipient_does_not_stop_the_others(
    client: smtplib.SMTP, store: MailStore, compose: Compose, student: str
) -> None:
    refused = client.send_message(compose(to=[student, "stranger@example.edu"]))

    assert list(refused) == ["stranger@example.edu"]
    assert [m.mailbox for m in store.messages()] == [student]
    assert [b.recipient for b in store.bounces()] == ["stranger@example.edu"]


def test_an_invalid_recipient_gets_550(client: smtplib.SMTP, store: MailStore) -> None:
    client.ehlo()
    client.mail(PORTAL_SENDER)
    code, _ = client.rcpt("<nobody-at-example.edu>")
    assert code == 550
    assert [b.recipient for b in store.bounces()] == ["nobody-at-example.edu"]


def test_the_server_listens_on_loopback_and_two_servers_get_two_ports(
    store: MailStore,
) -> None:
    with SmtpServer(store) as first, SmtpServer(store) as second:
        assert first.host == second.host == LOOPBACK == "127.0.0.1"
        assert first.port != second.port
        for server in (first, second):
            with socket.create_connection((LOOPBACK, server.port), timeout=5) as connection:
                assert connection.getpeername() == (LOOPBACK, server.port)
                assert connection.recv(1024).startswith(b"220 ")


def test_stop_releases_the_port(store: MailStore) -> None:
    server = SmtpServer(store).start()
    port = server.port
    assert _can_listen_on(port) is False

    server.stop()

    assert _can_listen_on(port) is True
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection((LOOPBACK, port), timeout=5).close()
    server.stop()  # a second stop is harmless


def test_a_stopped_server_can_start_again(store: MailStore, compose: Compose) -> None:
    server = SmtpServer(store)
    with server:
        pass
    with server:
        SmtpMailer(server.host, server.port, timeout=5).send(compose())
    assert store.count() == 1 and not server.running


def test_a_taken_port_is_retried(store: MailStore, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another process may take the picked port before the server binds it."""
    with socket.socket() as taken:
        taken.bind((LOOPBACK, 0))
        taken.listen()
        taken_port = taken.getsockname()[1]
        picks = iter([taken_port])
        pick_free_port = smtp_module._free_loopback_port
        monkeypatch.setattr(
            smtp_module, "_free_loopback_port", lambda: next(picks, None) or pick_free_port()
        )
        with SmtpServer(store, ready_timeout=0.5) as server:
            assert server.port != taken_port
            assert server.running


def test_smtp_mailer_sends_through_the_server(
    server: SmtpServer, store: MailStore, compose: Compose, student: str
) -> None:
    mailer: Mailer = SmtpMailer(server.host, server.port, timeout=5)
    mailer.send(compose(subject="Account reset"))
    assert [m.subject for m in store.inbox(student)] == ["Account reset"]


@pytest.mark.parametrize(
    ("prepare", "expected"),
    [
        (lambda store: store.fail_temporarily(), "451"),
        (lambda store: None, "550"),  # the message goes to an unknown mailbox
    ],
    ids=["temporary-failure", "unknown-recipient"],
)
def test_smtp_mailer_turns_refusals_into_mail_not_sent(
    server: SmtpServer,
    store: MailStore,
    compose: Compose,
    prepare: Callable[[MailStore], None],
    expected: str,
) -> None:
    prepare(store)
    to = "stranger@example.edu" if expected == "550" else "maria.lopez@example.edu"
    with pytest.raises(MailNotSent, match=expected):
        SmtpMailer(server.host, server.port, timeout=5).send(compose(to=to))
    assert store.count() == 0


def test_smtp_mailer_reports_a_missing_server(compose: Compose) -> None:
    with socket.socket() as probe:
        probe.bind((LOOPBACK, 0))
        port = probe.getsockname()[1]
    with pytest.raises(MailNotSent, match="no SMTP conversation"):
        SmtpMailer(LOOPBACK, port, timeout=2).send(compose())


def test_smtp_mailer_times_out_on_a_silent_server(compose: Compose) -> None:
    with socket.socket() as silent:  # accepts connections, never greets
        silent.bind((LOOPBACK, 0))
        silent.listen()
        with pytest.raises(MailNotSent, match="timed out"):
            SmtpMailer(LOOPBACK, silent.getsockname()[1], timeout=0.2).send(compose())


def _can_listen_on(port: int) -> bool:
    with socket.socket() as probe:
        # SO_REUSEADDR ignores connections left in TIME_WAIT, not a live listener.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((LOOPBACK, port))
            probe.listen()
        except OSError:
            return False
        return True
