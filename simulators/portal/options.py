"""Settings of the reference portal that PortalSettings (shared) does not carry: behaviour the
sources leave open, and costs that only matter to a simulator (how hard a password hash is)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta


@dataclass(frozen=True)
class ScryptCost:
    """The work factor of hashlib.scrypt. The default is a real one (about 50 ms a hash);
    unit tests pass a cheap one so that hundreds of logins stay fast."""

    n: int = 2**14
    r: int = 8
    p: int = 1
    salt_bytes: int = 16
    key_bytes: int = 64

    @property
    def max_memory(self) -> int:
        """What scrypt needs (128 * r * n bytes) with room to spare, so OpenSSL never refuses."""
        return 256 * self.r * self.n + 2**20


#: A cost for tests only: still scrypt with a random salt, but about a ten-thousandth of the
#: work (about 20 microseconds a hash), so fuzzing and hundreds of logins stay fast.
TEST_SCRYPT_COST = ScryptCost(n=2**4, r=1, p=1)


@dataclass(frozen=True)
class ReferenceOptions:
    """Open questions the reference portal answers one way by default and lets a run change.

    Each default is the reading the reference holds vendors to; a vendor whose portal reads a
    source differently sets the option and the harness asserts only what both readings share.
    """

    #: Password hashing cost (scrypt, random salt per password).
    scrypt_cost: ScryptCost = field(default_factory=ScryptCost)
    #: Whether the Authorizations page also lists OPT requests still Requested or Pending with
    #: USCIS (FAQ 6 speaks of a STEM OPT "pending" the student can see). Rules (employer dates,
    #: unemployment, access closure) always read approved authorizations only.
    show_pending_authorizations: bool = False
    #: Idle timeout of a session; the sources give none (DOMAIN.md: unverified). None: no timeout.
    session_idle_timeout: timedelta | None = None
    #: Validity of the DSO's "Account reset" link; None: the password reset link's validity
    #: (Limits.password_reset_link_hours), as the help pages describe both the same way.
    account_reset_link_hours: int | None = None
    #: Whether the lock after 90 days without login also sends the lock email; the catalog's
    #: trigger names failed logins only, so by default it does not.
    send_inactivity_lock_notice: bool = False
    #: Whether a record a DSO completed (FAQ 8: OPT stopped early) is read-only for employers:
    #: the student still sees everything until access closes but adds, edits or deletes nothing.
    completed_record_read_only: bool = True
    #: Whether a SEVIS snapshot sent before the newest data the portal holds (a delayed or
    #: reordered transmission) is left unapplied rather than undoing newer changes.
    ignore_stale_snapshots: bool = True
