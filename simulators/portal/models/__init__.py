"""State and rules of the reference portal: accounts, links, sessions, each student's data per
program of study, the History page. No I/O here: the service sends the mail and calls SEVIS.

One private module per job (credentials and links, account state and due jobs, SEVIS sync,
student edits, views, the backend that holds it all); this package is their public face."""

from __future__ import annotations

from simulators.portal.models._accounts import (
    Account,
    DueSchedule,
    LockReason,
    ProgramData,
    access_closes_after,
    closure_notices,
    inactivity_lock_due,
    next_due_day,
)
from simulators.portal.models._backend import PortalBackend
from simulators.portal.models._credentials import (
    LinkPurpose,
    LinkState,
    LinkToken,
    PasswordHash,
    Session,
    dummy_hash,
    new_employer_id,
    new_secret,
    registration_link_expiry,
    secret_digest,
)
from simulators.portal.models._edits import (
    STEM_EDITABLE_FIELDS,
    check_employer_changes_allowed,
    check_employer_deletion,
    contact_changes,
    employer_after_edit,
    employer_to_add,
)
from simulators.portal.models._sync import (
    apply_snapshot,
    date_problems,
    describe,
    describe_authorization,
    field_changes,
    new_account,
    profile_from,
    remove_stem_opt,
    shown_authorizations,
    shown_employers,
)
from simulators.portal.models._views import authorization_view, employer_view, unemployment

__all__ = [
    "STEM_EDITABLE_FIELDS",
    "Account",
    "DueSchedule",
    "LinkPurpose",
    "LinkState",
    "LinkToken",
    "LockReason",
    "PasswordHash",
    "PortalBackend",
    "ProgramData",
    "Session",
    "access_closes_after",
    "apply_snapshot",
    "authorization_view",
    "check_employer_changes_allowed",
    "check_employer_deletion",
    "closure_notices",
    "contact_changes",
    "date_problems",
    "describe",
    "describe_authorization",
    "dummy_hash",
    "employer_after_edit",
    "employer_to_add",
    "employer_view",
    "field_changes",
    "inactivity_lock_due",
    "new_account",
    "new_employer_id",
    "new_secret",
    "next_due_day",
    "profile_from",
    "registration_link_expiry",
    "remove_stem_opt",
    "secret_digest",
    "shown_authorizations",
    "shown_employers",
    "unemployment",
]
