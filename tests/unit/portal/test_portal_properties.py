"""Properties over many inputs: any transmission delivered twice has the effect of once; no
view, email body or refusal carries a password; no history entry carries a link token."""

from __future__ import annotations

import contextlib
import copy
import re
import string
from dataclasses import replace
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulators.common.contract import EmployerEdit, EmployerInput, PortalError
from simulators.common.domain import (
    EducationLevel,
    EmploymentStatus,
    OptStatus,
    OptType,
    PasswordPolicy,
    ProgramStatus,
)
from simulators.common.records import AuthorizationRecord, EmploymentRecord, UsAddress
from simulators.common.seams import Transmission, TransmissionKind

FIXTURES_OK = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
ADDRESS = UsAddress("1 Main Street", "Springfield", "IL", "62701")
START, END = date(2026, 1, 5), date(2026, 12, 31)
POST = AuthorizationRecord("A-post", OptType.POST_COMPLETION, OptStatus.APPROVED, START, END)
STEM = AuthorizationRecord(
    "A-stem", OptType.STEM, OptStatus.APPROVED, date(2027, 1, 1), date(2028, 12, 31)
)
ACME = EmploymentRecord("E-acme", "Acme Robotics", ADDRESS, START, "Engineer")
CEDAR = EmploymentRecord(
    "E-cedar", "Cedar Labs", ADDRESS, date(2027, 1, 1), "Scientist", opt_type=OptType.STEM
)
SPECIALS = PasswordPolicy().special_characters


@st.composite
def snapshots(draw, base):  # type: ignore[no-untyped-def]
    """A SEVIS snapshot of the student ``base`` after any mix of DSO, USCIS and SRC actions."""
    authorizations = [POST] if draw(st.booleans()) else []
    stem_status = draw(st.sampled_from([None, *OptStatus]))
    if stem_status is not None:
        authorizations.append(replace(STEM, status=stem_status))
    employers = [
        replace(e, status=draw(st.sampled_from(list(EmploymentStatus))))
        for e in (ACME, CEDAR)
        if draw(st.booleans())
    ]
    completed_on = draw(st.sampled_from([None, date(2026, 11, 1)]))
    return replace(
        base,
        phone=draw(st.sampled_from([base.phone, "+1 217 555 0199"])),
        email=draw(st.sampled_from([base.email, "moved@example.edu"])),
        program_id=draw(st.sampled_from([base.program_id, f"{base.program_id}-next"])),
        education_level=draw(st.sampled_from(list(EducationLevel))),
        program_status=ProgramStatus.COMPLETED if completed_on else ProgramStatus.ACTIVE,
        completed_on=completed_on,
        authorizations=tuple(authorizations),
        employers=tuple(employers),
    )


def deliver(world, transmission):  # type: ignore[no-untyped-def]
    try:
        world.portal.deliver(transmission)
    except PortalError as error:
        return error.code
    return None


@FIXTURES_OK
@given(
    data=st.data(),
    before=st.sampled_from(["nothing", "approved", "registered"]),
    kind=st.sampled_from(list(TransmissionKind)),
)
def test_any_transmission_delivered_twice_has_the_effect_of_once(
    make_world, kit, data, before, kind
) -> None:
    world = make_world()
    base = kit.student_record(authorizations=(POST,))
    if before == "approved":
        world.approve(base)
    elif before == "registered":
        world.registered(base)
    world.advance(hours=1)
    record = data.draw(snapshots(base))
    transmission = Transmission("T-twice", kind, world.clock.now(), record)
    first = deliver(world, transmission)
    state = copy.deepcopy(world.portal.backend)
    sent, refused, changes = (
        len(world.mailer.sent),
        len(world.mailer.refused),
        len(world.sink.changes),
    )
    second = deliver(world, transmission)
    assert second == first
    assert world.portal.backend == state
    assert (len(world.mailer.sent), len(world.mailer.refused), len(world.sink.changes)) == (
        sent,
        refused,
        changes,
    )


@st.composite
def passwords(draw):  # type: ignore[no-untyped-def]
    """Passwords the policy accepts: a letter, a digit, a special character and more."""
    alphabet = string.ascii_letters + string.digits + SPECIALS
    rest = draw(st.text(alphabet=alphabet, min_size=9, max_size=24))
    parts = [
        draw(st.sampled_from(string.ascii_letters)),
        draw(st.sampled_from(string.digits)),
        draw(st.sampled_from(SPECIALS)),
        rest,
    ]
    return "".join(draw(st.permutations(parts)))


