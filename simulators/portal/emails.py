"""Composes the portal's notice emails from the catalog (FAQ 1): sender, recipient and subject
come from the notice; the plain-text body carries every item the notice must carry."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from email import charset
from email.header import Header
from email.message import Message
from email.utils import format_datetime, make_msgid
from typing import TypeVar

from simulators.common.domain import OptType
from simulators.common.notices import (
    LINK_PATHS,
    REPORTING_REMINDER_TEXT,
    BodyItem,
    Notice,
    NoticeId,
)

_T = TypeVar("_T")

#: The opening sentence of each notice; the items the catalog requires follow it.
_OPENINGS: dict[NoticeId, str] = {
    NoticeId.ACCOUNT_CREATION: "Your Optional Practical Training (OPT) request has been approved. "
    "The next step is to create your SEVP Portal account.",
    NoticeId.ACCOUNT_RESET: "Your Designated School Official reset your SEVP Portal account. "
    "Use the link below to choose a new password.",
    NoticeId.PASSWORD_RESET: "We received a request to reset your SEVP Portal password. "
    "If you did not ask for it, you can ignore this email.",
    NoticeId.ACCOUNT_LOCKED: "Your SEVP Portal account is locked. Use the password reset "
    "button on the SEVP Portal home page to unlock it, or contact your DSO.",
    NoticeId.OPT_ENDED: "Your Optional Practical Training has ended.",
    NoticeId.ACCESS_CLOSING: "Your access to the SEVP Portal closes in 30 days.",
    NoticeId.ACCESS_CLOSED: "Your access to the SEVP Portal has closed.",
}


@dataclass(frozen=True)
class NoticeFacts:
    """What a notice body can name. The token lives only here and in the sent message."""

    to: str
    full_name: str
    opt_type: OptType | None = None
    token: str | None = field(default=None, repr=False)
    link_valid_until: str = ""
    closure_date: date | None = None


def link(base_url: str, item: BodyItem, token: str) -> str:
    """The link a body carries: the portal's page for ``item`` with the token as parameter."""
    return f"{base_url.rstrip('/')}{LINK_PATHS[item]}?token={token}"


#: UTF-8 text in quoted-printable, so the body stays readable on the wire.
_UTF8_QP = charset.Charset("utf-8")
_UTF8_QP.body_encoding = charset.QP


def compose_notice(
    notice: Notice, facts: NoticeFacts, *, base_url: str, sent_at: datetime
) -> Message:
    """One email to the student alone: no copies, no DSO, no SRC (FAQ 1).

    Built with the classic ``Message`` (text/plain in UTF-8, quoted-printable, RFC 2047
    subjects) at a fifteenth of the cost of ``EmailMessage``, whose header registry parses
    every value it is handed: a fuzz run sends thousands of notices."""
    message = Message()
    message.set_payload(_body(notice, facts, base_url), _UTF8_QP)  # text/plain, MIME 1.0
    message["From"] = notice.sender
    message["To"] = facts.to
    subject = notice.subject
    message["Subject"] = (
        subject if subject.isascii() else Header(subject, "utf-8", header_name="Subject").encode()
    )
    message["Date"] = format_datetime(sent_at)
    message["Message-ID"] = make_msgid(domain=_domain(base_url))
    return message


def _body(notice: Notice, facts: NoticeFacts, base_url: str) -> str:
    lines = [f"Dear {facts.full_name},", ""]
    opening = _OPENINGS.get(notice.notice_id)
    if opening:
        lines += [opening, ""]
    for item in notice.must_carry:
        if item is BodyItem.STUDENT_NAME:
            continue  # the greeting names the student
        lines += [_render(item, facts, base_url), ""]
    lines += ["This is an automated message; do not reply to it."]
    return "\n".join(lines) + "\n"


def _render(item: BodyItem, facts: NoticeFacts, base_url: str) -> str:
    if item is BodyItem.OPT_TYPE:
        return f"Type of OPT: {_required(facts.opt_type, item).label}"
    if item is BodyItem.REPORTING_REMINDER:
        return REPORTING_REMINDER_TEXT
    if item is BodyItem.REGISTRATION_LINK:
        url = link(base_url, item, _required(facts.token, item))
        return f"Create your SEVP Portal account: {url}\n{_validity(facts)}"
    if item is BodyItem.RESET_LINK:
        url = link(base_url, item, _required(facts.token, item))
        return f"Reset your SEVP Portal password: {url}\n{_validity(facts)}"
    if item is BodyItem.CLOSURE_DATE:
        closes = _required(facts.closure_date, item)
        return (
            f"Your SEVP Portal access closes on {closes:%B} {closes.day}, {closes.year} "
            f"({closes.isoformat()})."
        )
    raise ValueError(f"the portal cannot render {item!r}")


def _validity(facts: NoticeFacts) -> str:
    text = "The link works once."
    if facts.link_valid_until:
        text = f"The link works once, until {facts.link_valid_until}."
    return text


def _required(value: _T | None, item: BodyItem) -> _T:
    if value is None:
        raise ValueError(f"the notice must carry {item.value}, but it was not given")
    return value


def _domain(base_url: str) -> str:
    host = base_url.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
    return host or "portal.invalid"
