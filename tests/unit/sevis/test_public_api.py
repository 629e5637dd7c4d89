"""The package's exported names: API drift fails the build (as httpx does)."""

from __future__ import annotations

import simulators.sevis as sevis_package
from simulators.sevis import SevisError, errors


def test_exported_names() -> None:
    assert set(sevis_package.__all__) == {
        "CHANGE_LIST_COLUMNS", "CONTACT_FIELDS", "DEFAULT_SCHOOL", "OPT_TRANSITIONS",
        "ConflictingOptRequest", "CorrectOptStatus", "DuplicateEmployment", "DuplicateStudent",
        "EmploymentNotDeleted", "EventName", "Fault", "FaultyTransport", "IllegalOptTransition",
        "InvalidInput", "InvalidSevisId", "IssueReport", "NoActionNeeded", "NoChange",
        "NoStemRequest", "NothingToRetransmit", "NullTransport", "OptRequest",
        "ProgramNotActive", "ProgramOfStudy", "RecordingTransport", "ReportOutcome",
        "ResetNotOffered", "Resolution", "RetransmitData", "SevisError", "SevisEvent",
        "SevisService", "SrcDesk", "StudentChangeRow", "Ticket", "TicketClosed", "TicketStatus",
        "TransmissionOutcome", "TransmissionRecord", "TransportAction", "TransportLogEntry",
        "UnknownChangeField", "UnknownEmployment", "UnknownOptRequest", "UnknownStudent",
        "UnknownTicket", "UnlockPortalAccount", "address_text", "parse_address_text",
    }  # fmt: skip
    for name in sevis_package.__all__:
        assert hasattr(sevis_package, name), name


def test_every_error_has_its_own_stable_code() -> None:
    subclasses = [
        obj
        for obj in vars(errors).values()
        if isinstance(obj, type) and issubclass(obj, SevisError) and obj is not SevisError
    ]
    codes = [cls.code for cls in subclasses]
    assert len(codes) == len(set(codes)) == 18
    assert all(code != SevisError.code for code in codes)
    assert str(errors.UnknownStudent("N1")) == "student-not-found: N1"
