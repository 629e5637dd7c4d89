"""Seeded security bugs: each breaks one rule of the security profile the way the reference
itself once did (or a vendor plausibly might), so that a test can show the rule's scenarios
catch it. In-process bugs are portal subclasses; channel bugs are ASGI wrappers around the
served reference, since the channels exist only on the wire. The in-process ones are also
declared in the registry of every rule's seeded bug (``tests.quality.seeded``); the wire
ones are run over HTTP by ``test_security_bugs.py``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from simulators.common.contract import ErrorCode, PortalError
from simulators.common.launch import CONTROL_SECRET_HEADER, SEVIS_SECRET_HEADER, ChannelSecrets
from simulators.common.records import StudentRecord
from simulators.common.seams import Transmission
from simulators.portal import PortalService
from simulators.portal.models import Account
from tests.quality.seeded import seeded_bug


@seeded_bug(
    "locked-account-no-oracle",
    catches="On a locked account a wrong password reads exactly like the right one",
)
class LockedAccountIsAPasswordOracle(PortalService):
    """The reference before the fix: on a locked account a wrong password answers
    invalid-credentials (and is not counted), the right one account-locked."""

    def login(self, email: str, password: str) -> str:
        account = self.backend.account_by_email(email)
        locked = account is not None and account.lock is not None
        kept = account.password if account is not None and locked else None
        if kept is not None and not kept.matches(password):
            raise PortalError(ErrorCode.INVALID_CREDENTIALS, "wrong email or password")
        return super().login(email, password)


@seeded_bug(
    "reset-retires-old-password",
    catches="After the DSO's Reset Portal Account only the emailed link opens the account",
)
class ResetKeepsTheOldPassword(PortalService):
    """The reference before the fix: the DSO's Reset Portal Account unlocks the account and
    the old password (perhaps a guesser's) logs in again."""

    def _reset_portal_account(self, transmission: Transmission) -> Account | None:
        account = super()._reset_portal_account(transmission)
        if account is not None and account.registered:
            account.unlock(self._now())
        return account


@seeded_bug("lock-ends-sessions", catches="Locking an account ends its sessions")
class LockKeepsSessions(PortalService):
    """Locking an account after failed logins leaves its open sessions working."""

    def _count_failed_login(self, account: Account, now: datetime) -> None:
        kept = dict(self.backend.sessions)
        super()._count_failed_login(account, now)
        self.backend.sessions.update(kept)


@seeded_bug(
    "reset-requests-limited",
    catches="A burst of password reset requests does not send a burst of emails",
)
class UnlimitedResetRequests(PortalService):
    """Every password reset request sends an email: a mail bomb on demand."""

    def request_password_reset_from(self, client: str, email: str) -> None:
        self.backend.reset_requests.clear()
        super().request_password_reset_from(client, email)


@seeded_bug(
    "poisoned-transmission-refused",
    catches="A transmission with dates the portal cannot represent is refused; the portal goes on",
)
class StoresUnrepresentableDates(PortalService):
    """The reference before the fix: a record with an OPT ending on 9999-12-31 is stored and
    breaks every later clock move (the access window overflows the calendar)."""

    def _unrepresentable_dates(self, record: StudentRecord) -> list[str]:
        return []


class AcceptsWithoutSecret:
    """ASGI wrapper: the served portal behaves as if it did not check ``header``, by
    supplying the right secret to every request that lacks it."""

    def __init__(self, app: Any, header: str, secret: str) -> None:
        self.app, self.header, self.secret = app, header.lower().encode(), secret.encode()

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            headers = [(k, v) for k, v in scope["headers"] if k != self.header]
            scope = {**scope, "headers": [*headers, (self.header, self.secret)]}
        await self.app(scope, receive, send)


class TakesAnyBodyAsJson:
    """ASGI wrapper: the served portal reads every body as JSON whatever its declared media
    type, so a page on another origin can post to it without a CORS preflight."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            headers = [(k, v) for k, v in scope["headers"] if k != b"content-type"]
            scope = {**scope, "headers": [*headers, (b"content-type", b"application/json")]}
        await self.app(scope, receive, send)


class ReadsAnyBodySize:
    """ASGI wrapper: the served portal reads every body whole, whatever its size, and goes
    on with it (here: the padding a client sent past the limit is dropped after reading)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        chunks = []
        more = True
        while more:
            message = await receive()
            chunks.append(message.get("body", b""))
            more = message.get("more_body", False)
        body = b"".join(chunks).rstrip()
        headers = [(k, v) for k, v in scope["headers"] if k != b"content-length"]
        scope = {**scope, "headers": [*headers, (b"content-length", str(len(body)).encode())]}
        sent = False

        async def replay() -> dict[str, Any]:
            nonlocal sent
            if sent:
                return await receive()
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)


