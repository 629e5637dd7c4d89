"""What the sources leave open, as one typed declaration: a portal's *readings*.

The FAQ and the help pages leave some choices to the implementer (subjects of unverified
notices, how long a reset link lives, which special characters a password may use, how late
mail may come, ...). A portal declares its choice in ``GET /_harness/info`` (contract 1.2,
member ``readings``) or a vendor writes it in a portal profile file; the harness holds the
portal to its declaration, never to the reference's guess. Undeclared readings are the
reference's (the defaults below), and the reference declares its own the same way.
The wire form mirrors these dataclasses member for member (docs/readings.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

from simulators.common.domain import (
    EMAIL_PATTERN,
    SPECIAL_CHARACTERS,
    EarlyCompletionReading,
    PasswordPolicy,
    PasswordRules,
)
from simulators.common.notices import DEFAULT_CATALOG, PORTAL_SENDER, NoticeCatalog, NoticeId

#: The narrower special-character set of one official tips sheet (docs/domain.md): a password
#: the harness makes uses only these, so that it satisfies either reading.
NARROW_SPECIAL_CHARACTERS = "!@#$%^&*"


@dataclass(frozen=True)
class NoticeSubjects:
    """The subjects of the notices whose subject no source verifies (docs/domain.md), by notice."""

    password_reset: str = DEFAULT_CATALOG.subject(NoticeId.PASSWORD_RESET)
    account_locked: str = DEFAULT_CATALOG.subject(NoticeId.ACCOUNT_LOCKED)
    opt_ended: str = DEFAULT_CATALOG.subject(NoticeId.OPT_ENDED)
    access_closing: str = DEFAULT_CATALOG.subject(NoticeId.ACCESS_CLOSING)
    access_closed: str = DEFAULT_CATALOG.subject(NoticeId.ACCESS_CLOSED)

    def by_notice(self) -> dict[str, str]:
        return {f.name.replace("_", "-"): getattr(self, f.name) for f in fields(self)}


@dataclass(frozen=True)
class Readings:
    """Every reading a portal may declare; each default is the reference portal's."""

    #: Subjects of the unverified notices.
    notice_subjects: NoticeSubjects = field(default_factory=NoticeSubjects)
    #: The From address of every portal email (a secondary source gives it).
    notice_sender: str = PORTAL_SENDER
    #: How long the student's own password reset link works, in hours (no source gives it).
    password_reset_link_hours: int = 24
    #: How long the DSO's "Account reset" link works; null: as the password reset link.
    account_reset_link_hours: int | None = None
    #: The characters that count as "special" in a password (two official sources differ).
    password_special_characters: str = SPECIAL_CHARACTERS
    #: Whether a password must not contain the user ID (one tips sheet says so).
    password_forbids_user_id: bool = False
    #: How late an email may arrive after the answer to the action that sent it, in ms.
    mail_delay_ms: int = 0
    #: Whether the lock after 90 days without login is emailed (the catalog names failed
    #: logins only as the lock email's trigger).
    inactivity_lock_emailed: bool = False
    #: Which date FAQ 8's "six months after the OPT end date" counts from.
    early_completion: EarlyCompletionReading = EarlyCompletionReading.AUTHORIZED_END
    #: Whether the Authorizations page also lists requests still pending with USCIS.
    pending_authorizations_shown: bool = False
    #: Whether a record a DSO completed early is read-only for employers.
    completed_record_read_only: bool = True
    #: Whether a SEVIS snapshot older than the portal's newest data is left unapplied.
    stale_snapshots_ignored: bool = True
    #: A session ends after this many idle minutes; null: no idle timeout.
    session_idle_timeout_minutes: int | None = None
    #: A session ends this many minutes after login however busy; null: no limit.
    session_absolute_lifetime_minutes: int | None = None

    @property
    def account_reset_hours(self) -> int:
        if self.account_reset_link_hours is None:
            return self.password_reset_link_hours
        return self.account_reset_link_hours

    @property
    def mail_delay_seconds(self) -> float:
        return self.mail_delay_ms / 1000

    def notices(self, catalog: NoticeCatalog = DEFAULT_CATALOG) -> NoticeCatalog:
        """The notice catalog with this portal's subjects and sender."""
        return catalog.with_subjects(self.notice_subjects.by_notice(), sender=self.notice_sender)

    def password_policy(self, rules: PasswordRules | None = None) -> PasswordPolicy:
        """The policy in force: the sources' ``rules`` with these readings."""
        rules = rules or PasswordRules()
        return PasswordPolicy(
            **{f.name: getattr(rules, f.name) for f in fields(PasswordRules)},
            special_characters=self.password_special_characters,
            forbid_user_id=self.password_forbids_user_id,
        )

    def declaration(self) -> dict[str, Any]:
        """The readings as JSON values, every member present (as the wire writes them)."""
        from simulators.common.wire import to_wire

        declared: dict[str, Any] = to_wire(self)
        return declared

    def problems(self) -> list[str]:
        """What no portal can mean, by key (types are the codec's business)."""
        found = []
        for key in ("password_reset_link_hours", "account_reset_link_hours"):
            hours = getattr(self, key)
            if hours is not None and hours < 1:
                found.append(f"{key}: a link lives at least 1 hour, not {hours}")
        for key in ("session_idle_timeout_minutes", "session_absolute_lifetime_minutes"):
            minutes = getattr(self, key)
            if minutes is not None and minutes < 1:
                found.append(f"{key}: at least 1 minute or null, not {minutes}")
        if not 0 <= self.mail_delay_ms <= MAX_MAIL_DELAY_MS:
            found.append(f"mail_delay_ms: 0 to {MAX_MAIL_DELAY_MS}, not {self.mail_delay_ms}")
        specials = self.password_special_characters
        if not specials or any(c.isalnum() or c.isspace() for c in specials):
            found.append(
                "password_special_characters: one or more characters, none a letter, digit "
                f"or space, not {specials!r}"
            )
        if not EMAIL_PATTERN.fullmatch(self.notice_sender):
            found.append(f"notice_sender: an email address, not {self.notice_sender!r}")
        for notice, subject in self.notice_subjects.by_notice().items():
            if not subject.strip():
                found.append(f"notice_subjects.{notice.replace('-', '_')}: a subject is not empty")
        return found


