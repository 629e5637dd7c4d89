"""Access closes six calendar months after the OPT end date, with the notices at the OPT end,
30 days before closure and on closure day, once each (FAQ 8 for early completion)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from simulators.common.contract import ErrorCode, PortalError
from simulators.common.domain import EarlyCompletionReading, OptType, PortalSettings, ProgramStatus
from simulators.common.notices import NoticeId
from simulators.common.readings import Readings
from simulators.common.seams import TransmissionKind

# OPT_END is 2026-12-31: closure 2027-06-30 (six calendar months), warning 2027-05-31.
CLOSES_ON = date(2027, 6, 30)
LAST_OPEN_DAY = date(2027, 6, 29)
WARNING_DAY = date(2027, 5, 31)


def refused(call) -> ErrorCode:  # type: ignore[no-untyped-def]
    with pytest.raises(PortalError) as caught:
        call()
    return caught.value.code


def notices(world, record) -> list[str]:  # type: ignore[no-untyped-def]
    return [m["Subject"] for m in world.mailer.to(record.email)][1:]  # after the creation email


def test_access_is_open_on_the_last_day_and_closed_the_day_after(world, kit) -> None:
    record = world.registered()
    session = world.until_logging_in_monthly(record, LAST_OPEN_DAY)
    world.session(record)
    world.portal.employers(session)
    world.until(CLOSES_ON)
    assert (
        refused(lambda: world.portal.login(record.email, kit.PASSWORD)) is ErrorCode.ACCESS_CLOSED
    )
    assert refused(lambda: world.portal.employers(session)) is ErrorCode.ACCESS_CLOSED


def test_after_closure_every_password_gets_the_same_answer(world, kit) -> None:
    """A closed account is no password oracle: right and wrong passwords read the same."""
    record = world.registered()
    world.until_logging_in_monthly(record, CLOSES_ON)
    for password in ("Wrong-Password-1!", kit.PASSWORD):
        assert refused(lambda p=password: world.portal.login(record.email, p)) is (
            ErrorCode.ACCESS_CLOSED
        )


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 12, 30), []),
        (date(2026, 12, 31), [NoticeId.OPT_ENDED]),
        (date(2027, 5, 30), [NoticeId.OPT_ENDED]),
        (WARNING_DAY, [NoticeId.OPT_ENDED, NoticeId.ACCESS_CLOSING]),
        (LAST_OPEN_DAY, [NoticeId.OPT_ENDED, NoticeId.ACCESS_CLOSING]),
        (CLOSES_ON, [NoticeId.OPT_ENDED, NoticeId.ACCESS_CLOSING, NoticeId.ACCESS_CLOSED]),
    ],
)
def test_each_closure_notice_is_sent_on_its_day(world, kit, day, expected) -> None:
    record = world.registered()
    world.until_logging_in_monthly(record, day)
    assert notices(world, record) == [kit.DEFAULT_CATALOG.subject(n) for n in expected]


def test_the_notices_are_sent_once_each_however_often_time_is_set(world, kit) -> None:
    record = world.registered()
    world.until_logging_in_monthly(record, CLOSES_ON)
    for _ in range(3):
        world.advance(hours=1)
    world.advance(days=400)
    subjects = notices(world, record)
    assert subjects == [
        kit.DEFAULT_CATALOG.subject(n)
        for n in (NoticeId.OPT_ENDED, NoticeId.ACCESS_CLOSING, NoticeId.ACCESS_CLOSED)
    ]


def test_a_jump_past_everything_sends_the_three_in_order(world, kit) -> None:
    record = world.approve()
    world.until(CLOSES_ON + timedelta(days=10))
    assert notices(world, record) == [
        kit.DEFAULT_CATALOG.subject(n)
        for n in (NoticeId.OPT_ENDED, NoticeId.ACCESS_CLOSING, NoticeId.ACCESS_CLOSED)
    ]


def test_the_closing_notices_carry_the_closure_date(world, kit) -> None:
    record = world.registered()
    world.until_logging_in_monthly(record, CLOSES_ON)
    for message in world.mailer.to(record.email)[1:]:
        text = kit.body(message)
        assert record.full_name in text
        if message["Subject"] != kit.DEFAULT_CATALOG.subject(NoticeId.ACCESS_CLOSED):
            assert "June 30, 2027" in text and "2027-06-30" in text


def test_due_notices_go_out_on_the_next_operation_when_the_shared_clock_moved(world, kit) -> None:
    record = world.registered()
    world.clock.set(world.clock.now().replace(year=2027, month=1, day=2))
    assert notices(world, record) == []  # nobody asked the portal yet
    world.portal.request_password_reset("nobody@example.edu")
    assert notices(world, record) == [kit.DEFAULT_CATALOG.subject(NoticeId.OPT_ENDED)]


def test_an_approved_stem_extends_access(world, kit) -> None:
    record = world.registered()
    stem = kit.authorization(OptType.STEM, date(2027, 1, 1), date(2028, 12, 31))
    world.transmit(
        TransmissionKind.OPT_APPROVED,
        replace(record, authorizations=(*record.authorizations, stem)),
    )
    session = world.until_logging_in_monthly(record, CLOSES_ON + timedelta(days=1))
    world.portal.employers(session)
    assert kit.DEFAULT_CATALOG.subject(NoticeId.OPT_ENDED) not in notices(world, record)


def test_after_closure_no_reset_link_and_no_registration(world, kit) -> None:
    registered = world.registered()
    waiting = world.approve()
    token = world.creation_token(waiting)
    world.until(CLOSES_ON)
    before = len(world.mailer.sent)
    world.portal.request_password_reset(registered.email)
    assert len(world.mailer.sent) == before
    assert refused(lambda: world.portal.register(token, waiting.sevis_id, kit.PASSWORD)) in {
        ErrorCode.TOKEN_EXPIRED,
        ErrorCode.ACCESS_CLOSED,
    }


def test_a_reset_link_sent_before_closure_does_not_work_after(world, kit) -> None:
    record = world.registered()
    world.until_logging_in_monthly(record, LAST_OPEN_DAY)
    world.advance(hours=14)  # 23:00 on the last open day
    world.portal.request_password_reset(record.email)
    token = kit.token_in(world.mailer.to(record.email, NoticeId.PASSWORD_RESET)[-1])
    world.advance(hours=2)  # 01:00 on closure day: the link itself is still valid
    assert refused(lambda: world.portal.complete_password_reset(token, kit.OTHER_PASSWORD)) is (
        ErrorCode.ACCESS_CLOSED
    )


# --- early completion (FAQ 8): which "OPT end date" is a setting ---------------------------

COMPLETED_ON = date(2026, 11, 1)  # 60 days before the authorized end 2026-12-31


def completed(make_world, kit, reading: EarlyCompletionReading):  # type: ignore[no-untyped-def]
    world = make_world(settings=PortalSettings(readings=Readings(early_completion=reading)))
    record = world.registered()
    world.until_logging_in_monthly(record, COMPLETED_ON)
    done = replace(record, program_status=ProgramStatus.COMPLETED, completed_on=COMPLETED_ON)
    world.transmit(TransmissionKind.RECORD_COMPLETED, done)
    return world, record


@pytest.mark.parametrize("reading", list(EarlyCompletionReading))
def test_both_readings_keep_access_through_six_months_after_the_completion(
    make_world, kit, reading
) -> None:
    world, record = completed(make_world, kit, reading)
    session = world.until_logging_in_monthly(record, date(2027, 4, 30))
    assert [a.opt_type for a in world.portal.authorizations(session)] == [OptType.POST_COMPLETION]


@pytest.mark.parametrize("reading", list(EarlyCompletionReading))
def test_both_readings_close_six_months_after_the_authorized_end(make_world, kit, reading) -> None:
    world, record = completed(make_world, kit, reading)
    world.until_logging_in_monthly(record, date(2027, 4, 30))
    world.until(CLOSES_ON)
    assert (
        refused(lambda: world.portal.login(record.email, kit.PASSWORD)) is ErrorCode.ACCESS_CLOSED
    )


@pytest.mark.parametrize(
    ("reading", "open_on_may_1"),
    [
        (EarlyCompletionReading.AUTHORIZED_END, True),
        (EarlyCompletionReading.COMPLETION_DATE, False),
    ],
)
def test_where_the_readings_differ(make_world, kit, reading, open_on_may_1) -> None:
    world, record = completed(make_world, kit, reading)
    world.until_logging_in_monthly(record, date(2027, 4, 30))
    world.until(date(2027, 5, 1))
    if open_on_may_1:
        world.session(record)
    else:
        assert refused(lambda: world.portal.login(record.email, kit.PASSWORD)) is (
            ErrorCode.ACCESS_CLOSED
        )


def test_after_a_transfer_access_still_counts_from_the_previous_opt(world, kit) -> None:
    record = world.registered()
    moved = replace(record, program_id="P-new", authorizations=(), employers=())
    world.transmit(TransmissionKind.PROGRAM_CHANGED, moved)
    session = world.until_logging_in_monthly(record, LAST_OPEN_DAY)
    assert any("New program" in e.summary for e in world.portal.history(session))
    world.until(CLOSES_ON)
    assert (
        refused(lambda: world.portal.login(record.email, kit.PASSWORD)) is ErrorCode.ACCESS_CLOSED
    )
