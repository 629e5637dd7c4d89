"""Reference variants that read the sources differently, each within what the FAQ and the help
pages allow: the mirror of tests/quality's seeded bugs. The suite must pass every one of them
with only its declaration (its readings in GET /_harness/info, or a portal profile file)."""

from __future__ import annotations

import contextlib
import html
import re
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from email import charset
from email.message import Message
from typing import Any

from starlette.applications import Starlette

from harness.drivers.base import PortalDriver
from harness.drivers.memory import HARNESS_OPTIONS
from harness.targets import HttpSettings, HttpTarget
from simulators.common.clock import Clock
from simulators.common.contract import (
    ErrorCode,
    HistoryEntry,
    HistoryKind,
    PortalError,
    PortalInfo,
)
from simulators.common.domain import PortalSettings
from simulators.common.launch import ChannelSecrets
from simulators.common.notices import REPORTING_REMINDER_TEXT
from simulators.common.readings import NARROW_SPECIAL_CHARACTERS, Readings, parse_readings
from simulators.common.seams import Mailer, StudentChangeSink
from simulators.common.wire import SmtpEndpoint
from simulators.mail.smtp import SmtpMailer
from simulators.portal import PortalService
from simulators.portal.app import create_app
from simulators.portal.models import Account
from simulators.portal.outbound import HttpStudentChangeSink, OutboundWiring
from simulators.portal.server import RestartableClock, ServedReferencePortal
from tests.served import served_reference

_UTF8_QP = charset.Charset("utf-8")
_UTF8_QP.body_encoding = charset.QP


# --- how a variant's mail differs -------------------------------------------------------


def body_of(message: Message) -> str:
    payload = message.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode("utf-8")


def with_body(message: Message, body: str, subtype: str = "plain") -> Message:
    """The same headers, another body (text/plain or text/html, UTF-8)."""
    rebuilt = Message()
    rebuilt.set_payload(body, _UTF8_QP)
    rebuilt.set_type(f"text/{subtype}")
    for name in ("From", "To", "Subject", "Date", "Message-ID"):
        if message[name] is not None:
            rebuilt[name] = message[name]
    return rebuilt


def html_only(message: Message) -> Message:
    """One text/html part and no text/plain: links as anchors, lines as paragraphs."""
    url = re.compile(r"(https?://\S+)")
    anchor = r'<a href="\1">\1</a>'
    paragraphs = []
    for line in body_of(message).splitlines():
        paragraphs.append("<p>" + url.sub(anchor, html.escape(line)) + "</p>")
    return with_body(message, "<html><body>" + "".join(paragraphs) + "</body></html>", "html")


def surname_first(message: Message) -> Message:
    """SEVIS style: "Dear SURNAME, Given,"."""

    def swap(match: re.Match[str]) -> str:
        given, _, surname = match.group(1).rpartition(" ")
        return f"Dear {surname.upper()}, {given},"

    return with_body(message, re.sub(r"^Dear (.+),$", swap, body_of(message), count=1, flags=re.M))


def reworded(message: Message) -> Message:
    """Another wording of the reminder and the features' own spelling of the OPT type."""
    body = body_of(message).replace(
        REPORTING_REMINDER_TEXT,
        "Please update your profile in the SEVP Portal whenever your address, phone number "
        "or employment information changes.",
    )
    return with_body(message, body.replace("Post completion OPT", "POST-COMPLETION opt"))


class VariantMailer:
    """Hands each message, rewritten, to the real mailer; ``delay`` seconds late when queued,
    in order, from a worker thread (as a portal with a mail queue does). The worker ends
    when the queue is empty."""

    def __init__(
        self, inner: Mailer, rewrite: Callable[[Message], Message] | None, delay: float
    ) -> None:
        self.inner, self.rewrite, self.delay = inner, rewrite, delay
        self._queue: deque[tuple[float, Message]] = deque()
        self._lock = threading.Lock()
        self._worker: threading.Thread | None = None

    def send(self, message: Message) -> None:
        if self.rewrite is not None:
            message = self.rewrite(message)
        if self.delay <= 0:
            self.inner.send(message)
            return
        with self._lock:
            self._queue.append((time.monotonic() + self.delay, message))
            if self._worker is None:
                self._worker = threading.Thread(target=self._drain, daemon=True)
                self._worker.start()

    def _drain(self) -> None:
        while True:
            with self._lock:
                if not self._queue:
                    self._worker = None
                    return
                due, message = self._queue[0]
            time.sleep(max(0.0, due - time.monotonic()))
            with self._lock:
                self._queue.popleft()
            with contextlib.suppress(Exception):  # a queued message that cannot go is lost
                self.inner.send(message)


