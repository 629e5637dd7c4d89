"""Email bodies and History entries are read by meaning: every accepted form passes, and a
body or entry that lacks the meaning still fails (the checks can fail)."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from harness.checks import (
    carries_reporting_reminder,
    names_opt_type,
    names_student,
    readable_text,
    records_employer,
)
from simulators.common.clock import SimulatedClock
from simulators.common.contract import HistoryCategory, HistoryEntry, HistoryKind
from simulators.common.domain import OptType
from simulators.common.notices import ACCEPTED_FORMS
from simulators.mail import MailStore
from simulators.mail.models import parse_message


@pytest.mark.parametrize(
    "text",
    ["Dear Mei Chen,", "Dear CHEN, Mei,", "Dear chen mei", "Hello MEI CHEN", "Dear Mei,"],
)
def test_the_students_name_in_any_order_and_case(text: str) -> None:
    assert names_student(text, "Mei", "Chen", ACCEPTED_FORMS)


@pytest.mark.parametrize("text", ["Dear Student,", "Dear Meiling Chenson,", "Dear Chen,"])
def test_a_body_that_does_not_name_the_student_fails(text: str) -> None:
    assert not names_student(text, "Mei", "Chen", ACCEPTED_FORMS)


@pytest.mark.parametrize(
    "text",
    ["Type of OPT: Post completion OPT", "your Post-Completion OPT", "POST-COMPLETION opt"],
)
def test_the_opt_type_in_any_common_spelling(text: str) -> None:
    assert names_opt_type(text, OptType.POST_COMPLETION, ACCEPTED_FORMS)
    assert not names_opt_type(text, OptType.STEM, ACCEPTED_FORMS)


@pytest.mark.parametrize(
    "text",
    [
        "You must report changes to your address, telephone number and employer within 10 days.",
        "Please update your profile whenever your address, phone number or employment "
        "information changes.",
    ],
)
def test_the_reminder_in_any_wording_that_names_the_three_changes(text: str) -> None:
    assert carries_reporting_reminder(text, ACCEPTED_FORMS)


@pytest.mark.parametrize(
    "text",
    [
        "You must report changes to your address and employer.",  # no phone
        "Your address, phone number and employer are on file.",  # no obligation
    ],
)
def test_a_reminder_missing_a_change_or_the_obligation_fails(text: str) -> None:
    assert not carries_reporting_reminder(text, ACCEPTED_FORMS)


def _stored(raw: bytes):  # type: ignore[no-untyped-def]
    store = MailStore(SimulatedClock(), accept_any_address=True)
    return store.file_message(
        "mei@example.edu",
        parse_message(raw),
        message_id="<1@x>",
        envelope_sender="a@b.example",
        envelope_recipients=("mei@example.edu",),
    )


def test_an_html_only_body_is_read_from_its_html() -> None:
    message = _stored(
        b"From: a@b.example\r\nTo: mei@example.edu\r\nSubject: s\r\n"
        b"Content-Type: text/html; charset=utf-8\r\n\r\n"
        b"<html><body><p>Dear CHEN, Mei,</p><p>Post-Completion&nbsp;OPT</p></body></html>\r\n"
    )
    text = readable_text(message)
    assert names_student(text, "Mei", "Chen", ACCEPTED_FORMS)
    assert names_opt_type(text, OptType.POST_COMPLETION, ACCEPTED_FORMS)


AT = datetime(2026, 1, 5, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    "entry",
    [
        HistoryEntry(
            AT,
            HistoryCategory.CHANGE,
            "x",
            kind=HistoryKind.EMPLOYER_DELETED,
            employer_name="Acme Robotics",
        ),
        HistoryEntry(AT, HistoryCategory.CHANGE, "Employer removed (Acme Robotics)"),
        HistoryEntry(AT, HistoryCategory.CHANGE, "Employer deleted: Acme Robotics"),
    ],
)
def test_a_deletion_is_read_by_its_kind_or_else_its_words(entry: HistoryEntry) -> None:
    assert records_employer(entry, HistoryKind.EMPLOYER_DELETED, "Acme Robotics")
    assert not records_employer(entry, HistoryKind.EMPLOYER_DELETED, "Other Corp")


@pytest.mark.parametrize(
    "entry",
    [
        HistoryEntry(
            AT,
            HistoryCategory.CHANGE,
            "Employer removed (Acme Robotics)",
            kind=HistoryKind.EMPLOYER_ADDED,
            employer_name="Acme Robotics",
        ),
        HistoryEntry(AT, HistoryCategory.CHANGE, "Employer added: Acme Robotics"),
    ],
)
def test_an_entry_of_another_kind_is_no_deletion(entry: HistoryEntry) -> None:
    assert not records_employer(entry, HistoryKind.EMPLOYER_DELETED, "Acme Robotics")