ACTIONS = [
    "login",
    "wrong-login",
    "reset-request",
    "reset-complete",
    "dso-reset",
    "add-employer",
    "edit-employer",
    "delete-employer",
    "contact",
    "bounce-next",
    "days-pass",
    "sync",
]
_TOKEN = re.compile(r"[?&]token=([A-Za-z0-9_\-]+)")


@FIXTURES_OK
@given(
    first_password=passwords(),
    new_passwords=st.lists(passwords(), min_size=1, max_size=3),
    actions=st.lists(st.sampled_from(ACTIONS), max_size=25),
    days=st.integers(min_value=1, max_value=120),
)
def test_no_secret_leaks_whatever_the_student_and_sevis_do(
    make_world, kit, first_password, new_passwords, actions, days
) -> None:
    world = make_world()
    record = kit.student_record(authorizations=(POST,))
    world.approve(record)
    refusals: list[PortalError] = []
    passwords_used = [first_password, *new_passwords]

    def attempt(operation, *args, **kwargs):  # type: ignore[no-untyped-def]
        try:
            return operation(*args, **kwargs)
        except PortalError as error:
            refusals.append(error)
            return None

    portal = world.portal
    attempt(portal.register, world.creation_token(record), record.sevis_id, first_password)
    current, upcoming = first_password, list(new_passwords)
    session = None
    for action in actions:
        if action == "login":
            session = attempt(portal.login, record.email, current)
            if session is not None:
                attempt(portal.attest, session)
        elif action == "wrong-login":
            attempt(portal.login, record.email, current + "x")
        elif action == "reset-request":
            portal.request_password_reset(record.email)
        elif action == "reset-complete" and upcoming:
            links = [m for m in world.mailer.sent if "/reset-password?token=" in kit.body(m)]
            if links:
                attempt(portal.complete_password_reset, kit.token_in(links[-1]), upcoming[0])
                account = portal.backend.accounts[record.sevis_id]
                if account.password is not None and account.password.matches(upcoming[0]):
                    current = upcoming.pop(0)
        elif action == "dso-reset":
            attempt(world.transmit, TransmissionKind.RESET_PORTAL_ACCOUNT, record)
        elif action == "add-employer" and session:
            employer = EmployerInput("Acme Robotics", ADDRESS, START, "Engineer")
            attempt(portal.add_employer, session, employer)
        elif action in {"edit-employer", "delete-employer"} and session:
            shown = attempt(portal.employers, session) or []
            if shown and action == "edit-employer":
                edit = EmployerEdit(job_title="Data Engineer")
                attempt(portal.edit_employer, session, shown[0].employer_id, edit)
            elif shown:
                attempt(
                    portal.delete_employer,
                    session,
                    shown[0].employer_id,
                    never_worked_confirmed=True,
                )
        elif action == "contact" and session:
            attempt(portal.update_contact, session, kit.ContactUpdate(phone="+1 217 555 0177"))
        elif action == "bounce-next":
            world.mailer.fail_next += 1
        elif action == "days-pass":
            world.advance(days=days)
        elif action == "sync":
            attempt(world.transmit, TransmissionKind.DAILY_SYNC, record)

    account = world.portal.backend.accounts[record.sevis_id]
    messages = [*world.mailer.sent, *world.mailer.refused]
    tokens = [t for m in messages for t in _TOKEN.findall(kit.body(m))]
    views: list[object] = [account.history, account.profile, repr(account), repr(world.portal)]
    if session:
        for view in (portal.profile, portal.employers, portal.history):
            views.append(attempt(view, session))
    texts = [repr(v) for v in views] + [kit.body(m) for m in messages]
    texts += [f"{e.code.value} {e.detail}" for e in refusals]
    for secret in passwords_used:
        assert not any(secret in text for text in texts), "a password leaked"
    history_text = repr(account.history) + "".join(e.detail for e in refusals)
    for token in tokens:
        assert token not in history_text, "a link token reached the History page or a refusal"


def test_a_refused_change_leaves_no_trace_for_any_sink_error(world, kit) -> None:
    """The strategy of the portal when SEVIS refuses: nothing saved, nothing in history."""
    _, session = world.logged_in()
    for error in (ValueError("bad"), ConnectionError("down"), TimeoutError()):
        world.sink.refuse = error
        before = (world.portal.profile(session), world.portal.history(session))
        with contextlib.suppress(PortalError):
            world.portal.update_contact(session, kit.ContactUpdate(phone="+1 217 555 0166"))
        assert (world.portal.profile(session), world.portal.history(session)) == before
