"""Why the fake mail server refuses a recipient or a message, each with its SMTP reply.

MailError                  base; ``code`` and ``status`` are the SMTP reply
├── InvalidAddress         550 5.1.3  not a well-formed address
├── UnknownMailbox         550 5.1.1  no such mailbox
├── NoRecipientAccepted    554 5.5.0  every recipient bounced
├── MessageTooLarge        552 5.3.4  over the store's size limit
├── MalformedMessage       554 5.6.0  the message cannot be parsed
├── TemporaryFailure       451 4.3.0  the server was told to defer mail
└── NoSuchMessage          the mail viewer was asked for a message the store does not hold
"""

from __future__ import annotations


class MailError(Exception):
    """A refusal the SMTP server answers with ``code`` and the in-memory mailer reports."""

    code: int = 554
    status: str = "5.0.0"

    @property
    def reason(self) -> str:
        return str(self)

    @property
    def smtp_reply(self) -> str:
        """The reply line an SMTP server sends for this refusal (one line, whatever the reason)."""
        reason = " ".join(self.reason.split())
        return f"{self.code} {self.status} {reason}"

    @property
    def is_temporary(self) -> bool:
        return 400 <= self.code < 500


class InvalidAddress(MailError):
    code = 550
    status = "5.1.3"


class UnknownMailbox(MailError):
    code = 550
    status = "5.1.1"


class NoRecipientAccepted(MailError):
    code = 554
    status = "5.5.0"


class MessageTooLarge(MailError):
    code = 552
    status = "5.3.4"


class MalformedMessage(MailError):
    code = 554
    status = "5.6.0"


class TemporaryFailure(MailError):
    code = 451
    status = "4.3.0"


class NoSuchMessage(MailError):
    """Not an SMTP refusal: a lookup by number (the mail viewer's 404)."""

    code = 550
    status = "5.1.0"
