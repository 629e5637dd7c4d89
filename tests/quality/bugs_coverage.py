"""Seeded-bug variants of the reference portal for the scenarios that close coverage gaps:
sessions, isolation between students, and fields that do not make the round trip."""

from __future__ import annotations

from dataclasses import replace

from simulators.common.contract import EmployerEdit, EmployerView
from simulators.portal import PortalService
from tests.quality.seeded import seeded_bug


@seeded_bug("logout-ends-session", catches="A logged-out session opens nothing")
class LogoutKeepsTheSession(PortalService):
    """Logging out answers 204 and ends nothing."""

    def logout(self, session: str) -> None:
        self._student(session, attested=False)


@seeded_bug("attestation-first", catches="Every login needs its own attestation before any page")
class AttestationOutlivesTheSession(PortalService):
    """Remembers the attestation on the account: once attested, every later login is too."""

    def login(self, email: str, password: str) -> str:
        session = super().login(email, password)
        account = self.backend.account_by_email(email)
        started = self.backend.session(session)
        if account is not None and started is not None:
            started.attested = account.sevis_id in self.attested_accounts
        return session

    def attest(self, session: str) -> None:
        super().attest(session)
        found = self.backend.session(session)
        if found is not None:
            self.attested_accounts.add(found.sevis_id)

    @property
    def attested_accounts(self) -> set[str]:
        return self.__dict__.setdefault("_attested_accounts", set())


@seeded_bug(
    "no-cross-student-access",
    catches="What another student's session changes leaves the first student's data as it was",
)
class EditsAnyStudentsEmployer(PortalService):
    """Edits whichever student's employer the id names: the session is checked, ownership
    is not (an insecure direct object reference)."""

    def edit_employer(self, session: str, employer_id: str, edit: EmployerEdit) -> EmployerView:
        self._student(session)
        owner = next(
            (a for a in self.backend.accounts.values() if employer_id in a.program.employers),
            None,
        )
        if owner is None:
            return super().edit_employer(session, employer_id, edit)
        as_owner = self.backend.start_session(owner, self._now())
        started = self.backend.session(as_owner)
        if started is not None:
            started.attested = True
        return super().edit_employer(as_owner, employer_id, edit)


@seeded_bug(
    "student-changes-visible-to-dso",
    catches="Every employer field a student edits shows in the portal and reaches SEVIS",
)
class DropsTheSupervisorEmailEdit(PortalService):
    """An edit of the supervisor's email is answered as done and never kept."""

    def edit_employer(self, session: str, employer_id: str, edit: EmployerEdit) -> EmployerView:
        return super().edit_employer(session, employer_id, replace(edit, supervisor_email=None))


@seeded_bug(
    "contact-change-reaches-sevis", catches="A contact field shows in the profile and reaches SEVIS"
)
class HidesTheMailingAddress(PortalService):
    """A mailing address entered in the profile reaches SEVIS and never shows in the profile."""

    def profile(self, session: str):  # type: ignore[no-untyped-def]
        return replace(super().profile(session), mailing_address=None)
