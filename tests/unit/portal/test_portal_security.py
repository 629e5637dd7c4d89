"""The reference's defences in process: session lifetimes, due jobs that survive one bad
account, per-account limits on reset requests, and poisoned records refused whole."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import date, datetime

import pytest

from simulators.common.domain import SECURITY_LIMITS, PortalSettings
from simulators.common.readings import Readings
from simulators.common.seams import TransmissionKind
from simulators.portal.models import Account


def refused(action):  # type: ignore[no-untyped-def]
    from simulators.common.contract import PortalError

    with pytest.raises(PortalError) as caught:
        action()
    return caught.value.code


def test_an_absolute_session_lifetime_is_a_reading(make_world, kit) -> None:
    readings = Readings(session_absolute_lifetime_minutes=8 * 60)
    world = make_world(settings=PortalSettings(readings=readings))
    _, session = world.logged_in()
    for _ in range(7):  # active all the time: the idle timeout would never fall
        world.advance(hours=1)
        world.portal.profile(session)
    world.advance(hours=1, minutes=1)
    assert refused(lambda: world.portal.profile(session)) is kit.ErrorCode.SESSION_INVALID


def test_one_failing_account_never_stops_the_others_and_is_logged_once(
    make_world, kit, caplog: pytest.LogCaptureFixture
) -> None:
    world = make_world()
    broken, healthy = world.registered(), world.registered()
    service = world.portal
    real = service._run_due_jobs_for

    def fails_for_one(account: Account, now: datetime) -> None:
        if account.sevis_id == broken.sevis_id:
            raise OverflowError("a date past the calendar")
        real(account, now)

    service._run_due_jobs_for = fails_for_one
    with caplog.at_level(logging.ERROR, logger="simulators.portal.service"):
        world.advance(days=45)
        world.advance(days=46)
    assert refused(lambda: service.login(healthy.email, kit.PASSWORD)) is (
        kit.ErrorCode.ACCOUNT_LOCKED
    )
    assert len([r for r in caplog.records if "due jobs failed" in r.getMessage()]) == 1


def test_reset_requests_beyond_the_limit_send_nothing_and_answer_alike(world, kit) -> None:
    record = world.registered()
    for _ in range(SECURITY_LIMITS.reset_requests_per_account + 3):
        world.portal.request_password_reset(record.email)  # never refused
    sent = world.mailer.to(record.email, kit.NoticeId.PASSWORD_RESET)
    assert len(sent) == SECURITY_LIMITS.reset_requests_per_account
    world.advance(minutes=SECURITY_LIMITS.reset_request_window_minutes)
    world.portal.request_password_reset(record.email)
    assert len(world.mailer.to(record.email, kit.NoticeId.PASSWORD_RESET)) == len(sent) + 1


def test_a_client_over_its_reset_limit_is_told_when_it_may_ask_again(world) -> None:
    from simulators.portal.errors import RateLimited

    portal, client = world.portal, "192.0.2.7"
    portal.request_password_reset_from(client, "n0@example.test")  # the oldest in the window
    world.advance(minutes=10)
    for i in range(1, SECURITY_LIMITS.reset_requests_per_client):
        portal.request_password_reset_from(client, f"n{i}@example.test")
    world.advance(minutes=20)
    with pytest.raises(RateLimited) as caught:
        portal.request_password_reset_from(client, "late@example.test")
    waited = SECURITY_LIMITS.reset_request_window_minutes - 30
    assert caught.value.retry_after_seconds == waited * 60
    world.advance(minutes=waited)
    portal.request_password_reset_from(client, "again@example.test")  # the oldest has left
    with pytest.raises(RateLimited) as caught:
        portal.request_password_reset_from(client, "late@example.test")
    assert caught.value.retry_after_seconds == 10 * 60  # until the next oldest leaves


@pytest.mark.parametrize("end", [date(9999, 12, 31), date(9999, 7, 1)])
def test_a_record_with_dates_past_the_calendar_is_refused_whole(world, kit, end) -> None:
    record = kit.student_record()
    poisoned = replace(
        record, authorizations=tuple(replace(a, end_date=end) for a in record.authorizations)
    )
    before = set(world.portal.backend.accounts)
    assert refused(lambda: world.transmit(TransmissionKind.OPT_APPROVED, poisoned)) is (
        kit.ErrorCode.TRANSMISSION_INVALID
    )
    assert set(world.portal.backend.accounts) == before
    world.advance(days=1)  # the jobs still run


def test_a_reset_email_held_for_after_the_answer_is_sent_then_and_never_after_a_reset(
    world, kit
) -> None:
    record = world.registered()
    send = world.portal.request_password_reset_mail_after_answer("127.0.0.1", record.email)
    assert world.mailer.to(record.email, kit.NoticeId.PASSWORD_RESET) == []
    send()
    assert len(world.mailer.to(record.email, kit.NoticeId.PASSWORD_RESET)) == 1
    held = world.portal.request_password_reset_mail_after_answer("127.0.0.1", record.email)
    world.portal.reset()
    held()
    assert len(world.mailer.to(record.email, kit.NoticeId.PASSWORD_RESET)) == 1
