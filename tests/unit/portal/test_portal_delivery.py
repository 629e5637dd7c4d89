"""SEVIS transmissions in: approval, Reset Portal Account, daily sync, program change, early
completion and STEM denial (FAQ 2, 3, 7, 8); invalid records refused; ids applied once."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from simulators.common.contract import ErrorCode, HistoryCategory, PortalError
from simulators.common.domain import (
    EducationLevel,
    EmploymentStatus,
    OptStatus,
    OptType,
    PortalSettings,
    ProgramStatus,
)
from simulators.common.notices import NoticeId
from simulators.common.readings import Readings
from simulators.common.seams import TransmissionKind
from simulators.portal import TransmissionRejected


def refused(call) -> ErrorCode:  # type: ignore[no-untyped-def]
    with pytest.raises(PortalError) as caught:
        call()
    return caught.value.code


# --- refusal and idempotency ---------------------------------------------------------------


@pytest.mark.parametrize(
    "change",
    [
        {"sevis_id": "N123"},
        {"email": "not-an-email"},
        {"given_name": "", "surname": " "},
    ],
)
def test_an_invalid_record_is_refused_and_changes_nothing(world, kit, change) -> None:
    record = kit.student_record(**change)
    with pytest.raises(TransmissionRejected) as caught:
        world.approve(record)
    assert caught.value.code is ErrorCode.TRANSMISSION_INVALID
    assert world.portal.backend.accounts == {}
    assert world.portal.backend.applied_transmissions == set()
    assert world.mailer.sent == []


def test_an_invalid_address_is_refused(world, kit) -> None:
    record = kit.student_record(us_address=replace(kit.ADDRESS, zip_code="1234"))
    assert refused(lambda: world.approve(record)) is ErrorCode.TRANSMISSION_INVALID
    assert world.mailer.sent == []


def test_an_invalid_sync_leaves_the_account_as_it_was(world, kit) -> None:
    record, session = world.logged_in()
    before = world.portal.profile(session)
    bad = replace(record, phone="+1 555 0199", email="broken")
    assert refused(lambda: world.transmit(TransmissionKind.DAILY_SYNC, bad)) is (
        ErrorCode.TRANSMISSION_INVALID
    )
    assert world.portal.profile(session) == before


def test_an_approval_delivered_twice_creates_one_account_and_one_email(world, kit) -> None:
    record = kit.student_record()
    world.transmit(TransmissionKind.OPT_APPROVED, record, "T-approval")
    history = list(world.portal.backend.accounts[record.sevis_id].history)
    world.transmit(TransmissionKind.OPT_APPROVED, record, "T-approval")
    assert len(world.mailer.to(record.email, NoticeId.ACCOUNT_CREATION)) == 1
    assert world.portal.backend.accounts[record.sevis_id].history == history


def test_a_repeated_reset_sends_nothing_more(world, kit) -> None:
    record = world.registered()
    world.transmit(TransmissionKind.RESET_PORTAL_ACCOUNT, record, "T-reset")
    world.transmit(TransmissionKind.RESET_PORTAL_ACCOUNT, record, "T-reset")
    assert len(world.mailer.to(record.email, NoticeId.ACCOUNT_RESET)) == 1


def test_a_refused_transmission_id_can_be_delivered_again_once_valid(world, kit) -> None:
    """A refusal records nothing, not even the id: SEVIS may re-send a fixed record."""
    record = kit.student_record()
    bad = replace(record, email="broken")
    assert refused(lambda: world.transmit(TransmissionKind.OPT_APPROVED, bad, "T-1")) is (
        ErrorCode.TRANSMISSION_INVALID
    )
    world.transmit(TransmissionKind.OPT_APPROVED, record, "T-1")
    assert len(world.mailer.to(record.email, NoticeId.ACCOUNT_CREATION)) == 1


def test_an_email_already_used_by_another_student_is_refused(world, kit) -> None:
    first = world.approve()
    second = kit.student_record(email=first.email.upper())
    assert refused(lambda: world.approve(second)) is ErrorCode.TRANSMISSION_INVALID
    assert second.sevis_id not in world.portal.backend.accounts


# --- OPT approved (FAQ 7) ----------------------------------------------------------------


def test_an_approval_creates_an_account_waiting_for_registration(world, kit) -> None:
    record = world.approve()
    account = world.portal.backend.accounts[record.sevis_id]
    assert not account.registered
    assert account.email == record.email
    [email] = world.mailer.sent
    assert email["To"] == record.email
    assert email["Subject"] == kit.DEFAULT_CATALOG.subject(NoticeId.ACCOUNT_CREATION)


def test_an_approval_without_an_approved_authorization_is_refused(world, kit) -> None:
    record = kit.student_record(authorizations=(kit.authorization(status=OptStatus.PENDING),))
    assert refused(lambda: world.approve(record)) is ErrorCode.TRANSMISSION_INVALID
    assert world.mailer.sent == []


def test_each_approval_while_unregistered_sends_one_email_and_only_the_newest_link_works(
    world, kit
) -> None:
    record = world.approve()
    first = world.creation_token(record)
    stem = kit.authorization(
        OptType.STEM, kit.OPT_END + timedelta(days=1), kit.OPT_END.replace(year=2028)
    )
    world.approve(replace(record, authorizations=(*record.authorizations, stem)))
    emails = world.mailer.to(record.email, NoticeId.ACCOUNT_CREATION)
    assert len(emails) == 2
    assert "STEM OPT" in kit.body(emails[-1])
    assert refused(lambda: world.portal.register(first, record.sevis_id, kit.PASSWORD)) is (
        ErrorCode.TOKEN_INVALID
    )
    world.portal.register(world.creation_token(record), record.sevis_id, kit.PASSWORD)


def test_a_stem_approval_after_registration_updates_data_and_sends_no_creation_email(
    world, kit
) -> None:
    record, session = world.logged_in()
    stem = kit.authorization(
        OptType.STEM, kit.OPT_END + timedelta(days=1), kit.OPT_END.replace(year=2028)
    )
    world.approve(replace(record, authorizations=(*record.authorizations, stem)))
    assert len(world.mailer.to(record.email, NoticeId.ACCOUNT_CREATION)) == 1
    assert [a.opt_type for a in world.portal.authorizations(session)] == [
        OptType.POST_COMPLETION,
        OptType.STEM,
    ]
    assert any("OPT approved: STEM OPT" in e.summary for e in world.portal.history(session))


def test_pending_requests_are_not_shown_by_default_but_can_be(make_world, kit) -> None:
    pending = kit.authorization(
        OptType.STEM, kit.OPT_END, kit.OPT_END.replace(year=2028), OptStatus.PENDING
    )
    for show, expected in ((False, 1), (True, 2)):
        world = make_world(
            settings=PortalSettings(readings=Readings(pending_authorizations_shown=show))
        )
        record = kit.student_record(authorizations=(kit.authorization(), pending))
        _, session = world.logged_in(record)
        assert len(world.portal.authorizations(session)) == expected


# --- Reset Portal Account (FAQ 3, 5, 7) ---------------------------------------------------


def test_reset_before_registration_resends_creation_to_the_corrected_email(world, kit) -> None:
    record = world.approve(kit.student_record(email="typo@exmaple.edu"))
    old_token = world.creation_token(record)
    corrected = replace(record, email="right@example.edu")
    world.transmit(TransmissionKind.RESET_PORTAL_ACCOUNT, corrected)
    [resent] = world.mailer.to("right@example.edu", NoticeId.ACCOUNT_CREATION)
    assert refused(lambda: world.portal.register(old_token, record.sevis_id, kit.PASSWORD)) is (
        ErrorCode.TOKEN_INVALID
    )
    world.portal.register(kit.token_in(resent), record.sevis_id, kit.PASSWORD)
    world.session(corrected)


def test_reset_before_registration_lifts_a_registration_lock(world, kit) -> None:
    record = world.approve()
    token = world.creation_token(record)
    for _ in range(3):
        with pytest.raises(PortalError):
            world.portal.register(token, "N9999999999", kit.PASSWORD)
    world.transmit(TransmissionKind.RESET_PORTAL_ACCOUNT, record)
    world.portal.register(world.creation_token(record), record.sevis_id, kit.PASSWORD)


def test_reset_after_registration_ends_sessions_and_only_its_link_reopens(world, kit) -> None:
    record, session = world.logged_in()
    for _ in range(3):
        with pytest.raises(PortalError):
            world.portal.login(record.email, "Wrong-Password-1!")
    assert (
        refused(lambda: world.portal.login(record.email, kit.PASSWORD)) is ErrorCode.ACCOUNT_LOCKED
    )
    world.transmit(TransmissionKind.RESET_PORTAL_ACCOUNT, record)
    assert refused(lambda: world.portal.profile(session)) is ErrorCode.SESSION_INVALID
    [reset] = world.mailer.to(record.email, NoticeId.ACCOUNT_RESET)
    assert f"{world.portal.settings.base_url}/reset-password?token=" in kit.body(reset)
    assert (
        world.mailer.to(record.email, NoticeId.ACCOUNT_CREATION)[-1:]
        == world.mailer.to(record.email, NoticeId.ACCOUNT_CREATION)[:1]
    )  # no new creation email
    assert (  # the old password opens nothing any more: only the emailed link does
        refused(lambda: world.portal.login(record.email, kit.PASSWORD)) is ErrorCode.ACCOUNT_LOCKED
    )
    world.portal.complete_password_reset(kit.token_in(reset), kit.OTHER_PASSWORD)
    world.session(record, kit.OTHER_PASSWORD)


def test_the_account_reset_link_is_single_use(world, kit) -> None:
    record = world.registered()
    world.transmit(TransmissionKind.RESET_PORTAL_ACCOUNT, record)
    token = kit.token_in(world.mailer.to(record.email, NoticeId.ACCOUNT_RESET)[0])
    world.portal.complete_password_reset(token, kit.OTHER_PASSWORD)
    assert refused(lambda: world.portal.complete_password_reset(token, "Third-Portal-2026#")) is (
        ErrorCode.TOKEN_USED
    )


def test_reset_for_a_student_the_portal_never_heard_of_is_refused(world, kit) -> None:
    """FAQ 7: the approval never arrived; SEVIS shows the failure and the DSO asks the SRC."""
    record = kit.student_record()
    assert refused(lambda: world.transmit(TransmissionKind.RESET_PORTAL_ACCOUNT, record)) is (
        ErrorCode.TRANSMISSION_INVALID
    )
    assert world.mailer.sent == []


# --- daily sync (FAQ 2) ------------------------------------------------------------------


@pytest.mark.parametrize(
    "kind",
    [TransmissionKind.DAILY_SYNC, TransmissionKind.PROGRAM_CHANGED, TransmissionKind.STEM_DENIED],
)
def test_a_sync_for_a_student_without_account_is_ignored(world, kit, kind) -> None:
    world.transmit(kind, kit.student_record())
    assert world.portal.backend.accounts == {}
    assert world.mailer.sent == []


def test_a_daily_sync_applies_dso_changes_with_history(world, kit) -> None:
    record, session = world.logged_in()
    world.advance(days=1)
    changed = replace(record, phone="+1 217 555 0199", us_address=kit.OTHER_ADDRESS)
    world.transmit(TransmissionKind.DAILY_SYNC, changed)
    profile = world.portal.profile(session)
    assert (profile.phone, profile.us_address) == ("+1 217 555 0199", kit.OTHER_ADDRESS)
    entries = {
        e.field: e
        for e in world.portal.history(session)
        if e.summary.startswith("Changed in SEVIS")
    }
    assert entries["phone"].old_value == "+1 217 555 0100"
    assert entries["phone"].new_value == "+1 217 555 0199"
    assert "Austin" in entries["us_address"].new_value


def test_a_dso_email_change_changes_the_username(world, kit) -> None:
    record = world.registered()
    world.transmit(TransmissionKind.DAILY_SYNC, replace(record, email="new@example.edu"))
    assert refused(lambda: world.portal.login(record.email, kit.PASSWORD)) is (
        ErrorCode.INVALID_CREDENTIALS
    )
    world.portal.login("new@example.edu", kit.PASSWORD)


def test_a_dso_entered_stem_employer_appears_with_the_sync(world, kit) -> None:
    stem = kit.authorization(OptType.STEM, kit.OPT_START, kit.OPT_END)
    record, session = world.logged_in(kit.student_record(authorizations=(stem,)))
    assert world.portal.employers(session) == []
    cedar = kit.employment("Cedar Labs", opt_type=OptType.STEM)
    world.transmit(TransmissionKind.DAILY_SYNC, replace(record, employers=(cedar,)))
    [shown] = world.portal.employers(session)
    assert (shown.employer_id, shown.employer_name) == (cedar.employment_id, "Cedar Labs")


def test_a_restored_employer_comes_back_with_its_original_id_and_data(world, kit) -> None:
    record, session = world.logged_in()
    acme = kit.employment(supervisor_first_name="Grace", supervisor_last_name="Hopper")
    world.transmit(TransmissionKind.DAILY_SYNC, replace(record, employers=(acme,)))
    [before] = world.portal.employers(session)
    world.portal.delete_employer(session, acme.employment_id, never_worked_confirmed=True)
    world.advance(days=1)
    deleted = acme.with_status(EmploymentStatus.DELETED)
    world.transmit(TransmissionKind.DAILY_SYNC, replace(record, employers=(deleted,)))
    assert world.portal.employers(session) == []
    world.advance(days=1)
    world.transmit(TransmissionKind.DAILY_SYNC, replace(record, employers=(acme,)))
    assert world.portal.employers(session) == [before]


def test_an_older_snapshot_does_not_undo_a_newer_change(world, kit) -> None:
    record, session = world.logged_in()
    old_sync_time = world.clock.now()
    world.advance(hours=2)
    world.portal.update_contact(session, kit.ContactUpdate(phone="+1 217 555 0111"))
    late = kit.Transmission("T-late", TransmissionKind.DAILY_SYNC, old_sync_time, record)
    world.portal.deliver(late)
    assert world.portal.profile(session).phone == "+1 217 555 0111"


def test_stale_snapshots_apply_when_the_reading_is_off(make_world, kit) -> None:
    world = make_world(settings=PortalSettings(readings=Readings(stale_snapshots_ignored=False)))
    record, session = world.logged_in()
    old_sync_time = world.clock.now()
    world.advance(hours=2)
    world.portal.update_contact(session, kit.ContactUpdate(phone="+1 217 555 0111"))
    world.portal.deliver(
        kit.Transmission("T-late", TransmissionKind.DAILY_SYNC, old_sync_time, record)
    )
    assert world.portal.profile(session).phone == record.phone


# --- FAQ 8: transfer, level change, early completion, STEM denial ------------------------


def test_a_new_program_record_hides_the_old_opt_but_keeps_history(world, kit) -> None:
    record, session = world.logged_in()
    acme = world.portal.add_employer(
        session, kit.EmployerInput("Acme Robotics", kit.ADDRESS, kit.OPT_START, "Engineer")
    )
    world.advance(days=30)
    transferred = replace(
        record,
        program_id=f"{record.program_id}-transfer",
        education_level=EducationLevel.DOCTORATE,
        authorizations=(),
        employers=(),
    )
    world.transmit(TransmissionKind.PROGRAM_CHANGED, transferred)
    assert world.portal.authorizations(session) == []
    assert world.portal.employers(session) == []
    history = world.portal.history(session)
    assert any(e.summary == "Employer added in the portal: Acme Robotics" for e in history)
    assert any(
        e.category is HistoryCategory.EVENT and "New program of study record" in e.summary
        for e in history
    )
    assert (
        refused(
            lambda: world.portal.edit_employer(
                session, acme.employer_id, kit.EmployerEdit(job_title="X")
            )
        )
        is ErrorCode.NOT_FOUND
    )
    assert (
        refused(
            lambda: world.portal.add_employer(
                session, kit.EmployerInput("B", kit.ADDRESS, kit.OPT_START, "E")
            )
        )
        is ErrorCode.NO_AUTHORIZATION
    )
    assert world.portal.unemployment(session).days_used == 0


def test_early_completion_keeps_data_visible_and_read_only(world, kit) -> None:
    record, session = world.logged_in()
    world.portal.add_employer(
        session, kit.EmployerInput("Acme Robotics", kit.ADDRESS, kit.OPT_START, "Engineer")
    )
    completed_on = kit.OPT_END - timedelta(days=60)
    world.until_logging_in_monthly(record, completed_on)
    session = world.session(record)
    done = replace(
        record,
        program_status=ProgramStatus.COMPLETED,
        completed_on=completed_on,
        employers=tuple(
            kit.employment("Acme Robotics", employment_id=e.employer_id)
            for e in world.portal.employers(session)
        ),
    )
    world.transmit(TransmissionKind.RECORD_COMPLETED, done)
    assert [e.employer_name for e in world.portal.employers(session)] == ["Acme Robotics"]
    assert any("completed by your DSO" in e.summary for e in world.portal.history(session))
    assert (
        refused(
            lambda: world.portal.add_employer(
                session, kit.EmployerInput("Beta", kit.ADDRESS, completed_on, "Engineer")
            )
        )
        is ErrorCode.ACTION_NOT_ALLOWED
    )


def test_a_completion_without_a_date_is_refused(world, kit) -> None:
    record = world.registered()
    done = replace(record, program_status=ProgramStatus.COMPLETED)
    assert refused(lambda: world.transmit(TransmissionKind.RECORD_COMPLETED, done)) is (
        ErrorCode.TRANSMISSION_INVALID
    )


def test_a_stem_denial_removes_the_stem_opt_and_its_employers_only(world, kit) -> None:
    post = kit.authorization()
    stem = kit.authorization(
        OptType.STEM, kit.OPT_END + timedelta(days=1), kit.OPT_END.replace(year=2028)
    )
    acme = kit.employment("Acme Robotics")
    cedar = kit.employment("Cedar Labs", start=stem.start_date, opt_type=OptType.STEM)
    record = kit.student_record(authorizations=(post, stem), employers=(acme, cedar))
    record, session = world.logged_in(record)
    assert world.portal.unemployment(session).days_allowed == 150
    world.advance(days=1)
    denied_stem = replace(stem, status=OptStatus.DELETED)
    world.transmit(
        TransmissionKind.STEM_DENIED, replace(record, authorizations=(post, denied_stem))
    )
    assert [a.opt_type for a in world.portal.authorizations(session)] == [OptType.POST_COMPLETION]
    assert [e.employer_name for e in world.portal.employers(session)] == ["Acme Robotics"]
    assert world.portal.unemployment(session).days_allowed == 90
    assert any("STEM OPT denied" in e.summary for e in world.portal.history(session))


def test_a_stem_denial_removes_stem_even_from_a_late_snapshot(world, kit) -> None:
    earlier = kit.authorization(
        start=kit.OPT_START - timedelta(days=400), end=kit.OPT_START - timedelta(days=1)
    )
    stem = kit.authorization(OptType.STEM, kit.OPT_START, kit.OPT_END)
    record, session = world.logged_in(kit.student_record(authorizations=(earlier, stem)))
    sent_before = world.clock.now()
    world.advance(hours=1)
    world.portal.update_contact(session, kit.ContactUpdate(phone="+1 217 555 0122"))
    world.portal.deliver(
        kit.Transmission("T-late", TransmissionKind.STEM_DENIED, sent_before, record)
    )
    assert [a.opt_type for a in world.portal.authorizations(session)] == [OptType.POST_COMPLETION]
    assert world.portal.profile(session).phone == "+1 217 555 0122"
