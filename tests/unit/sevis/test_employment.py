"""Student changes from the portal reach SEVIS at once; DSOs retrieve and restore what a
student deleted (FAQ 2), enter STEM employers, and download the change list (FAQ 10)."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulators.common.domain import EmploymentStatus, OptType
from simulators.common.records import FieldChange, UsAddress
from simulators.common.seams import StudentChange, StudentChangeKind, TransmissionKind
from simulators.sevis import (
    CHANGE_LIST_COLUMNS,
    DuplicateEmployment,
    EmploymentNotDeleted,
    EventName,
    InvalidInput,
    NoStemRequest,
    ProgramNotActive,
    SevisService,
    UnknownChangeField,
    UnknownEmployment,
    UnknownStudent,
    address_text,
    parse_address_text,
)


def change(sevis: SevisService, change_id: str, sevis_id: str, kind, employer=None, changes=()):
    return StudentChange(change_id, sevis_id, kind, sevis.clock.now(), employer, tuple(changes))


def test_added_employer_is_stored_at_once_with_the_portal_id(
    sevis: SevisService, on_opt: tuple[str, str], portal, h
) -> None:
    sevis_id, _ = on_opt
    sevis.receive_student_change(
        change(sevis, "C-1", sevis_id, StudentChangeKind.EMPLOYER_ADDED, h.employer("P-77"))
    )
    assert [e.employment_id for e in sevis.snapshot(sevis_id).employers] == ["P-77"]
    last = sevis.event_history(sevis_id)[-1]
    assert (last.name, last.performed_by) == (
        EventName.EMPLOYER_ADDED_IN_PORTAL,
        "System Interface",
    )
    assert portal.delivered == []  # the portal already has it: nothing goes back


def test_changes_are_idempotent_on_change_id(
    sevis: SevisService, on_opt: tuple[str, str], h
) -> None:
    sevis_id, _ = on_opt
    added = change(sevis, "C-1", sevis_id, StudentChangeKind.EMPLOYER_ADDED, h.employer())
    sevis.receive_student_change(added)
    events = len(sevis.event_history(sevis_id))
    sevis.receive_student_change(added)
    assert len(sevis.event_history(sevis_id)) == events
    assert len(sevis.student_change_list()) == 1
    with pytest.raises(DuplicateEmployment):  # a new change id re-adding the same employer
        sevis.receive_student_change(replace(added, change_id="C-2"))


def test_edit_and_delete(sevis: SevisService, on_opt: tuple[str, str], h) -> None:
    sevis_id, _ = on_opt
    sevis.receive_student_change(
        change(sevis, "C-1", sevis_id, StudentChangeKind.EMPLOYER_ADDED, h.employer())
    )
    edited = h.employer(job_title="Senior Analyst")
    sevis.receive_student_change(
        change(sevis, "C-2", sevis_id, StudentChangeKind.EMPLOYER_EDITED, edited)
    )
    assert sevis.snapshot(sevis_id).employers[0].job_title == "Senior Analyst"
    assert sevis.event_history(sevis_id)[-1].changes == (
        FieldChange("job_title", "Data Analyst", "Senior Analyst"),
    )
    sevis.receive_student_change(
        change(sevis, "C-3", sevis_id, StudentChangeKind.EMPLOYER_DELETED, edited)
    )
    assert sevis.snapshot(sevis_id).employers == ()
    [deleted] = sevis.deleted_employment(sevis_id)
    assert deleted.status is EmploymentStatus.DELETED
    with pytest.raises(UnknownEmployment):  # a deleted employer cannot be edited
        sevis.receive_student_change(
            change(sevis, "C-4", sevis_id, StudentChangeKind.EMPLOYER_EDITED, edited)
        )


def test_refusals_of_portal_changes(sevis: SevisService, on_opt: tuple[str, str], h) -> None:
    sevis_id, _ = on_opt
    with pytest.raises(UnknownStudent):
        sevis.receive_student_change(
            change(sevis, "C-1", "N9999999999", StudentChangeKind.EMPLOYER_ADDED, h.employer())
        )
    with pytest.raises(UnknownEmployment):
        sevis.receive_student_change(
            change(sevis, "C-2", sevis_id, StudentChangeKind.EMPLOYER_EDITED, h.employer("E-9"))
        )
    with pytest.raises(InvalidInput):
        sevis.receive_student_change(
            change(sevis, "C-3", sevis_id, StudentChangeKind.EMPLOYER_ADDED, None)
        )
    with pytest.raises(InvalidInput):
        sevis.receive_student_change(
            change(
                sevis,
                "C-4",
                sevis_id,
                StudentChangeKind.EMPLOYER_ADDED,
                h.employer(employer_name=""),
            )
        )
    with pytest.raises(UnknownChangeField):
        sevis.receive_student_change(
            change(
                sevis,
                "C-5",
                sevis_id,
                StudentChangeKind.CONTACT_CHANGED,
                changes=[FieldChange("birth_date", "1998-03-04", "1990-01-01")],
            )
        )
    assert sevis.snapshot(sevis_id).employers == ()
    assert sevis.student_change_list() == []


def test_contact_change(sevis: SevisService, on_opt: tuple[str, str]) -> None:
    sevis_id, _ = on_opt
    sevis.receive_student_change(
        change(
            sevis,
            "C-1",
            sevis_id,
            StudentChangeKind.CONTACT_CHANGED,
            changes=[
                FieldChange("phone", "+1 217 555 0100", "+1 217 555 0111"),
                FieldChange("us_address.street", "1 Main St", "2 Oak Ave"),
            ],
        )
    )
    record = sevis.snapshot(sevis_id)
    assert (record.phone, record.us_address.street) == ("+1 217 555 0111", "2 Oak Ave")
    with pytest.raises(InvalidInput):  # an address that fails validation is not saved
        sevis.receive_student_change(
            change(
                sevis,
                "C-2",
                sevis_id,
                StudentChangeKind.CONTACT_CHANGED,
                changes=[FieldChange("us_address.zip_code", "62701", "ABCDE")],
            )
        )
    assert sevis.snapshot(sevis_id).us_address.zip_code == "62701"


def test_whole_address_changes_as_the_portal_writes_them(
    sevis: SevisService, on_opt: tuple[str, str]
) -> None:
    sevis_id, _ = on_opt
    new_home = UsAddress("2 Oak Ave", "Peoria", "IL", "61602", other="Apt 3")
    mailing = UsAddress("PO Box 9", "Peoria", "IL", "61602")
    sevis.receive_student_change(
        change(
            sevis,
            "C-1",
            sevis_id,
            StudentChangeKind.CONTACT_CHANGED,
            changes=[
                FieldChange(
                    "us_address", "1 Main St, Springfield, IL 62701", address_text(new_home)
                ),
                FieldChange("mailing_address", "", address_text(mailing)),
            ],
        )
    )
    record = sevis.snapshot(sevis_id)
    assert (record.us_address, record.mailing_address) == (new_home, mailing)
    sevis.receive_student_change(
        change(
            sevis,
            "C-2",
            sevis_id,
            StudentChangeKind.CONTACT_CHANGED,
            changes=[FieldChange("mailing_address", address_text(mailing), "")],
        )
    )
    assert sevis.snapshot(sevis_id).mailing_address is None
    for unreadable in ("", "1 Main St, Springfield", "1 Main St, Springfield, IL"):
        with pytest.raises(InvalidInput):
            sevis.receive_student_change(
                change(
                    sevis,
                    f"C-{unreadable}",
                    sevis_id,
                    StudentChangeKind.CONTACT_CHANGED,
                    changes=[FieldChange("us_address", "", unreadable)],
                )
            )
    assert sevis.snapshot(sevis_id).us_address == new_home


@settings(deadline=None)  # a shared CI machine's pauses are not this function's speed
@given(
    st.builds(
        UsAddress,
        street=st.text(alphabet="abc 123", min_size=1).map(lambda t: "1" + t.strip()),
        city=st.sampled_from(["Austin", "El Paso", "St. Louis"]),
        state=st.sampled_from(["TX", "MO", "PR"]),
        zip_code=st.from_regex(r"\A\d{5}\Z"),
        other=st.sampled_from(["", "Apt 3", "Suite 100"]),
    )
)
def test_address_text_reads_back(address: UsAddress) -> None:
    assert parse_address_text(address_text(address)) == address


def test_restore_brings_back_the_original(
    sevis: SevisService, on_opt: tuple[str, str], portal, clock, h
) -> None:
    sevis_id, _ = on_opt
    original = h.employer("P-1", end_date=h.OPT_END)
    sevis.receive_student_change(
        change(sevis, "C-1", sevis_id, StudentChangeKind.EMPLOYER_ADDED, original)
    )
    sevis.receive_student_change(
        change(sevis, "C-2", sevis_id, StudentChangeKind.EMPLOYER_DELETED, original)
    )
    assert [e.employment_id for e in sevis.deleted_employment(sevis_id)] == ["P-1"]
    restored = sevis.restore_employment(sevis_id, "P-1", dso="Dana DSO")
    assert restored == original  # same id, name, dates, address, status Active
    assert sevis.deleted_employment(sevis_id) == []
    assert portal.delivered == []  # queued for the daily sync
    clock.advance(timedelta(days=1))
    [sync] = portal.delivered
    assert sync.kind is TransmissionKind.DAILY_SYNC
    assert sync.record.employers == (original,)
    with pytest.raises(EmploymentNotDeleted):
        sevis.restore_employment(sevis_id, "P-1", dso="Dana DSO")
    with pytest.raises(UnknownEmployment):
        sevis.restore_employment(sevis_id, "P-404", dso="Dana DSO")


def test_stem_employer_appears_the_day_after(
    sevis: SevisService, on_stem: tuple[str, str], portal, clock, h
) -> None:
    sevis_id, _ = on_stem
    portal.clear()
    entered = sevis.enter_stem_employer(sevis_id, h.employer("I983-1", "Stem Labs"), "Dana DSO")
    assert entered.opt_type is OptType.STEM
    assert portal.delivered == []
    clock.advance(timedelta(days=1))
    [sync] = portal.delivered
    assert [e.employment_id for e in sync.record.employers] == ["I983-1"]
    with pytest.raises(DuplicateEmployment):
        sevis.enter_stem_employer(sevis_id, h.employer("I983-1"), "Dana DSO")


def test_a_stem_employer_entered_without_an_id_is_transmitted_with_a_real_one(
    sevis: SevisService, on_stem: tuple[str, str], portal, clock, h
) -> None:
    sevis_id, _ = on_stem
    portal.clear()
    first = sevis.enter_stem_employer(sevis_id, h.employer("", "Stem Labs"), "Dana DSO")
    second = sevis.enter_stem_employer(sevis_id, h.employer("", "Other Labs"), "Dana DSO")
    assert first.employment_id and second.employment_id
    assert first.employment_id != second.employment_id
    clock.advance(timedelta(days=1))
    [sync] = portal.delivered
    ids = {e.employment_id for e in sync.record.employers}
    assert {first.employment_id, second.employment_id} <= ids and "" not in ids


def test_stem_employer_needs_a_stem_request(
    sevis: SevisService, on_opt: tuple[str, str], h
) -> None:
    sevis_id, _ = on_opt
    with pytest.raises(NoStemRequest):
        sevis.enter_stem_employer(sevis_id, h.employer(), "Dana DSO")


def test_student_change_list_and_csv(
    sevis: SevisService, on_opt: tuple[str, str], clock, h
) -> None:
    sevis_id, _ = on_opt
    name = sevis.snapshot(sevis_id).full_name
    sevis.receive_student_change(
        change(sevis, "C-1", sevis_id, StudentChangeKind.EMPLOYER_ADDED, h.employer())
    )
    clock.advance(timedelta(hours=1))
    cut = clock.now()
    sevis.receive_student_change(
        change(
            sevis,
            "C-2",
            sevis_id,
            StudentChangeKind.CONTACT_CHANGED,
            changes=[FieldChange("phone", "+1 217 555 0100", "+1 217 555 0111")],
        )
    )
    rows = sevis.student_change_list()
    assert [(r.kind, r.field, r.old_value, r.new_value) for r in rows] == [
        (StudentChangeKind.EMPLOYER_ADDED, "employer", "", "Acme Corp"),
        (StudentChangeKind.CONTACT_CHANGED, "phone", "+1 217 555 0100", "+1 217 555 0111"),
    ]
    assert all(r.sevis_id == sevis_id and r.student_name == name for r in rows)
    assert [r.change_id for r in sevis.student_change_list(since=cut)] == ["C-2"]
    parsed = list(csv.DictReader(io.StringIO(sevis.student_change_list_csv())))
    assert tuple(parsed[0]) == CHANGE_LIST_COLUMNS
    assert [p["field"] for p in parsed] == ["employer", "phone"]
    assert parsed[1]["changed_at"] == cut.isoformat()


def test_dso_edits_are_not_in_the_student_change_list(
    sevis: SevisService, on_opt: tuple[str, str]
) -> None:
    sevis_id, _ = on_opt
    sevis.update_contact(sevis_id, "Dana DSO", phone="+1 217 555 0199")
    assert sevis.student_change_list() == []


def test_an_employer_added_after_a_transfer_is_refused_and_kept_off_the_new_record(
    sevis: SevisService, on_opt: tuple[str, str], h
) -> None:
    """The portal may still show the old program (the transfer's transmission failed); an
    employer the student adds there has no OPT to belong to on the new record. Found by the
    fuzzer: it reached the portal later on the new program, breaking transfer-new-program."""
    sevis_id, _ = on_opt
    sevis.transfer(sevis_id, "Another University", "dso@example.edu")
    with pytest.raises(ProgramNotActive):
        sevis.receive_student_change(
            change(sevis, "C-1", sevis_id, StudentChangeKind.EMPLOYER_ADDED, h.employer("P-1"))
        )
    assert sevis.snapshot(sevis_id).employers == ()
    assert sevis.student_change_list() == []
