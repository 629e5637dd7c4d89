"""The mail simulator's public face: what a harness author may import, and nothing else."""

from __future__ import annotations

import simulators.mail as mail


def test_the_exported_names_are_the_public_api() -> None:
    assert set(mail.__all__) == {
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
    }
    assert all(hasattr(mail, name) for name in mail.__all__)


def test_every_refusal_is_a_mail_error_with_an_smtp_code() -> None:
    refusals = {
        mail.InvalidAddress: 550,
        mail.UnknownMailbox: 550,
        mail.NoRecipientAccepted: 554,
        mail.MessageTooLarge: 552,
        mail.MalformedMessage: 554,
        mail.TemporaryFailure: 451,
    }
    for refusal, code in refusals.items():
        assert issubclass(refusal, mail.MailError)
        assert refusal("why").smtp_reply.startswith(f"{code} ")
    assert mail.TemporaryFailure("x").is_temporary
    assert not mail.UnknownMailbox("x").is_temporary
    assert mail.UnknownMailbox("two\r\nlines").smtp_reply == "550 5.1.1 two lines"
