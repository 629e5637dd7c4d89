"""Fixtures of the mail simulator's tests: a student's mailbox in a store on a simulated
clock, and a composer of portal-like notices."""

from __future__ import annotations

from collections.abc import Callable
from email.message import EmailMessage

import pytest

from simulators.common.clock import SimulatedClock
from simulators.common.notices import PORTAL_SENDER
from simulators.mail import MailStore

Compose = Callable[..., EmailMessage]


@pytest.fixture
def clock() -> SimulatedClock:
    return SimulatedClock()


@pytest.fixture
def student() -> str:
    """The address of the student whose mailbox the store starts with."""
    return "maria.lopez@example.edu"


@pytest.fixture
def store(clock: SimulatedClock, student: str) -> MailStore:
    mail = MailStore(clock)
    mail.create_mailbox(student)
    return mail


@pytest.fixture
def compose(student: str) -> Compose:
    def compose_notice(
        *,
        to: str | list[str] = student,
        subject: str = "Account reset",
        body: str = "Hello Maria.\n",
        sender: str = PORTAL_SENDER,
        cc: str | None = None,
        bcc: str | None = None,
        message_id: str | None = None,
    ) -> EmailMessage:
        message = EmailMessage()
        message["From"] = sender
        message["To"] = to if isinstance(to, str) else ", ".join(to)
        if cc:
            message["Cc"] = cc
        if bcc:
            message["Bcc"] = bcc
        if message_id:
            message["Message-ID"] = message_id
        message["Subject"] = subject
        message.set_content(body)
        return message

    return compose_notice
