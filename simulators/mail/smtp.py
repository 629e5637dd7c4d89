"""The wire side of the mail simulator: a real SMTP server on loopback (aiosmtpd) that
delivers through the same code as the in-memory mailer, and ``SmtpMailer``, the client."""

from __future__ import annotations

import errno
import logging
import smtplib
import socket
import threading
from email.message import Message
from types import TracebackType
from typing import Any

from aiosmtpd.controller import Controller

from simulators.common.deadline import ConversationDeadline
from simulators.common.domain import SECURITY_LIMITS
from simulators.common.loopback import LOOPBACK
from simulators.common.seams import MailNotSent
from simulators.mail.errors import MailError
from simulators.mail.models import MailStore
from simulators.mail.service import accept_recipient, deliver_message

_log = logging.getLogger(__name__)


class _DeliveryHandler:
    """aiosmtpd hooks; each one calls the service and turns a refusal into its reply."""

    def __init__(self, store: MailStore) -> None:
        self._store = store

    async def handle_RCPT(  # aiosmtpd's hook names
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        try:
            accept_recipient(self._store, address, envelope_sender=_sender_of(envelope))
        except MailError as refusal:
            return refusal.smtp_reply
        envelope.rcpt_tos.append(address)
        self._store.conversation_started(
            id(session), address, "RCPT TO accepted, the message never completed"
        )
        return "250 2.1.5 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self._store.conversation_finished(id(session))
        raw = envelope.original_content
        if raw is None:
            content = envelope.content or b""
            raw = content.encode("utf-8") if isinstance(content, str) else content
        try:
            report = deliver_message(
                self._store,
                envelope_sender=_sender_of(envelope),
                recipients=envelope.rcpt_tos,
                raw=raw,
            )
        except MailError as refusal:
            return refusal.smtp_reply
        return f"250 2.0.0 OK {report.message_id}"


def _sender_of(envelope: Any) -> str:
    # aiosmtpd hands the null reverse-path of "MAIL FROM:<>" over as "<>".
    sender = envelope.mail_from or ""
    return "" if sender == "<>" else str(sender)


class SmtpServer:
    """A real SMTP server on 127.0.0.1 that files mail in ``store``.

    Without a ``port`` it picks a free one (aiosmtpd cannot bind port 0). The size limit
    is the store's (answered 552), idle clients are dropped after ``idle_timeout`` and
    ``stop()`` returns within ``stop_timeout`` even if the server thread hangs.
    """

    host: str = LOOPBACK

    def __init__(
        self,
        store: MailStore,
        *,
        port: int | None = None,
        ready_timeout: float = 5.0,
        stop_timeout: float = 5.0,
        idle_timeout: float = 30.0,
        bind_attempts: int = 5,
    ) -> None:
        self.store = store
        self.port: int = port or 0
        self._fixed_port = port is not None
        self._ready_timeout = ready_timeout
        self._stop_timeout = stop_timeout
        self._idle_timeout = idle_timeout
        self._bind_attempts = max(1, bind_attempts)
        self._controller: Controller | None = None

    def __repr__(self) -> str:
        state = "running" if self.running else "stopped"
        return f"SmtpServer({self.host}:{self.port}, {state})"

    @property
    def running(self) -> bool:
        return self._controller is not None

    def start(self) -> SmtpServer:
        """Listen; retries another free port when one is taken between pick and bind."""
        if self._controller is not None:
            raise RuntimeError(f"{self!r} is already running")
        for attempt in range(1, self._bind_attempts + 1):
            port = self.port if self._fixed_port else _free_loopback_port()
            controller = Controller(
                _DeliveryHandler(self.store),
                hostname=LOOPBACK,
                port=port,
                ready_timeout=self._ready_timeout,
                data_size_limit=self.store.max_message_bytes,
                timeout=self._idle_timeout,
                enable_SMTPUTF8=True,
                ident="SEVP portal harness mail simulator",
            )
            try:
                controller.start()
            except OSError as error:
                _discard(controller, self._stop_timeout)
                if error.errno != errno.EADDRINUSE or self._fixed_port:
                    raise
                if attempt == self._bind_attempts:
                    raise
                _log.info("port %s was taken before the mail simulator bound it; retrying", port)
                continue
            except BaseException:
                _discard(controller, self._stop_timeout)
                raise
            self.port, self._controller = port, controller
            return self
        raise AssertionError("unreachable: the last attempt returns or raises")

    def stop(self) -> None:
        """Stop listening and drop connections; returns within ``stop_timeout`` regardless."""
        controller, self._controller = self._controller, None
        if controller is not None and not _stop_within(controller, self._stop_timeout):
            _log.warning("the mail simulator on port %s did not stop in time", self.port)

    def __enter__(self) -> SmtpServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


def _free_loopback_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((LOOPBACK, 0))
        port: int = probe.getsockname()[1]
        return port


def _stop_within(controller: Controller, timeout: float) -> bool:
    """Stop ``controller``; False if it had not stopped after ``timeout`` seconds."""
    # aiosmtpd joins its thread without a timeout; a hung stop must not hang a run.
    stopper = threading.Thread(
        target=controller.stop, kwargs={"no_assert": True}, name="stop-smtp", daemon=True
    )
    stopper.start()
    stopper.join(timeout)
    return not stopper.is_alive()


def _discard(controller: Controller, timeout: float) -> None:
    """Clean up after a failed start: stop the thread if it runs, close the loop."""
    if _stop_within(controller, timeout) and not controller.loop.is_closed():
        controller.loop.close()


class SmtpMailer:
    """The wire side of the portal -> mail seam: one SMTP conversation per message.

    Every refusal, timeout or connection failure becomes ``MailNotSent``, with the
    server's reply when there was one.
    """

    def __init__(
        self, host: str, port: int, *, timeout: float = 10.0, deadline: float | None = None
    ) -> None:
        self.host = host
        self.port = port
        self.timeout = timeout
        #: The whole conversation's bound: a server that trickles a byte at a time never
        #: trips the per-read ``timeout``, so the socket is shut when this runs out.
        self.deadline = deadline if deadline is not None else SECURITY_LIMITS.peer_deadline_seconds

    def __repr__(self) -> str:
        return f"SmtpMailer({self.host}:{self.port}, timeout={self.timeout})"

    def send(self, message: Message) -> None:
        # local_hostname avoids socket.getfqdn(), a DNS lookup that can stall.
        connection = smtplib.SMTP(local_hostname="localhost", timeout=self.timeout)
        deadline = ConversationDeadline(self.deadline, lambda: getattr(connection, "sock", None))
        try:
            with deadline:
                connection.connect(self.host, self.port)
                connection.send_message(message)
                connection.quit()
        except (smtplib.SMTPException, OSError) as error:
            if deadline.cut:
                raise MailNotSent(
                    f"the SMTP conversation with {self.host}:{self.port} took more than "
                    f"{self.deadline}s"
                ) from error
            raise self._not_sent(error) from error
        finally:
            connection.close()

    def _not_sent(self, error: Exception) -> MailNotSent:
        if isinstance(error, smtplib.SMTPRecipientsRefused):
            replies = "; ".join(
                f"{recipient}: {_reply(code, text)}"
                for recipient, (code, text) in error.recipients.items()
            )
            return MailNotSent(f"every recipient was refused ({replies})")
        if isinstance(error, smtplib.SMTPResponseException):
            return MailNotSent(_reply(error.smtp_code, error.smtp_error))
        # OSError covers refused connections and timeouts (socket.timeout is one).
        return MailNotSent(f"no SMTP conversation with {self.host}:{self.port}: {error!r}")


def _reply(code: int, text: bytes | str) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    return f"{code} {text}"
