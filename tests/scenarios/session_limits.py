"""Session limits many real portals have and the sources leave open, as readings of the
reference: the suite must pass a portal with either (issue 17)."""

from __future__ import annotations

from simulators.common.domain import PortalSettings
from simulators.common.readings import Readings

IDLE_30_MINUTES = PortalSettings(readings=Readings(session_idle_timeout_minutes=30))
LIFETIME_12_HOURS = PortalSettings(readings=Readings(session_absolute_lifetime_minutes=12 * 60))
SESSION_LIMITS = {"idle-30-minutes": IDLE_30_MINUTES, "lifetime-12-hours": LIFETIME_12_HOURS}