#: Ten minutes: a portal that may mail later than that cannot be tested in useful time.
MAX_MAIL_DELAY_MS = 600_000

REFERENCE_READINGS = Readings()


class ReadingsError(ValueError):
    """A declaration that cannot be used; the message names the key at fault."""


def parse_readings(data: object, *, where: str, base: Readings = REFERENCE_READINGS) -> Readings:
    """``base`` with the readings ``data`` declares (a JSON object, possibly partial)."""
    from simulators.common.wire import WireError, from_wire

    if not isinstance(data, dict):
        raise ReadingsError(f"{where}: expected a JSON object of readings, not {data!r:.60}")
    merged = base.declaration()
    for key, value in data.items():
        if key == "notice_subjects" and isinstance(value, dict):
            merged[key] = {**merged[key], **value}
        else:
            merged[key] = value
    try:
        readings = from_wire(Readings, merged, path="readings")
    except WireError as error:
        hint = ""
        if error.reason == "unknown field":
            within = (
                NoticeSubjects if error.path.startswith("readings.notice_subjects.") else Readings
            )
            hint = f" (known: {', '.join(f.name for f in fields(within))})"
        raise ReadingsError(f"{where}: {error}{hint}") from None
    problems = readings.problems()
    if problems:
        raise ReadingsError(f"{where}: " + "; ".join(f"readings.{p}" for p in problems))
    return readings


__all__ = [
    "MAX_MAIL_DELAY_MS",
    "NARROW_SPECIAL_CHARACTERS",
    "REFERENCE_READINGS",
    "NoticeSubjects",
    "Readings",
    "ReadingsError",
    "parse_readings",
]