class TakesAnyHost:
    """ASGI wrapper: the served portal answers whatever ``Host`` a request names, so a page
    that rebinds its own name to this machine reads and writes as if it were local."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            headers = [(k, v) for k, v in scope["headers"] if k != b"host"]
            scope = {**scope, "headers": [*headers, (b"host", b"127.0.0.1")]}
        await self.app(scope, receive, send)


def ignores_sevis_secret(app: Any, secrets: ChannelSecrets) -> Any:
    return AcceptsWithoutSecret(app, SEVIS_SECRET_HEADER, secrets.sevis)


def ignores_control_secret(app: Any, secrets: ChannelSecrets) -> Any:
    return AcceptsWithoutSecret(app, CONTROL_SECRET_HEADER, secrets.control)


def takes_any_media_type(app: Any, secrets: ChannelSecrets) -> Any:
    return TakesAnyBodyAsJson(app)


def reads_any_body_size(app: Any, secrets: ChannelSecrets) -> Any:
    return ReadsAnyBodySize(app)


def takes_any_host(app: Any, secrets: ChannelSecrets) -> Any:
    return TakesAnyHost(app)


@dataclass(frozen=True)
class SeededSecurityBug:
    """A bug of the served portal (the in-process ones are registered with @seeded_bug)."""

    rules: tuple[str, ...]  # the security rules whose scenarios must catch it
    wire_bug: str  # a function here wrapping the served portal's ASGI app
    what: str  # what the served portal does wrong, in words

    @property
    def name(self) -> str:
        return self.wire_bug


WIRE_BUGS: tuple[SeededSecurityBug, ...] = (
    SeededSecurityBug(
        ("sevis-channel-authenticated",),
        wire_bug="ignores_sevis_secret",
        what="accepts a SEVIS transmission without the channel's secret",
    ),
    SeededSecurityBug(
        ("control-api-authenticated",),
        wire_bug="ignores_control_secret",
        what="accepts a control request without its secret",
    ),
    SeededSecurityBug(
        ("json-routes-check-media-type",),
        wire_bug="takes_any_media_type",
        what="reads any body as JSON, whatever its media type",
    ),
    SeededSecurityBug(
        ("body-size-limited",),
        wire_bug="reads_any_body_size",
        what="reads any body whole, whatever its size, and goes on with it",
    ),
    SeededSecurityBug(
        ("host-checked",),
        wire_bug="takes_any_host",
        what="answers whatever Host a request names",
    ),
)

#: The rules only a portal on the wire can break: their bugs are caught over HTTP.
WIRE_ONLY_RULES: frozenset[str] = frozenset(rule for bug in WIRE_BUGS for rule in bug.rules)

__all__ = [
    "WIRE_BUGS",
    "WIRE_ONLY_RULES",
    "AcceptsWithoutSecret",
    "ReadsAnyBodySize",
    "SeededSecurityBug",
    "TakesAnyBodyAsJson",
    "TakesAnyHost",
    "ignores_control_secret",
    "ignores_sevis_secret",
    "reads_any_body_size",
    "takes_any_host",
    "takes_any_media_type",
]
