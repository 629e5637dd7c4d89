"""The one object holding every store of the reference portal, and the look-ups and the
link and session bookkeeping that span accounts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from simulators.common.contract import ErrorCode, PortalError
from simulators.portal.models._accounts import Account, DueSchedule
from simulators.portal.models._credentials import (
    LinkPurpose,
    LinkState,
    LinkToken,
    Session,
    new_secret,
    secret_digest,
)


@dataclass
class PortalBackend:
    """Everything the reference portal remembers, in one place, so reset() is one line."""

    accounts: dict[str, Account] = field(default_factory=dict)
    links: dict[str, LinkToken] = field(default_factory=dict, repr=False)
    sessions: dict[str, Session] = field(default_factory=dict, repr=False)
    applied_transmissions: set[str] = field(default_factory=set)
    #: When each account (SEVIS ID) and each client asked for a password reset link.
    reset_requests: dict[str, list[datetime]] = field(default_factory=dict, repr=False)
    due: DueSchedule = field(default_factory=DueSchedule, repr=False)

    def count_request(self, key: str, now: datetime, window: timedelta, allowed: int) -> bool:
        """Note one request under ``key``; False when ``allowed`` were already made in the
        ``window`` before ``now`` (the refused one is not noted, so a flood ends)."""
        recent = [t for t in self.reset_requests.get(key, []) if now - t < window]
        if len(recent) >= allowed:
            self.reset_requests[key] = recent
            return False
        self.reset_requests[key] = [*recent, now]
        return True

    def next_request_allowed(self, key: str, now: datetime, window: timedelta) -> timedelta:
        """How long after ``now`` the oldest request under ``key`` leaves the ``window``
        (when ``count_request`` counts one again); never more than the window."""
        recent = [t for t in self.reset_requests.get(key, []) if now - t < window]
        if not recent:
            return timedelta(0)
        return min(window, min(recent) + window - now)

    def account_by_email(self, email: str) -> Account | None:
        """The username is the email address; case does not matter in an address."""
        wanted = email.strip().casefold()
        return next((a for a in self.accounts.values() if a.email.casefold() == wanted), None)

    def email_taken_by_other(self, email: str, sevis_id: str) -> bool:
        other = self.account_by_email(email)
        return other is not None and other.sevis_id != sevis_id

    def issue_link(
        self, account: Account, purpose: LinkPurpose, now: datetime, expires_at: datetime
    ) -> str:
        """A fresh single-use link; earlier live links of the same purpose stop working."""
        self.supersede_links(account.sevis_id, purpose)
        token = new_secret()
        self.links[secret_digest(token)] = LinkToken(
            secret_digest(token), purpose, account.sevis_id, now, expires_at
        )
        return token

    def supersede_links(self, sevis_id: str, purpose: LinkPurpose) -> None:
        for link in self.links.values():
            live = link.state is LinkState.LIVE
            if live and link.sevis_id == sevis_id and link.purpose is purpose:
                link.state = LinkState.SUPERSEDED

    def valid_link(self, token: str, purposes: set[LinkPurpose], now: datetime) -> LinkToken:
        link = self.links.get(secret_digest(token)) if token else None
        if link is None or link.purpose not in purposes:
            raise PortalError(ErrorCode.TOKEN_INVALID, "this link is not known to the portal")
        link.check(now)
        return link

    def start_session(self, account: Account, now: datetime) -> str:
        session_id = new_secret()
        digest = secret_digest(session_id)
        self.sessions[digest] = Session(digest, account.sevis_id, now, now)
        return session_id

    def session(self, session_id: str) -> Session | None:
        return self.sessions.get(secret_digest(session_id)) if session_id else None

    def end_session(self, session_id: str) -> None:
        self.sessions.pop(secret_digest(session_id), None)

    def end_sessions_of(self, sevis_id: str) -> int:
        ended = [d for d, s in self.sessions.items() if s.sevis_id == sevis_id]
        for digest in ended:
            del self.sessions[digest]
        return len(ended)

    def employer_id_in_use(self, employer_id: str) -> bool:
        return any(
            employer_id in program.employers
            for account in self.accounts.values()
            for program in account.programs
        )
