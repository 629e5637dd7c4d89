"""Notice emails follow the catalog (FAQ 1): sender, the student alone, subject, every body
item; a bounce is written to the History page and never breaks the portal."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timezone

import pytest

from simulators.common.contract import HistoryCategory
from simulators.common.domain import OptType, PortalSettings
from simulators.common.notices import (
    DEFAULT_CATALOG,
    LINK_PATHS,
    REPORTING_REMINDER_TEXT,
    BodyItem,
    NoticeId,
)
from simulators.common.readings import NoticeSubjects, Readings
from simulators.common.seams import TransmissionKind
from simulators.mail.models import parse_message
from simulators.mail.service import wire_bytes
from simulators.portal import NoticeFacts, PortalService, ReferenceOptions, compose_notice

SENT_AT = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)
TOKEN = "tok_ABCdef-123"
FACTS = NoticeFacts(
    to="ana@example.edu",
    full_name="Ana Lima",
    opt_type=OptType.STEM,
    token=TOKEN,
    link_valid_until="January 18, 2026 23:59 UTC",
    closure_date=date(2027, 6, 30),
)


@pytest.mark.parametrize("notice", list(DEFAULT_CATALOG), ids=lambda n: n.notice_id.value)
def test_every_notice_carries_what_the_catalog_requires(notice) -> None:
    message = compose_notice(notice, FACTS, base_url="https://portal.test/", sent_at=SENT_AT)
    assert message["From"] == notice.sender
    assert message["To"] == "ana@example.edu"
    assert message["Subject"] == notice.subject
    assert message["Cc"] is None and message["Bcc"] is None
    assert message["Date"] and message["Message-ID"]
    text = parse_message(wire_bytes(message)).text
    expected = {
        BodyItem.STUDENT_NAME: "Ana Lima",
        BodyItem.OPT_TYPE: "STEM OPT",
        BodyItem.REPORTING_REMINDER: REPORTING_REMINDER_TEXT,
        BodyItem.REGISTRATION_LINK: f"https://portal.test{LINK_PATHS[BodyItem.REGISTRATION_LINK]}?token={TOKEN}",
        BodyItem.RESET_LINK: f"https://portal.test{LINK_PATHS[BodyItem.RESET_LINK]}?token={TOKEN}",
        BodyItem.CLOSURE_DATE: "June 30, 2027",
    }
    for item in notice.must_carry:
        assert expected[item] in text, item
    if not set(notice.must_carry) & set(LINK_PATHS):
        assert TOKEN not in text


def test_non_ascii_subjects_and_names_survive_the_wire() -> None:
    """A catalog override may carry any text, and SEVIS names are not ASCII-only."""
    notice = replace(DEFAULT_CATALOG[NoticeId.OPT_ENDED], subject="Fin de l'OPT — ação")
    facts = replace(FACTS, full_name="Zoë Nguyễn")
    message = compose_notice(notice, facts, base_url="https://portal.test/", sent_at=SENT_AT)
    filed = parse_message(wire_bytes(message))
    assert filed.subject == "Fin de l'OPT — ação"
    assert filed.text.startswith("Dear Zoë Nguyễn,\n")
    assert wire_bytes(message).isascii()  # 7-bit clean: any SMTP server takes it


def test_a_link_notice_without_a_token_is_a_programming_error() -> None:
    notice = DEFAULT_CATALOG[NoticeId.ACCOUNT_CREATION]
    with pytest.raises(ValueError, match="registration link"):
        compose_notice(
            notice,
            NoticeFacts("a@example.edu", "A B", OptType.POST_COMPLETION),
            base_url="https://p.test",
            sent_at=SENT_AT,
        )


def test_no_token_in_the_facts_repr() -> None:
    assert TOKEN not in repr(FACTS)


def test_the_creation_email_names_student_type_reminder_and_link(world, kit) -> None:
    record = world.approve()
    [message] = world.mailer.sent
    text = kit.body(message)
    assert record.full_name in text
    assert OptType.POST_COMPLETION.label in text
    assert REPORTING_REMINDER_TEXT in text
    assert f"{world.portal.settings.base_url}/register?token={world.creation_token(record)}" in text


def test_the_readings_subjects_and_sender_and_the_base_url_are_the_services(kit) -> None:
    readings = Readings(
        notice_subjects=NoticeSubjects(account_locked="Locked out"),
        notice_sender="portal@vendor.example",
    )
    mailer, sink = kit.RecordingMailer(), kit.RecordingSink()
    portal = PortalService(
        kit.SimulatedClock(),
        mailer,
        sink,
        PortalSettings(readings=readings, base_url="https://vendor.example/portal"),
        options=ReferenceOptions(scrypt_cost=kit.TEST_SCRYPT_COST),
    )
    record = kit.student_record()
    portal.deliver(
        kit.Transmission("T1", TransmissionKind.OPT_APPROVED, portal.clock.now(), record)
    )
    token = kit.token_in(mailer.sent[0])
    portal.register(token, record.sevis_id, kit.PASSWORD)
    for _ in range(3):
        with pytest.raises(kit.PortalError):
            portal.login(record.email, "Wrong-Password-1!")
    assert [m["From"] for m in mailer.sent] == ["portal@vendor.example"] * 2
    assert mailer.sent[1]["Subject"] == "Locked out"
    assert "https://vendor.example/portal/register?token=" in kit.body(mailer.sent[0])


def test_emails_are_written_to_history_by_subject_only(world, kit) -> None:
    _, session = world.logged_in()
    [entry] = [e for e in world.portal.history(session) if e.category is HistoryCategory.EMAIL]
    assert entry.summary == f"Email sent: {kit.DEFAULT_CATALOG.subject(NoticeId.ACCOUNT_CREATION)}"
    assert (entry.field, entry.old_value, entry.new_value) == ("", "", "")


def test_a_bounced_creation_email_is_recorded_and_still_the_one_for_its_event(world, kit) -> None:
    world.mailer.fail_next = 1
    record = kit.student_record()
    world.transmit(TransmissionKind.OPT_APPROVED, record, "T-approval")
    world.transmit(TransmissionKind.OPT_APPROVED, record, "T-approval")
    assert world.mailer.sent == []
    assert len(world.mailer.refused) == 1
    account = world.portal.backend.accounts[record.sevis_id]
    [entry] = [e for e in account.history if e.category is HistoryCategory.EMAIL]
    assert entry.summary.startswith("Email not delivered")
    # The DSO's reset re-sends it (FAQ 7).
    world.transmit(TransmissionKind.RESET_PORTAL_ACCOUNT, record)
    world.portal.register(world.creation_token(record), record.sevis_id, kit.PASSWORD)


def test_a_mailer_that_breaks_its_protocol_does_not_break_the_portal(world, kit) -> None:
    class Broken:
        def send(self, message) -> None:  # type: ignore[no-untyped-def]
            raise OSError("connection refused")

    world.portal.mailer = Broken()
    record = world.approve()
    account = world.portal.backend.accounts[record.sevis_id]
    assert any(e.summary.startswith("Email not delivered") for e in account.history)


def test_a_bounced_lock_email_still_locks(world, kit) -> None:
    record = world.registered()
    world.mailer.fail_next = 1
    for _ in range(3):
        with pytest.raises(kit.PortalError):
            world.portal.login(record.email, "Wrong-Password-1!")
    with pytest.raises(kit.PortalError) as caught:
        world.portal.login(record.email, kit.PASSWORD)
    assert caught.value.code is kit.ErrorCode.ACCOUNT_LOCKED


def test_a_bounced_closure_notice_is_not_retried(world, kit) -> None:
    record = world.approve()
    world.mailer.fail_next = 1
    world.until(date(2026, 12, 31))
    world.advance(days=1)
    assert world.mailer.to(record.email, NoticeId.OPT_ENDED) == []
    assert len(world.mailer.refused) == 1
