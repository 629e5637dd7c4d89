"""What opens an account: password hashes, single-use emailed links and sessions. Only
digests and hashes are kept, so a dump of the portal's state opens nothing."""

from __future__ import annotations

import functools
import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta, timezone
from enum import Enum

from simulators.common.contract import ErrorCode, PortalError
from simulators.portal.options import ScryptCost

# --- secrets ------------------------------------------------------------------------------


def new_secret() -> str:
    """A link token or session id: 256 bits from the OS, URL-safe."""
    return secrets.token_urlsafe(32)


def secret_digest(secret: str) -> str:
    """What the portal keeps of a token or session id: a dump of the state opens nothing."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def new_employer_id() -> str:
    return "E" + secrets.token_hex(8).upper()


@dataclass(frozen=True)
class PasswordHash:
    """A password as the portal keeps it: scrypt with a random salt, never the password."""

    salt: bytes = field(repr=False)
    key: bytes = field(repr=False)
    cost: ScryptCost

    @classmethod
    def of(cls, password: str, cost: ScryptCost) -> PasswordHash:
        salt = secrets.token_bytes(cost.salt_bytes)
        return cls(salt, _scrypt(password, salt, cost), cost)

    def matches(self, password: str) -> bool:
        return hmac.compare_digest(self.key, _scrypt(password, self.salt, self.cost))

    def __repr__(self) -> str:
        return f"PasswordHash(scrypt n={self.cost.n} r={self.cost.r} p={self.cost.p})"


@functools.cache
def dummy_hash(cost: ScryptCost) -> PasswordHash:
    """A hash no password matches, checked for an unknown email so that a login costs the
    same whether or not the address has an account (no enumeration by timing)."""
    return PasswordHash(
        secrets.token_bytes(cost.salt_bytes), secrets.token_bytes(cost.key_bytes), cost
    )


def _scrypt(password: str, salt: bytes, cost: ScryptCost) -> bytes:
    return hashlib.scrypt(
        password.encode("utf-8"),
        salt=salt,
        n=cost.n,
        r=cost.r,
        p=cost.p,
        maxmem=cost.max_memory,
        dklen=cost.key_bytes,
    )


# --- links and sessions -------------------------------------------------------------------


class LinkPurpose(str, Enum):
    REGISTRATION = "registration"  # the account creation email
    PASSWORD_RESET = "password-reset"  # the student's reset button (FAQ 3)
    ACCOUNT_RESET = "account-reset"  # the DSO's Reset Portal Account (FAQ 3, 7)


class LinkState(str, Enum):
    LIVE = "live"
    USED = "used"
    SUPERSEDED = "superseded"  # a newer link of the same purpose replaced it


@dataclass
class LinkToken:
    """A single-use emailed link. Only the token's digest is kept."""

    digest: str = field(repr=False)
    purpose: LinkPurpose
    sevis_id: str
    issued_at: datetime
    expires_at: datetime  # the first moment the link no longer works
    state: LinkState = LinkState.LIVE

    def check(self, now: datetime) -> None:
        """Refuse a link that was replaced, used or expired, in that order of precedence."""
        if self.state is LinkState.SUPERSEDED:
            raise PortalError(ErrorCode.TOKEN_INVALID, "this link was replaced by a newer one")
        if self.state is LinkState.USED:
            raise PortalError(ErrorCode.TOKEN_USED, "this link was already used")
        if now >= self.expires_at:
            raise PortalError(
                ErrorCode.TOKEN_EXPIRED, f"this link expired at {self.expires_at.isoformat()}"
            )


def registration_link_expiry(issued_at: datetime, link_days: int) -> datetime:
    """The send day counts as day 1: a link sent any time on day D works through the end of
    day D + link_days - 1 (UTC) and stops at the start of day D + link_days."""
    last_day = issued_at.date() + timedelta(days=link_days)
    return datetime.combine(last_day, time(0), tzinfo=timezone.utc)


@dataclass
class Session:
    """A logged-in browser. Only the session id's digest is kept."""

    digest: str = field(repr=False)
    sevis_id: str
    started_at: datetime
    last_seen: datetime
    attested: bool = False

    def expiry(
        self, now: datetime, idle_timeout: timedelta | None, lifetime: timedelta | None
    ) -> str | None:
        """Why the session has ended by ``now``, or None while it lives: unused longer
        than ``idle_timeout``, or older than ``lifetime`` however busy (None: no limit)."""
        if lifetime is not None and now - self.started_at > lifetime:
            return "the session reached its maximum lifetime"
        if idle_timeout is not None and now - self.last_seen > idle_timeout:
            return "the session timed out"
        return None