# --- how a variant's History page differs -----------------------------------------------


def history_in_other_words(entry: HistoryEntry) -> HistoryEntry:
    """A contract 1.1 portal's History: other wording, no kind, no employer_name."""
    if entry.kind is HistoryKind.EMPLOYER_DELETED:
        return replace(entry, summary=f"Employer removed ({entry.employer_name})", kind=None)
    if entry.kind is HistoryKind.EMPLOYER_ADDED:
        return replace(entry, summary=f"New employer reported: {entry.employer_name}", kind=None)
    return replace(entry, kind=None, employer_name="")


# --- the variants -----------------------------------------------------------------------


@dataclass(frozen=True)
class Variant:
    """One allowed reading of the sources, and how the portal tells the harness about it."""

    name: str
    why: str
    #: Readings the portal declares in GET /_harness/info (None: it declares none, as a
    #: contract 1.1 portal).
    declared: dict[str, Any] | None = None
    #: Readings the vendor writes in a portal profile file instead.
    profile: dict[str, Any] = field(default_factory=dict)
    rewrite: Callable[[Message], Message] | None = None
    mail_delay: float = 0.0  # seconds its mail comes after the answer
    history: Callable[[HistoryEntry], HistoryEntry] | None = None
    #: Refuses a password with any character but letters, digits and its declared specials.
    only_declared_specials: bool = False
    mail_wait: float = 0.2  # the --mail-wait of a run over HTTP
    #: Where its reading shows (a -m expression; "" for everywhere): over HTTP the variant
    #: runs these areas, since the whole suite already passed it in memory and the wire
    #: only carries the declaration and the mail.
    areas: str = ""

    @property
    def behaviour(self) -> Readings:
        """What the variant really does: its declaration and its profile together."""
        declared = parse_readings(self.declared or {}, where=self.name)
        return parse_readings(self.profile, where=self.name, base=declared)

    def declared_readings(self) -> Readings | None:
        return None if self.declared is None else parse_readings(self.declared, where=self.name)


#: Where mail and links matter: notices, their links and lifetimes.
MAIL_AREAS = "faq-1 or faq-3 or faq-5 or faq-7 or rule-registration-link-single-use"
#: Where a password typed anywhere meets the policy.
PASSWORD_AREAS = "faq-1 or faq-5 or rule-password-policy"

VARIANTS: tuple[Variant, ...] = (
    Variant(
        "queued-mail-300ms",
        "mail queued and sent 300 ms after the answer; new links retire the older ones",
        declared={"mail_delay_ms": 300},
        mail_delay=0.3,
        mail_wait=1.0,
        areas=MAIL_AREAS,
    ),
    Variant(
        "queued-mail-at-the-wait",
        "mail sent as late as the declared delay, which is the whole mail wait",
        profile={"mail_delay_ms": 400},
        mail_delay=0.4,
        mail_wait=0.4,
        areas=MAIL_AREAS,
    ),
    Variant(
        "other-subjects",
        "its own subjects for every unverified notice, declared in GET /_harness/info",
        declared={
            "notice_subjects": {
                "password_reset": "Reset your SEVP Portal password",
                "account_locked": "Your SEVP Portal account is locked",
                "opt_ended": "OPT end date reached",
                "access_closing": "SEVP Portal access ends soon",
                "access_closed": "SEVP Portal access ended",
            }
        },
        areas=MAIL_AREAS + " or security",
    ),
    Variant(
        "reset-link-48h",
        "password and account reset links valid 48 hours, declared in a profile file",
        profile={"password_reset_link_hours": 48},
        areas=MAIL_AREAS + " or security",
    ),
    Variant(
        "narrow-specials",
        "only the narrower official special characters are allowed (any other character is "
        "refused), and no user ID in a password",
        declared={
            "password_special_characters": NARROW_SPECIAL_CHARACTERS,
            "password_forbids_user_id": True,
        },
        only_declared_specials=True,
        areas=PASSWORD_AREAS,
    ),
    Variant(
        "html-only-mail",
        "every notice as HTML only",
        declared={},
        rewrite=html_only,
        areas=MAIL_AREAS,
    ),
    Variant(
        "surname-first",
        "the student addressed SURNAME, Given",
        rewrite=surname_first,
        areas=MAIL_AREAS,
    ),
    Variant(
        "reworded",
        "another wording of the reporting reminder and of the OPT type; History entries in "
        "other words without kind (contract 1.1)",
        rewrite=reworded,
        history=history_in_other_words,
        areas=MAIL_AREAS + " or faq-2 or faq-4 or faq-8",
    ),
    Variant(
        "other-open-readings",
        "emails the inactivity lock, shows pending requests, counts early completion from "
        "the completion date, ends sessions after 30 idle minutes or 12 hours",
        declared={
            "inactivity_lock_emailed": True,
            "pending_authorizations_shown": True,
            "early_completion": "completion-date",
            "session_idle_timeout_minutes": 30,
            "session_absolute_lifetime_minutes": 720,
        },
    ),
)

