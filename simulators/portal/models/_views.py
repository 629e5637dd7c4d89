"""What a student is shown, read from the state: authorizations, employers and the days of
unemployment."""

from __future__ import annotations

from datetime import date, timedelta

from simulators.common.contract import (
    AuthorizationView,
    EmployerView,
    UnemploymentView,
    entered_employer_fields,
)
from simulators.common.domain import OptType, PortalSettings
from simulators.common.records import AuthorizationRecord, EmploymentRecord
from simulators.portal.models._accounts import ProgramData


def authorization_view(auth: AuthorizationRecord) -> AuthorizationView:
    return AuthorizationView(
        auth.authorization_id, auth.opt_type, auth.status, auth.start_date, auth.end_date
    )


def employer_view(employer: EmploymentRecord) -> EmployerView:
    return EmployerView(
        employer_id=employer.employment_id,
        opt_type=employer.opt_type,
        **entered_employer_fields(employer),  # type: ignore[arg-type]
    )


def unemployment(program: ProgramData, today: date, settings: PortalSettings) -> UnemploymentView:
    """Days of approved OPT, from the actual OPT start through today (and no later than the
    OPT end), that no employer covers; 90 allowed, 150 cumulative once STEM is approved."""
    approved = program.approved()
    limits = settings.limits
    allowed = (
        limits.unemployment_days_with_stem
        if any(a.opt_type is OptType.STEM for a in approved)
        else limits.unemployment_days_post_completion
    )
    if not approved:
        return UnemploymentView(0, allowed, today)
    last = min(today, max(a.end_date for a in approved))
    if program.completed_on is not None:
        last = min(last, program.completed_on)
    day, used = approved[0].start_date, 0
    employers = list(program.employers.values())
    while day <= last:
        authorized = any(a.start_date <= day <= a.end_date for a in approved)
        employed = any(
            e.start_date <= day and (e.end_date is None or day <= e.end_date) for e in employers
        )
        if authorized and not employed:
            used += 1
        day += timedelta(days=1)
    return UnemploymentView(used, allowed, today)
