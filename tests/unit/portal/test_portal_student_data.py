"""What a logged-in student changes: contact details and employers (FAQ 2, 6), each sent to
SEVIS at once and kept only if SEVIS took it; the unemployment counter."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from simulators.common.contract import ErrorCode, HistoryCategory, PortalError
from simulators.common.domain import EmploymentStatus, OptStatus, OptType
from simulators.common.records import FieldChange
from simulators.common.seams import StudentChangeKind, TransmissionKind
from simulators.portal import SevisRefusedChange


def refused(call) -> ErrorCode:  # type: ignore[no-untyped-def]
    with pytest.raises(PortalError) as caught:
        call()
    return caught.value.code


def employer_input(kit, name: str = "Acme Robotics", **changes):  # type: ignore[no-untyped-def]
    return replace(kit.EmployerInput(name, kit.ADDRESS, kit.OPT_START, "Engineer"), **changes)


def stem_student(world, kit, *, pending: bool = False):  # type: ignore[no-untyped-def]
    """A student whose STEM OPT (approved, or pending) follows a post-completion OPT that
    started 300 days before the clock; a DSO-entered STEM employer is on the record."""
    post = kit.authorization(
        start=kit.OPT_START - timedelta(days=300), end=kit.OPT_START - timedelta(days=1)
    )
    status = OptStatus.PENDING if pending else OptStatus.APPROVED
    stem = kit.authorization(
        OptType.STEM, kit.OPT_START, kit.OPT_START + timedelta(days=730), status
    )
    cedar = kit.employment("Cedar Labs", opt_type=OptType.STEM, supervisor_first_name="Ada")
    acme = kit.employment("Acme Robotics", start=post.start_date)
    record = kit.student_record(authorizations=(post, stem), employers=(acme, cedar))
    return world.logged_in(record)


# --- profile and contact ----------------------------------------------------------------


def test_the_profile_shows_what_sevis_sent(world, kit) -> None:
    record, session = world.logged_in()
    profile = world.portal.profile(session)
    assert (profile.sevis_id, profile.given_name, profile.surname, profile.birth_date) == (
        record.sevis_id,
        record.given_name,
        record.surname,
        record.birth_date,
    )


def test_a_phone_change_reaches_sevis_and_history(world, kit) -> None:
    record, session = world.logged_in()
    profile = world.portal.update_contact(session, kit.ContactUpdate(phone="+1 217 555 0199"))
    assert profile.phone == "+1 217 555 0199"
    [change] = world.sink.changes
    assert (change.kind, change.sevis_id) == (StudentChangeKind.CONTACT_CHANGED, record.sevis_id)
    assert change.changes == (FieldChange("phone", "+1 217 555 0100", "+1 217 555 0199"),)
    [entry] = [e for e in world.portal.history(session) if e.field == "phone"]
    assert (entry.category, entry.old_value, entry.new_value) == (
        HistoryCategory.CHANGE,
        "+1 217 555 0100",
        "+1 217 555 0199",
    )


def test_address_and_mailing_address_change_together(world, kit) -> None:
    _, session = world.logged_in()
    mailing = replace(kit.OTHER_ADDRESS, street="PO Box 9")
    update = kit.ContactUpdate(us_address=kit.OTHER_ADDRESS, mailing_address=mailing)
    profile = world.portal.update_contact(session, update)
    assert (profile.us_address, profile.mailing_address) == (kit.OTHER_ADDRESS, mailing)
    [change] = world.sink.changes
    assert [c.field for c in change.changes] == ["us_address", "mailing_address"]


@pytest.mark.parametrize(
    "address_change",
    [
        {"zip_code": "1234"},
        {"state": "XX"},
        {"street": "x" * 65},
        {"street": ""},
        {"city": ""},
        {"street": "1 Main\nStreet"},
    ],
)
def test_an_address_that_fails_validation_is_not_saved(world, kit, address_change) -> None:
    _, session = world.logged_in()
    before = world.portal.profile(session)
    bad = replace(kit.OTHER_ADDRESS, **address_change)
    for update in (kit.ContactUpdate(us_address=bad), kit.ContactUpdate(mailing_address=bad)):
        assert refused(lambda update=update: world.portal.update_contact(session, update)) is (
            ErrorCode.VALIDATION_FAILED
        )
    assert world.portal.profile(session) == before
    assert world.sink.changes == []


def test_a_good_phone_with_a_bad_address_saves_nothing(world, kit) -> None:
    _, session = world.logged_in()
    before = world.portal.profile(session)
    update = kit.ContactUpdate(phone="+1 217 555 0199", us_address=replace(kit.ADDRESS, state="ZZ"))
    assert (
        refused(lambda: world.portal.update_contact(session, update)) is ErrorCode.VALIDATION_FAILED
    )
    assert world.portal.profile(session) == before


def test_a_bad_phone_is_refused(world, kit) -> None:
    _, session = world.logged_in()
    assert (
        refused(lambda: world.portal.update_contact(session, kit.ContactUpdate(phone="call me")))
        is ErrorCode.VALIDATION_FAILED
    )


def test_an_update_that_changes_nothing_sends_nothing(world, kit) -> None:
    record, session = world.logged_in()
    world.portal.update_contact(session, kit.ContactUpdate(phone=record.phone))
    assert world.sink.changes == []


def test_name_and_birth_date_cannot_be_changed_through_the_contact_update(kit) -> None:
    assert set(vars(kit.ContactUpdate())) == {"us_address", "mailing_address", "phone"}


def test_a_change_sevis_refuses_is_not_saved(world, kit) -> None:
    _, session = world.logged_in()
    before = world.portal.profile(session)
    history = world.portal.history(session)
    world.sink.refuse = ConnectionError("SEVIS is down")
    with pytest.raises(SevisRefusedChange) as caught:
        world.portal.update_contact(session, kit.ContactUpdate(phone="+1 217 555 0199"))
    assert caught.value.code is ErrorCode.ACTION_NOT_ALLOWED
    assert "Nothing was saved" in caught.value.detail
    assert world.portal.profile(session) == before
    assert world.portal.history(session) == history


# --- employers ----------------------------------------------------------------------------


def test_an_added_employer_reaches_sevis_at_once_with_its_new_id(world, kit) -> None:
    _, session = world.logged_in()
    view = world.portal.add_employer(session, employer_input(kit))
    [change] = world.sink.changes
    assert change.kind is StudentChangeKind.EMPLOYER_ADDED
    assert change.employer is not None
    assert change.employer.employment_id == view.employer_id
    assert change.employer.status is EmploymentStatus.ACTIVE
    assert view.opt_type is OptType.POST_COMPLETION
    assert world.portal.employers(session) == [view]
    assert any(e.new_value == "Acme Robotics" for e in world.portal.history(session))


def test_employer_ids_are_unique_and_unguessable(world, kit) -> None:
    _, session = world.logged_in()
    ids = {world.portal.add_employer(session, employer_input(kit)).employer_id for _ in range(20)}
    assert len(ids) == 20
    assert all(len(i) >= 16 for i in ids)


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"employer_name": "x" * 101}, ErrorCode.VALIDATION_FAILED),
        ({"employer_name": ""}, ErrorCode.VALIDATION_FAILED),
        ({"job_title": ""}, ErrorCode.VALIDATION_FAILED),
        ({"ein": "123"}, ErrorCode.VALIDATION_FAILED),
        ({"supervisor_email": "nope"}, ErrorCode.VALIDATION_FAILED),
        ({"address": "zip"}, ErrorCode.VALIDATION_FAILED),
        ({"start_date": "before"}, ErrorCode.DATES_OUTSIDE_AUTHORIZATION),
        ({"end_date": "after"}, ErrorCode.DATES_OUTSIDE_AUTHORIZATION),
        ({"start_date": "after"}, ErrorCode.DATES_OUTSIDE_AUTHORIZATION),
    ],
)
def test_an_employer_that_breaks_a_rule_is_refused_and_nothing_is_saved(
    world, kit, changes, code
) -> None:
    _, session = world.logged_in()
    resolved = {
        "zip": replace(kit.ADDRESS, zip_code="1234"),
        "before": kit.OPT_START - timedelta(days=1),
        "after": kit.OPT_END + timedelta(days=1),
    }
    employer = employer_input(kit, **{k: resolved.get(v, v) for k, v in changes.items()})
    assert refused(lambda: world.portal.add_employer(session, employer)) is code
    assert world.portal.employers(session) == []
    assert world.sink.changes == []


def test_employment_on_the_first_and_last_authorized_days_is_accepted(world, kit) -> None:
    _, session = world.logged_in()
    world.portal.add_employer(
        session, employer_input(kit, start_date=kit.OPT_START, end_date=kit.OPT_END)
    )
    world.portal.add_employer(session, employer_input(kit, start_date=kit.OPT_END))


def test_no_approved_authorization_means_no_employer(world, kit) -> None:
    record, session = world.logged_in()
    world.transmit(TransmissionKind.DAILY_SYNC, replace(record, authorizations=()))
    assert refused(lambda: world.portal.add_employer(session, employer_input(kit))) is (
        ErrorCode.NO_AUTHORIZATION
    )


def test_a_stem_student_cannot_add_an_employer(world, kit) -> None:
    _, session = stem_student(world, kit)
    assert refused(lambda: world.portal.add_employer(session, employer_input(kit))) is (
        ErrorCode.ACTION_NOT_ALLOWED
    )
    assert world.sink.changes == []


def test_a_stem_student_edits_supervisor_job_title_and_end_date_only(world, kit) -> None:
    _, session = stem_student(world, kit)
    cedar = next(e for e in world.portal.employers(session) if e.employer_name == "Cedar Labs")
    edit = kit.EmployerEdit(
        job_title="Research Engineer",
        supervisor_first_name="Grace",
        supervisor_last_name="Hopper",
        supervisor_email="grace@cedar.example",
        supervisor_phone="+1 555 010 0200",
        end_date=kit.OPT_START + timedelta(days=400),
    )
    edited = world.portal.edit_employer(session, cedar.employer_id, edit)
    assert (edited.job_title, edited.supervisor_first_name) == ("Research Engineer", "Grace")
    [change] = world.sink.changes
    assert change.kind is StudentChangeKind.EMPLOYER_EDITED
    assert {c.field for c in change.changes} == {
        "job_title",
        "supervisor_first_name",
        "supervisor_last_name",
        "supervisor_email",
        "supervisor_phone",
        "end_date",
    }
    for refused_edit in (
        kit.EmployerEdit(employer_name="Cedar Labs West"),
        kit.EmployerEdit(address=kit.OTHER_ADDRESS),
        kit.EmployerEdit(start_date=kit.OPT_START + timedelta(days=1)),
        kit.EmployerEdit(job_title="Lead", employer_name="Cedar Labs West"),
    ):
        assert (
            refused(
                lambda e=refused_edit: world.portal.edit_employer(session, cedar.employer_id, e)
            )
            is ErrorCode.ACTION_NOT_ALLOWED
        )
    assert world.portal.employers(session)[-1].employer_name == "Cedar Labs"


def test_a_stem_student_may_resubmit_an_unchanged_name(world, kit) -> None:
    _, session = stem_student(world, kit)
    cedar = next(e for e in world.portal.employers(session) if e.employer_name == "Cedar Labs")
    edit = kit.EmployerEdit(employer_name="Cedar Labs", job_title="Lead")
    assert world.portal.edit_employer(session, cedar.employer_id, edit).job_title == "Lead"


def test_a_stem_student_cannot_delete_an_employer(world, kit) -> None:
    _, session = stem_student(world, kit)
    cedar = next(e for e in world.portal.employers(session) if e.employer_name == "Cedar Labs")
    assert (
        refused(
            lambda: world.portal.delete_employer(
                session, cedar.employer_id, never_worked_confirmed=True
            )
        )
        is ErrorCode.ACTION_NOT_ALLOWED
    )


def test_with_stem_pending_the_student_is_still_on_post_completion(world, kit) -> None:
    """FAQ 6: while USCIS has the STEM extension pending, employment stays editable."""
    _, session = stem_student(world, kit, pending=True)
    acme = next(e for e in world.portal.employers(session) if e.employer_name == "Acme Robotics")
    edited = world.portal.edit_employer(
        session,
        acme.employer_id,
        kit.EmployerEdit(job_title="Data Engineer", employer_name="Acme Inc"),
    )
    assert (edited.job_title, edited.employer_name) == ("Data Engineer", "Acme Inc")
    assert world.portal.unemployment(session).days_allowed == 90


def test_an_edit_reaches_sevis_with_the_field_changes_and_history(world, kit) -> None:
    _, session = world.logged_in()
    acme = world.portal.add_employer(session, employer_input(kit))
    edited = world.portal.edit_employer(
        session, acme.employer_id, kit.EmployerEdit(job_title="Data Engineer")
    )
    assert edited.job_title == "Data Engineer"
    change = world.sink.changes[-1]
    assert change.changes == (FieldChange("job_title", "Engineer", "Data Engineer"),)
    assert change.employer is not None and change.employer.job_title == "Data Engineer"
    entry = world.portal.history(session)[-1]
    assert (entry.field, entry.old_value, entry.new_value) == (
        "job_title",
        "Engineer",
        "Data Engineer",
    )


def test_an_edit_is_checked_like_an_addition(world, kit) -> None:
    _, session = world.logged_in()
    acme = world.portal.add_employer(session, employer_input(kit))
    for edit, code in (
        (kit.EmployerEdit(employer_name=""), ErrorCode.VALIDATION_FAILED),
        (kit.EmployerEdit(end_date=kit.OPT_START - timedelta(days=1)), ErrorCode.VALIDATION_FAILED),
        (
            kit.EmployerEdit(end_date=kit.OPT_END + timedelta(days=1)),
            ErrorCode.DATES_OUTSIDE_AUTHORIZATION,
        ),
    ):
        assert (
            refused(lambda edit=edit: world.portal.edit_employer(session, acme.employer_id, edit))
            is code
        )
    assert world.portal.employers(session) == [acme]


def test_an_empty_edit_changes_and_sends_nothing(world, kit) -> None:
    _, session = world.logged_in()
    acme = world.portal.add_employer(session, employer_input(kit))
    assert world.portal.edit_employer(session, acme.employer_id, kit.EmployerEdit()) == acme
    assert len(world.sink.changes) == 1


def test_a_delete_without_the_never_worked_confirmation_is_refused(world, kit) -> None:
    _, session = world.logged_in()
    acme = world.portal.add_employer(session, employer_input(kit))
    assert (
        refused(
            lambda: world.portal.delete_employer(
                session, acme.employer_id, never_worked_confirmed=False
            )
        )
        is ErrorCode.CONFIRMATION_REQUIRED
    )
    assert world.portal.employers(session) == [acme]
    assert len(world.sink.changes) == 1


def test_a_confirmed_delete_reaches_sevis_and_history(world, kit) -> None:
    _, session = world.logged_in()
    acme = world.portal.add_employer(session, employer_input(kit))
    world.portal.delete_employer(session, acme.employer_id, never_worked_confirmed=True)
    assert world.portal.employers(session) == []
    change = world.sink.changes[-1]
    assert change.kind is StudentChangeKind.EMPLOYER_DELETED
    assert change.employer is not None
    assert (change.employer.employment_id, change.employer.status) == (
        acme.employer_id,
        EmploymentStatus.DELETED,
    )
    entry = world.portal.history(session)[-1]
    assert (entry.old_value, entry.new_value) == ("Acme Robotics", "")
    assert "deleted" in entry.summary


def test_re_adding_a_deleted_employer_makes_a_new_one(world, kit) -> None:
    _, session = world.logged_in()
    acme = world.portal.add_employer(session, employer_input(kit))
    world.portal.delete_employer(session, acme.employer_id, never_worked_confirmed=True)
    again = world.portal.add_employer(session, employer_input(kit))
    assert again.employer_id != acme.employer_id


def test_another_students_employer_is_not_found(world, kit) -> None:
    _, first = world.logged_in()
    _, other = world.logged_in()
    acme = world.portal.add_employer(first, employer_input(kit))
    for call in (
        lambda: world.portal.delete_employer(other, acme.employer_id, never_worked_confirmed=True),
        lambda: world.portal.delete_employer(other, acme.employer_id, never_worked_confirmed=False),
        lambda: world.portal.edit_employer(
            other, acme.employer_id, kit.EmployerEdit(job_title="X")
        ),
        lambda: world.portal.delete_employer(other, "E-unknown", never_worked_confirmed=True),
    ):
        assert refused(call) is ErrorCode.NOT_FOUND
    assert world.portal.employers(first) == [acme]
    assert world.portal.employers(other) == []


@pytest.mark.parametrize("operation", ["add", "edit", "delete"])
def test_an_employer_change_sevis_refuses_is_not_saved(world, kit, operation) -> None:
    _, session = world.logged_in()
    acme = world.portal.add_employer(session, employer_input(kit))
    history = world.portal.history(session)
    world.sink.refuse = RuntimeError("validation error in SEVIS")
    calls = {
        "add": lambda: world.portal.add_employer(session, employer_input(kit, "Beta")),
        "edit": lambda: world.portal.edit_employer(
            session, acme.employer_id, kit.EmployerEdit(job_title="Lead")
        ),
        "delete": lambda: world.portal.delete_employer(
            session, acme.employer_id, never_worked_confirmed=True
        ),
    }
    with pytest.raises(SevisRefusedChange):
        calls[operation]()
    assert world.portal.employers(session) == [acme]
    assert world.portal.history(session) == history


# --- unemployment -------------------------------------------------------------------------


def test_the_counter_counts_days_without_an_employer(world, kit) -> None:
    record, session = world.logged_in()
    assert world.portal.unemployment(session).days_used == 1  # the OPT start day, no employer
    session = world.until_logging_in_monthly(record, kit.OPT_START + timedelta(days=29))
    view = world.portal.unemployment(session)
    assert (view.days_used, view.days_allowed, view.days_left) == (30, 90, 60)
    world.portal.add_employer(
        session, employer_input(kit, start_date=world.clock.today() + timedelta(days=1))
    )
    session = world.until_logging_in_monthly(record, kit.OPT_START + timedelta(days=49))
    assert world.portal.unemployment(session).days_used == 30
    assert world.portal.unemployment(session).as_of == world.clock.today()


def test_the_counter_is_zero_before_the_opt_starts(world, kit) -> None:
    later = kit.authorization(start=kit.OPT_START + timedelta(days=10))
    _, session = world.logged_in(kit.student_record(authorizations=(later,)))
    assert world.portal.unemployment(session).days_used == 0


def test_the_counter_counts_from_the_earliest_approved_start_and_ends_at_the_opt_end(
    world, kit
) -> None:
    post = kit.authorization(
        start=kit.OPT_START - timedelta(days=200), end=kit.OPT_START - timedelta(days=101)
    )
    stem = kit.authorization(
        OptType.STEM, kit.OPT_START - timedelta(days=100), kit.OPT_START - timedelta(days=1)
    )
    worked = kit.employment(start=post.start_date, end_date=post.start_date + timedelta(days=59))
    record = kit.student_record(authorizations=(post, stem), employers=(worked,))
    _, session = world.logged_in(record)
    view = world.portal.unemployment(session)
    assert (view.days_used, view.days_allowed) == (140, 150)


def test_the_counter_ignores_pending_requests(world, kit) -> None:
    pending = kit.authorization(
        OptType.STEM,
        kit.OPT_END + timedelta(days=1),
        kit.OPT_END.replace(year=2028),
        OptStatus.PENDING,
    )
    record = kit.student_record(authorizations=(kit.authorization(), pending))
    _, session = world.logged_in(record)
    assert world.portal.unemployment(session).days_allowed == 90


def test_with_stem_pending_the_student_may_still_add_an_employer(world, kit) -> None:
    post = kit.authorization()
    pending = kit.authorization(
        OptType.STEM,
        kit.OPT_END + timedelta(days=1),
        kit.OPT_END.replace(year=2028),
        OptStatus.PENDING,
    )
    _, session = world.logged_in(kit.student_record(authorizations=(post, pending)))
    view = world.portal.add_employer(session, employer_input(kit))
    assert view.opt_type is OptType.POST_COMPLETION


def test_with_stem_pending_edits_work_after_the_post_completion_end(world, kit) -> None:
    """FAQ 6: USCIS approved the extension but SEVIS still says pending; the post-completion
    end date has passed and the student still edits employment."""
    post = kit.authorization()
    pending = kit.authorization(
        OptType.STEM,
        kit.OPT_END + timedelta(days=1),
        kit.OPT_END.replace(year=2028),
        OptStatus.PENDING,
    )
    record, session = world.logged_in(kit.student_record(authorizations=(post, pending)))
    acme = world.portal.add_employer(session, employer_input(kit))
    session = world.until_logging_in_monthly(record, kit.OPT_END + timedelta(days=20))
    edited = world.portal.edit_employer(
        session, acme.employer_id, kit.EmployerEdit(job_title="Senior Data Engineer")
    )
    assert edited.job_title == "Senior Data Engineer"
    assert world.sink.changes[-1].kind is StudentChangeKind.EMPLOYER_EDITED
