"""The portal driver protocol: the only way a scenario touches a portal.

Product data, not test data: the reference serves any object of this shape, and the
harness drives one. ``InMemoryPortal`` calls the reference service directly;
``HttpPortal`` speaks the HTTP contract. Both return the typed views of ``simulators.common.contract`` and raise
``PortalError`` with a stable ``ErrorCode`` when the portal refuses.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol, runtime_checkable

from simulators.common.contract import (
    AuthorizationView,
    ContactUpdate,
    EmployerEdit,
    EmployerInput,
    EmployerView,
    HistoryEntry,
    PortalInfo,
    StudentProfile,
    UnemploymentView,
)
from simulators.common.seams import Transmission


@runtime_checkable
class PortalDriver(Protocol):
    """What every portal, reference or vendor's, must let a scenario do."""

    # --- SEVIS side -------------------------------------------------------------
    def deliver(self, transmission: Transmission) -> None:
        """Hand a SEVIS transmission to the portal (it is also a ``PortalTransport``)."""

    # --- a student, not logged in ----------------------------------------------
    def register(self, token: str, sevis_id: str, password: str) -> None:
        """Create the account from the creation email's link token."""

    def login(self, email: str, password: str) -> str:
        """Log in; returns a session id. The attestation comes next."""

    def request_password_reset(self, email: str) -> None:
        """The password reset button on the home page; silent about unknown emails."""

    def complete_password_reset(self, token: str, new_password: str) -> None:
        """Follow the reset link: set a new password, unlock, end other sessions."""

    # --- a student, logged in ----------------------------------------------------
    def attest(self, session: str) -> None: ...

    def logout(self, session: str) -> None: ...

    def profile(self, session: str) -> StudentProfile: ...

    def update_contact(self, session: str, update: ContactUpdate) -> StudentProfile: ...

    def authorizations(self, session: str) -> list[AuthorizationView]: ...

    def unemployment(self, session: str) -> UnemploymentView: ...

    def employers(self, session: str) -> list[EmployerView]: ...

    def add_employer(self, session: str, employer: EmployerInput) -> EmployerView: ...

    def edit_employer(self, session: str, employer_id: str, edit: EmployerEdit) -> EmployerView: ...

    def delete_employer(
        self, session: str, employer_id: str, *, never_worked_confirmed: bool
    ) -> None: ...

    def history(self, session: str) -> list[HistoryEntry]: ...

    # --- control (the harness, not a user) ---------------------------------------
    def info(self) -> PortalInfo: ...

    def set_time(self, now: datetime) -> None:
        """Tell the portal the time; it runs what fell due (locks, closure notices)."""

    def reset(self) -> None:
        """Forget every account and message: a clean portal."""
