"""The mail simulator's read-only HTTP adapter (the mail viewer): messages filtered by
recipient, subject and folder, one message with its headers, text and links, and the
bounces. Every query is one ``MailStore`` call; bad input is a problem+json 4xx.

    GET /messages[?recipient=&subject=&subject_contains=&folder=inbox|junk&since=]
    GET /messages/{number}
    GET /bounces[?recipient=]
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from simulators.common.adapter import (
    LoopbackHostOnly,
    http_exception_problem,
    json_response,
    problem_response,
    query,
    query_datetime,
)
from simulators.common.wire import (
    WireCode,
    WireError,
    problem,
    wire_error_problem,
    wire_problem,
)
from simulators.mail.errors import NoSuchMessage
from simulators.mail.models import Bounce, Folder, MailStore, StoredMessage

log = logging.getLogger(__name__)

#: The problem code of a message number the store does not hold.
MESSAGE_NOT_FOUND = "message-not-found"
_MESSAGE_FILTERS = ("recipient", "subject", "subject_contains", "folder", "since")


@dataclass(frozen=True)
class MessageSummary:
    """One line of the message list; ``number`` names it in ``GET /messages/{number}``."""

    number: int
    mailbox: str
    folder: Folder
    received_at: datetime
    message_id: str
    sender: str
    to: tuple[str, ...]
    subject: str

    @classmethod
    def of(cls, message: StoredMessage) -> MessageSummary:
        return cls(
            number=message.number,
            mailbox=message.mailbox,
            folder=message.folder,
            received_at=message.received_at,
            message_id=message.message_id,
            sender=message.sender,
            to=message.to,
            subject=message.subject,
        )


@dataclass(frozen=True)
class MessageDetail:
    """One message as its recipient would read it, with the envelope it came in."""

    number: int
    mailbox: str
    folder: Folder
    received_at: datetime
    message_id: str
    envelope_sender: str
    envelope_recipients: tuple[str, ...]
    headers: tuple[tuple[str, str], ...]
    subject: str
    text: str
    html: str | None
    links: tuple[str, ...]

    @classmethod
    def of(cls, message: StoredMessage) -> MessageDetail:
        parsed = message.content.as_email()
        return cls(
            number=message.number,
            mailbox=message.mailbox,
            folder=message.folder,
            received_at=message.received_at,
            message_id=message.message_id,
            envelope_sender=message.envelope_sender,
            envelope_recipients=message.envelope_recipients,
            headers=tuple((name, str(value)) for name, value in parsed.items()),
            subject=message.subject,
            text=message.text,
            html=message.content.html,
            links=message.links,
        )


_Handler = Callable[[Request], Awaitable[Response]]


def create_app(store: MailStore) -> Starlette:
    """The mail viewer over ``store`` (read-only: nothing here changes the store)."""

    async def list_messages(request: Request) -> Response:
        values = query(request, _MESSAGE_FILTERS)
        folder = _folder(values["folder"]) if "folder" in values else None
        found = store.messages(
            recipient=values.get("recipient"),
            subject=values.get("subject"),
            subject_contains=values.get("subject_contains"),
            folder=folder,
            since=query_datetime(values, "since"),
        )
        return json_response([MessageSummary.of(message) for message in found])

    async def one_message(request: Request) -> Response:
        query(request, ())
        return json_response(MessageDetail.of(store.message(request.path_params["number"])))

    async def list_bounces(request: Request) -> Response:
        values = query(request, ("recipient",))
        found: tuple[Bounce, ...] = store.bounces(recipient=values.get("recipient"))
        return json_response(list(found))

    return Starlette(
        routes=[
            Route("/messages", _guarded(list_messages), methods=["GET"]),
            Route("/messages/{number:int}", _guarded(one_message), methods=["GET"]),
            Route("/bounces", _guarded(list_bounces), methods=["GET"]),
        ],
        middleware=[Middleware(LoopbackHostOnly)],
        exception_handlers={HTTPException: http_exception_problem},
    )


def _folder(text: str) -> Folder:
    """``inbox`` or ``junk``, in any case (the folder names as a mail client shows them)."""
    by_name = {folder.value.lower(): folder for folder in Folder}
    try:
        return by_name[text.lower()]
    except KeyError:
        raise WireError("folder", f"expected inbox or junk, got {text!r}") from None


def _guarded(handler: _Handler) -> _Handler:
    async def guarded(request: Request) -> Response:
        try:
            return await handler(request)
        except NoSuchMessage as missing:
            return problem_response(
                problem(404, MESSAGE_NOT_FOUND, missing.reason, title="No such message")
            )
        except WireError as error:
            return problem_response(wire_error_problem(error))
        except Exception:
            log.exception("unexpected error on %s %s", request.method, request.url.path)
            return problem_response(
                wire_problem(WireCode.INTERNAL_ERROR, "the mail viewer failed unexpectedly")
            )

    return guarded


__all__ = ["MESSAGE_NOT_FOUND", "MessageDetail", "MessageSummary", "create_app"]
