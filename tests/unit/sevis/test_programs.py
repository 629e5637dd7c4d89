"""Program of study records (FAQ 8): transfer and level change start a new record with no
OPT under the same SEVIS ID; early completion; a denied STEM OPT is deleted."""

from __future__ import annotations

from datetime import date

import pytest

from simulators.common.domain import (
    EducationLevel,
    EmploymentStatus,
    OptStatus,
    OptType,
    ProgramStatus,
)
from simulators.common.seams import StudentChange, StudentChangeKind, TransmissionKind
from simulators.sevis import EventName, NoChange, ProgramNotActive, SevisService


def _with_employer(sevis: SevisService, sevis_id: str, h) -> None:
    sevis.receive_student_change(
        StudentChange(
            "C-1", sevis_id, StudentChangeKind.EMPLOYER_ADDED, sevis.clock.now(), h.employer()
        )
    )


@pytest.mark.parametrize("how", ["transfer", "level"])
def test_new_program_record_without_opt_under_the_same_sevis_id(
    sevis: SevisService, on_opt: tuple[str, str], portal, h, how: str
) -> None:
    sevis_id, request_id = on_opt
    _with_employer(sevis, sevis_id, h)
    old_program = sevis.current_program(sevis_id)
    if how == "transfer":
        new_id = sevis.transfer(sevis_id, "Other College", dso="Dana DSO")
    else:
        new_id = sevis.change_education_level(sevis_id, EducationLevel.DOCTORATE, dso="Dana DSO")

    programs = sevis.programs(sevis_id)
    assert [p.program_id for p in programs] == [old_program.program_id, new_id]
    assert [p.status for p in programs] == [ProgramStatus.ENDED, ProgramStatus.ACTIVE]
    assert programs[-1].requests == [] and programs[-1].employment == {}
    assert programs[0].ended_on == date(2026, 1, 5)

    [sent] = portal.delivered
    assert sent.kind is TransmissionKind.PROGRAM_CHANGED
    assert sent.record.sevis_id == sevis_id
    assert sent.record.program_id == new_id
    assert sent.record.authorizations == () and sent.record.employers == ()
    # the old OPT is ended with its program: nothing acts on it any more
    with pytest.raises(ProgramNotActive):
        sevis.src.correct_opt_status(request_id, OptStatus.PENDING)
    # the history keeps every past event
    names = [e.name for e in sevis.event_history(sevis_id)]
    assert EventName.OPT_APPROVED in names
    assert names[-3:] == [
        EventName.PROGRAM_ENDED,
        EventName.PROGRAM_CREATED,
        EventName.DATA_SENT_TO_PORTAL,
    ]


def test_level_change_keeps_school_transfer_keeps_level(sevis: SevisService, enrolled: str) -> None:
    sevis.change_education_level(enrolled, EducationLevel.DOCTORATE, "Dana DSO")
    sevis.transfer(enrolled, "Other College", "Dana DSO")
    first, second, third = sevis.programs(enrolled)
    assert (second.school, second.education_level) == (first.school, EducationLevel.DOCTORATE)
    assert (third.school, third.education_level) == ("Other College", EducationLevel.DOCTORATE)


def test_no_op_transfer_and_level_change_are_refused(sevis: SevisService, enrolled: str) -> None:
    program = sevis.current_program(enrolled)
    with pytest.raises(NoChange):
        sevis.transfer(enrolled, program.school, "Dana DSO")
    with pytest.raises(NoChange):
        sevis.change_education_level(enrolled, program.education_level, "Dana DSO")
    assert len(sevis.programs(enrolled)) == 1


def test_new_program_can_request_opt_again(sevis: SevisService, on_opt: tuple[str, str], h) -> None:
    sevis_id, _ = on_opt
    sevis.transfer(sevis_id, "Other College", "Dana DSO")
    request_id = sevis.request_opt(sevis_id, OptType.POST_COMPLETION, h.OPT_START, h.OPT_END)
    h.approve(sevis, request_id)
    assert [a.authorization_id for a in sevis.snapshot(sevis_id).authorizations] == [request_id]


def test_early_completion(sevis: SevisService, on_opt: tuple[str, str], portal, h) -> None:
    sevis_id, request_id = on_opt
    _with_employer(sevis, sevis_id, h)
    sevis.complete_record(sevis_id, date(2026, 6, 30), dso="Dana DSO")
    [sent] = portal.delivered
    assert sent.kind is TransmissionKind.RECORD_COMPLETED
    assert sent.record.program_status is ProgramStatus.COMPLETED
    assert sent.record.completed_on == date(2026, 6, 30)
    # the portal still gets the authorization and employers to show for six months
    assert [a.authorization_id for a in sent.record.authorizations] == [request_id]
    assert [e.employment_id for e in sent.record.employers] == ["E-1"]
    assert sevis.event_history(sevis_id)[-2].performed_by == "Dana DSO"
    with pytest.raises(ProgramNotActive):
        sevis.complete_record(sevis_id, date(2026, 7, 1), dso="Dana DSO")
    with pytest.raises(ProgramNotActive):
        sevis.transfer(sevis_id, "Other College", "Dana DSO")


@pytest.mark.parametrize("by", ["uscis", "src"])
def test_stem_denial_deletes_the_stem_opt_and_its_employment(
    sevis: SevisService, on_stem: tuple[str, str], portal, h, by: str
) -> None:
    sevis_id, stem_id = on_stem
    sevis.enter_stem_employer(sevis_id, h.employer("E-STEM", "Stem Labs"), dso="Dana DSO")
    _with_employer(sevis, sevis_id, h)  # a post-completion employer stays
    portal.clear()
    if by == "uscis":
        sevis.uscis_deny(stem_id)
    else:
        sevis.src.correct_opt_status(stem_id, OptStatus.DENIED)

    assert sevis.opt_request(stem_id).status is OptStatus.DELETED
    employment = sevis.current_program(sevis_id).employment
    assert "E-STEM" not in employment
    assert employment["E-1"].status is EmploymentStatus.ACTIVE
    [sent] = portal.delivered
    assert sent.kind is TransmissionKind.STEM_DENIED
    assert [a.opt_type for a in sent.record.authorizations] == [OptType.POST_COMPLETION]
    assert [e.employment_id for e in sent.record.employers] == ["E-1"]
    statuses = [e.status for e in sevis.event_history(sevis_id) if e.request_id == stem_id]
    assert statuses[-2:] == ["Denied", "Deleted"]
