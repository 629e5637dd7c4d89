"""Settings of the reference portal that PortalSettings (shared) does not carry: costs that
only matter to a simulator (how hard a password hash is)."""

from __future__ import annotations

from dataclasses import dataclass, field


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
    """Costs that only matter to a simulator. What the sources leave open is not here: it is
    the portal's readings (``PortalSettings.readings``, ``simulators.common.readings``)."""

    #: Password hashing cost (scrypt, random salt per password).
    scrypt_cost: ScryptCost = field(default_factory=ScryptCost)