VARIANTS_BY_NAME = {variant.name: variant for variant in VARIANTS}


def variant_class(variant: Variant, base: type[PortalService]) -> type[PortalService]:
    """``base`` declaring the variant's readings and writing its History its own way."""

    class VariantPortal(base):  # type: ignore[valid-type,misc]
        def info(self) -> PortalInfo:
            return replace(super().info(), readings=variant.declared_readings())

        def history(self, session: str) -> list[HistoryEntry]:
            entries = super().history(session)
            return [variant.history(e) for e in entries] if variant.history else entries

        def _refuse_weak_password(self, account: Account, password: str) -> None:
            allowed = self.readings.password_special_characters
            others = sorted({c for c in password if not c.isalnum() and c not in allowed})
            if variant.only_declared_specials and others:
                raise PortalError(ErrorCode.PASSWORD_POLICY, f"not allowed: {''.join(others)}")
            super()._refuse_weak_password(account, password)

    VariantPortal.__name__ = VariantPortal.__qualname__ = f"Variant[{variant.name}]"
    return VariantPortal


def in_memory_factory(
    variant: Variant, *, withhold: bool = False
) -> Callable[[Clock, Mailer, StudentChangeSink], PortalDriver]:
    """The variant in memory; ``withhold``: it behaves the same but declares nothing."""
    settings = PortalSettings(readings=variant.behaviour)
    portal = variant_class(replace(variant, declared=None) if withhold else variant, PortalService)

    def build(clock: Clock, mailer: Mailer, sevis: StudentChangeSink) -> PortalDriver:
        wrapped = VariantMailer(mailer, variant.rewrite, variant.mail_delay)
        return portal(clock, wrapped, sevis, settings, options=HARNESS_OPTIONS)

    return build


@contextmanager
def served(variant: Variant) -> Iterator[HttpTarget]:
    """The variant served over HTTP on 127.0.0.1, wired to the harness's simulators."""
    settings_http = HttpSettings(mail_wait=variant.mail_wait, secrets=ChannelSecrets.generate())

    def app(smtp: SmtpEndpoint, sevis_url: str) -> Starlette:
        wiring = OutboundWiring(
            SmtpMailer(smtp.host, smtp.port, timeout=5.0),
            HttpStudentChangeSink(sevis_url, timeout=5.0, secret=settings_http.secrets.sevis),
        )
        settings = PortalSettings(readings=variant.behaviour)
        clock = RestartableClock()
        mailer = VariantMailer(wiring.mailer, variant.rewrite, variant.mail_delay)
        portal = variant_class(variant, ServedReferencePortal)
        service = portal(clock, mailer, wiring.sink, settings, options=HARNESS_OPTIONS)
        return create_app(service, clock=clock, wiring=wiring, secrets=settings_http.secrets)

    with served_reference(settings_http, app=app) as target:
        yield target
