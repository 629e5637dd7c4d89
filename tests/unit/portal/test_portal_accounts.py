"""Registration (14-day single-use link, SEVIS ID check, password policy), login (attestation,
3 failed logins, 90 days without login), password reset (FAQ 3) and sessions."""

from __future__ import annotations

from datetime import datetime, time, timedelta, timezone

import pytest

from simulators.common.contract import ErrorCode, HistoryCategory, PortalError
from simulators.common.domain import PasswordRules, PortalSettings
from simulators.common.notices import NoticeId
from simulators.common.readings import Readings
from simulators.common.seams import TransmissionKind
from simulators.portal import ReferenceOptions
from simulators.portal.models import PasswordHash


def refused(call) -> ErrorCode:  # type: ignore[no-untyped-def]
    with pytest.raises(PortalError) as caught:
        call()
    return caught.value.code


# --- registration -----------------------------------------------------------------------


@pytest.mark.parametrize(("days_later", "works"), [(0, True), (12, True), (13, True), (14, False)])
def test_the_registration_link_works_through_day_14(world, kit, days_later, works) -> None:
    """Sent on day 1 at 09:00; day 14 is 13 days later, day 15 is 14 days later."""
    record = world.approve()
    token = world.creation_token(record)
    world.advance(days=days_later)
    register = lambda: world.portal.register(token, record.sevis_id, kit.PASSWORD)  # noqa: E731
    if works:
        register()
    else:
        assert refused(register) is ErrorCode.TOKEN_EXPIRED


def test_day_14_ends_at_midnight_utc(world, kit) -> None:
    record = world.approve()
    token = world.creation_token(record)
    day_14 = world.clock.today() + timedelta(days=13)
    world.portal.set_time(datetime.combine(day_14, time(23, 59, 59), tzinfo=timezone.utc))
    with pytest.raises(PortalError) as caught:
        world.portal.register(token, "N0000000000", kit.PASSWORD)
    assert caught.value.code is ErrorCode.SEVIS_ID_MISMATCH  # the link still worked
    world.advance(seconds=1)
    assert refused(lambda: world.portal.register(token, record.sevis_id, kit.PASSWORD)) is (
        ErrorCode.TOKEN_EXPIRED
    )


def test_the_registration_link_is_single_use(world, kit) -> None:
    record = world.registered()
    token = world.creation_token(record)
    assert refused(lambda: world.portal.register(token, record.sevis_id, kit.PASSWORD)) is (
        ErrorCode.TOKEN_USED
    )


@pytest.mark.parametrize("token", ["", "not-a-token", "x" * 43])
def test_an_unknown_link_is_invalid(world, kit, token) -> None:
    record = world.approve()
    assert refused(lambda: world.portal.register(token, record.sevis_id, kit.PASSWORD)) is (
        ErrorCode.TOKEN_INVALID
    )


def test_a_reset_link_does_not_register(world, kit) -> None:
    record = world.registered()
    world.portal.request_password_reset(record.email)
    token = kit.token_in(world.mailer.to(record.email, NoticeId.PASSWORD_RESET)[0])
    assert refused(lambda: world.portal.register(token, record.sevis_id, kit.PASSWORD)) is (
        ErrorCode.TOKEN_INVALID
    )


def test_three_wrong_sevis_ids_lock_registration(world, kit) -> None:
    record = world.approve()
    token = world.creation_token(record)
    wrong = "N0000000001"
    codes = [refused(lambda: world.portal.register(token, wrong, kit.PASSWORD)) for _ in range(3)]
    assert codes == [
        ErrorCode.SEVIS_ID_MISMATCH,
        ErrorCode.SEVIS_ID_MISMATCH,
        ErrorCode.REGISTRATION_LOCKED,
    ]
    assert refused(lambda: world.portal.register(token, record.sevis_id, kit.PASSWORD)) is (
        ErrorCode.REGISTRATION_LOCKED
    )


def test_the_sevis_id_is_compared_without_case_or_spaces(world, kit) -> None:
    record = world.approve()
    world.portal.register(
        world.creation_token(record), f" {record.sevis_id.lower()} ", kit.PASSWORD
    )


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("Short1!", "at least 12 characters"),
        ("NoDigitsHere!!x", "digit"),
        ("nospecial12345", "special character"),
        ("123456789012!", "letter"),
    ],
)
def test_a_password_that_breaks_the_policy_is_refused_with_the_problems(
    world, kit, password, problem
) -> None:
    record = world.approve()
    with pytest.raises(PortalError) as caught:
        world.portal.register(world.creation_token(record), record.sevis_id, password)
    assert caught.value.code is ErrorCode.PASSWORD_POLICY
    assert problem in caught.value.detail
    assert password not in caught.value.detail
    world.portal.register(world.creation_token(record), record.sevis_id, kit.PASSWORD)


def test_a_password_containing_the_sevis_id_is_refused(world, kit) -> None:
    record = world.approve()
    code = refused(
        lambda: world.portal.register(
            world.creation_token(record), record.sevis_id, f"x!{record.sevis_id}"
        )
    )
    assert code is ErrorCode.PASSWORD_POLICY


def test_the_policy_is_a_setting(make_world, kit) -> None:
    world = make_world(settings=PortalSettings(password_policy=PasswordRules(min_length=20)))
    record = world.approve()
    assert (
        refused(
            lambda: world.portal.register(
                world.creation_token(record), record.sevis_id, kit.PASSWORD
            )
        )
        is ErrorCode.PASSWORD_POLICY
    )


def test_registration_makes_the_email_the_username_and_keeps_only_a_scrypt_hash(world, kit) -> None:
    record = world.registered()
    account = world.portal.backend.accounts[record.sevis_id]
    assert account.registered
    assert isinstance(account.password, PasswordHash)
    assert kit.PASSWORD.encode() not in account.password.key
    assert len(account.password.salt) == kit.TEST_SCRYPT_COST.salt_bytes
    assert account.password.matches(kit.PASSWORD)
    assert not account.password.matches(kit.PASSWORD.lower())  # case-sensitive
    world.session(record)


def test_two_students_with_one_password_get_different_hashes(world, kit) -> None:
    first, second = world.registered(), world.registered()
    accounts = world.portal.backend.accounts
    assert accounts[first.sevis_id].password.key != accounts[second.sevis_id].password.key


def test_the_default_hash_cost_is_a_real_one() -> None:
    assert ReferenceOptions().scrypt_cost.n >= 2**14


# --- login ---------------------------------------------------------------------------------


def test_login_needs_the_attestation_first(world, kit) -> None:
    record = world.registered()
    session = world.portal.login(record.email, kit.PASSWORD)
    for view in (
        world.portal.profile,
        world.portal.employers,
        world.portal.authorizations,
        world.portal.unemployment,
        world.portal.history,
    ):
        assert refused(lambda view=view: view(session)) is ErrorCode.ATTESTATION_REQUIRED
    world.portal.attest(session)
    assert world.portal.employers(session) == []


def test_the_email_is_matched_without_case(world, kit) -> None:
    record = world.registered()
    world.portal.login(record.email.upper(), kit.PASSWORD)


@pytest.mark.parametrize("email", ["nobody@example.edu", ""])
def test_an_unknown_email_is_invalid_credentials(world, kit, email) -> None:
    world.registered()
    assert refused(lambda: world.portal.login(email, kit.PASSWORD)) is ErrorCode.INVALID_CREDENTIALS


def test_an_unregistered_account_cannot_log_in(world, kit) -> None:
    record = world.approve()
    assert refused(lambda: world.portal.login(record.email, kit.PASSWORD)) is (
        ErrorCode.INVALID_CREDENTIALS
    )


def test_two_failed_logins_do_not_lock_and_a_success_resets_the_count(world, kit) -> None:
    record = world.registered()
    for _ in range(2):
        assert refused(lambda: world.portal.login(record.email, "Wrong-Password-1!")) is (
            ErrorCode.INVALID_CREDENTIALS
        )
    world.portal.login(record.email, kit.PASSWORD)
    for _ in range(2):
        refused(lambda: world.portal.login(record.email, "Wrong-Password-1!"))
    world.portal.login(record.email, kit.PASSWORD)


def test_the_third_failed_login_locks_and_sends_one_lock_email(world, kit) -> None:
    record = world.registered()
    for _ in range(3):
        assert refused(lambda: world.portal.login(record.email, "Wrong-Password-1!")) is (
            ErrorCode.INVALID_CREDENTIALS
        )
    for _ in range(2):  # locked now: a wrong password reads like the right one
        assert refused(lambda: world.portal.login(record.email, "Wrong-Password-1!")) is (
            ErrorCode.ACCOUNT_LOCKED
        )
    assert (
        refused(lambda: world.portal.login(record.email, kit.PASSWORD)) is ErrorCode.ACCOUNT_LOCKED
    )
    [locked] = world.mailer.to(record.email, NoticeId.ACCOUNT_LOCKED)
    assert record.full_name in kit.body(locked)


def test_the_lock_email_is_a_setting(make_world, kit) -> None:
    world = make_world(settings=PortalSettings(send_lock_notice=False))
    record = world.registered()
    for _ in range(3):
        refused(lambda: world.portal.login(record.email, "Wrong-Password-1!"))
    assert (
        refused(lambda: world.portal.login(record.email, kit.PASSWORD)) is ErrorCode.ACCOUNT_LOCKED
    )
    assert world.mailer.to(record.email, NoticeId.ACCOUNT_LOCKED) == []


@pytest.mark.parametrize(("days", "locked"), [(89, False), (90, True), (91, True)])
def test_no_login_for_90_days_locks(world, kit, days, locked) -> None:
    record = world.registered()
    world.advance(days=days)
    if locked:
        assert refused(lambda: world.portal.login(record.email, kit.PASSWORD)) is (
            ErrorCode.ACCOUNT_LOCKED
        )
    else:
        world.session(record)
    assert world.mailer.to(record.email, NoticeId.ACCOUNT_LOCKED) == []


def test_the_inactivity_lock_counts_from_the_last_login(world, kit) -> None:
    record = world.registered()
    world.advance(days=60)
    world.session(record)
    world.advance(days=89)
    world.session(record)


def test_the_inactivity_lock_ends_sessions_and_may_send_the_lock_email(make_world, kit) -> None:
    world = make_world(settings=PortalSettings(readings=Readings(inactivity_lock_emailed=True)))
    record, session = world.logged_in()
    world.advance(days=90)
    assert refused(lambda: world.portal.profile(session)) is ErrorCode.SESSION_INVALID
    assert len(world.mailer.to(record.email, NoticeId.ACCOUNT_LOCKED)) == 1


def test_logout_ends_the_session(world, kit) -> None:
    _, session = world.logged_in()
    world.portal.logout(session)
    assert refused(lambda: world.portal.profile(session)) is ErrorCode.SESSION_INVALID
    assert refused(lambda: world.portal.logout(session)) is ErrorCode.SESSION_INVALID


@pytest.mark.parametrize("session", ["", "made-up-session"])
def test_an_unknown_session_is_invalid(world, session) -> None:
    world.logged_in()
    assert refused(lambda: world.portal.attest(session)) is ErrorCode.SESSION_INVALID
    assert refused(lambda: world.portal.history(session)) is ErrorCode.SESSION_INVALID


def test_an_idle_timeout_is_a_reading(make_world, kit) -> None:
    world = make_world(settings=PortalSettings(readings=Readings(session_idle_timeout_minutes=20)))
    _, session = world.logged_in()
    world.advance(minutes=19)
    world.portal.profile(session)
    world.advance(minutes=21)
    assert refused(lambda: world.portal.profile(session)) is ErrorCode.SESSION_INVALID


def test_without_an_idle_timeout_a_session_lives_on(world) -> None:
    _, session = world.logged_in()
    world.advance(days=30)
    world.portal.profile(session)


def test_a_session_lifetime_is_a_reading_and_ends_even_a_busy_session(make_world, kit) -> None:
    readings = Readings(session_absolute_lifetime_minutes=12 * 60)
    world = make_world(settings=PortalSettings(readings=readings))
    record, session = world.logged_in()
    for _ in range(24):  # used every half hour through the twelfth hour: never idle
        world.advance(minutes=30)
        world.portal.profile(session)
    world.advance(minutes=1)  # twelve hours and a minute after the login
    with pytest.raises(PortalError) as refusal:
        world.portal.profile(session)
    assert refusal.value.code is ErrorCode.SESSION_INVALID
    assert "lifetime" in refusal.value.detail
    world.portal.profile(world.session(record))  # a new login starts a new lifetime


def test_idle_timeout_and_lifetime_each_end_a_session_on_their_own(make_world, kit) -> None:
    readings = Readings(session_idle_timeout_minutes=30, session_absolute_lifetime_minutes=720)
    world = make_world(settings=PortalSettings(readings=readings))
    record, session = world.logged_in()
    world.advance(minutes=30)
    world.portal.profile(session)  # exactly the idle timeout: still alive
    world.advance(minutes=31)
    assert refused(lambda: world.portal.profile(session)) is ErrorCode.SESSION_INVALID
    session = world.session(record)
    for _ in range(24):  # busy every 29 minutes: the idle timeout never falls
        world.advance(minutes=29)
        world.portal.profile(session)
    world.advance(minutes=29)  # 12 h 5 min after this login
    assert refused(lambda: world.portal.profile(session)) is ErrorCode.SESSION_INVALID


def test_without_a_lifetime_a_busy_session_lives_on(world) -> None:
    _, session = world.logged_in()
    for _ in range(10):
        world.advance(days=3)
        world.portal.profile(session)


# --- password reset (FAQ 3) ---------------------------------------------------------------


def test_the_reset_button_unlocks_a_locked_account(world, kit) -> None:
    record = world.registered()
    for _ in range(3):
        refused(lambda: world.portal.login(record.email, "Wrong-Password-1!"))
    world.portal.request_password_reset(record.email)
    [reset] = world.mailer.to(record.email, NoticeId.PASSWORD_RESET)
    assert f"{world.portal.settings.base_url}/reset-password?token=" in kit.body(reset)
    world.portal.complete_password_reset(kit.token_in(reset), kit.OTHER_PASSWORD)
    world.session(record, kit.OTHER_PASSWORD)
    assert refused(lambda: world.portal.login(record.email, kit.PASSWORD)) is (
        ErrorCode.INVALID_CREDENTIALS
    )


def test_the_reset_button_unlocks_an_inactive_account_for_good(world, kit) -> None:
    record = world.registered()
    world.advance(days=100)
    world.portal.request_password_reset(record.email)
    token = kit.token_in(world.mailer.to(record.email, NoticeId.PASSWORD_RESET)[0])
    world.portal.complete_password_reset(token, kit.OTHER_PASSWORD)
    world.advance(minutes=1)
    world.session(record, kit.OTHER_PASSWORD)


@pytest.mark.parametrize("email", ["nobody@example.edu", "", "not an email"])
def test_an_unknown_email_gets_nothing_and_learns_nothing(world, email) -> None:
    world.registered()
    sent = len(world.mailer.sent)
    assert world.portal.request_password_reset(email) is None
    assert len(world.mailer.sent) == sent


def test_an_unregistered_account_gets_no_reset_email(world) -> None:
    record = world.approve()
    world.portal.request_password_reset(record.email)
    assert world.mailer.to(record.email, NoticeId.PASSWORD_RESET) == []


@pytest.mark.parametrize(("hours", "works"), [(23, True), (24, False)])
def test_the_reset_link_expires_after_the_configured_hours(world, kit, hours, works) -> None:
    record = world.registered()
    world.portal.request_password_reset(record.email)
    token = kit.token_in(world.mailer.to(record.email, NoticeId.PASSWORD_RESET)[0])
    world.advance(hours=hours)
    complete = lambda: world.portal.complete_password_reset(token, kit.OTHER_PASSWORD)  # noqa: E731
    if works:
        complete()
    else:
        assert refused(complete) is ErrorCode.TOKEN_EXPIRED


def test_the_reset_link_works_once_and_a_newer_one_replaces_it(world, kit) -> None:
    record = world.registered()
    world.portal.request_password_reset(record.email)
    world.portal.request_password_reset(record.email)
    first, second = (
        kit.token_in(m) for m in world.mailer.to(record.email, NoticeId.PASSWORD_RESET)
    )
    assert refused(lambda: world.portal.complete_password_reset(first, kit.OTHER_PASSWORD)) is (
        ErrorCode.TOKEN_INVALID
    )
    world.portal.complete_password_reset(second, kit.OTHER_PASSWORD)
    assert refused(lambda: world.portal.complete_password_reset(second, "Third-Portal-2026#")) is (
        ErrorCode.TOKEN_USED
    )


def test_a_registration_link_does_not_reset_a_password(world, kit) -> None:
    record = world.approve()
    token = world.creation_token(record)
    assert refused(lambda: world.portal.complete_password_reset(token, kit.OTHER_PASSWORD)) is (
        ErrorCode.TOKEN_INVALID
    )


def test_a_reset_ends_every_session(world, kit) -> None:
    record, first = world.logged_in()
    second = world.session(record)
    world.portal.request_password_reset(record.email)
    token = kit.token_in(world.mailer.to(record.email, NoticeId.PASSWORD_RESET)[0])
    world.portal.complete_password_reset(token, kit.OTHER_PASSWORD)
    for session in (first, second):
        assert refused(lambda session=session: world.portal.profile(session)) is (
            ErrorCode.SESSION_INVALID
        )


def test_a_reset_password_must_meet_the_policy_and_the_link_survives_a_refusal(world, kit) -> None:
    record = world.registered()
    world.portal.request_password_reset(record.email)
    token = kit.token_in(world.mailer.to(record.email, NoticeId.PASSWORD_RESET)[0])
    assert refused(lambda: world.portal.complete_password_reset(token, "short")) is (
        ErrorCode.PASSWORD_POLICY
    )
    world.portal.complete_password_reset(token, kit.OTHER_PASSWORD)


def test_the_last_eight_passwords_cannot_be_reused(world, kit) -> None:
    record = world.registered()
    used = [kit.PASSWORD]

    def reset_to(password: str) -> None:
        world.advance(hours=1)  # past the per-account limit on reset requests
        world.portal.request_password_reset(record.email)
        token = kit.token_in(world.mailer.to(record.email, NoticeId.PASSWORD_RESET)[-1])
        world.portal.complete_password_reset(token, password)

    def reuse_code(password: str) -> ErrorCode:
        world.advance(hours=1)
        world.portal.request_password_reset(record.email)
        token = kit.token_in(world.mailer.to(record.email, NoticeId.PASSWORD_RESET)[-1])
        return refused(lambda: world.portal.complete_password_reset(token, password))

    assert reuse_code(kit.PASSWORD) is ErrorCode.PASSWORD_REUSED  # the current one
    for n in range(1, 8):
        used.append(f"Rotation-{n}-Pass!")
        reset_to(used[-1])
    assert all(reuse_code(p) is ErrorCode.PASSWORD_REUSED for p in used)  # eight remembered
    reset_to("Rotation-8-Pass!")  # the first falls out of the last eight
    reset_to(kit.PASSWORD)
    world.session(record)


def test_history_records_account_events_without_secrets(world, kit) -> None:
    record, session = world.logged_in()
    for _ in range(3):
        refused(lambda: world.portal.login(record.email, "Wrong-Password-1!"))
    world.portal.request_password_reset(record.email)
    token = kit.token_in(world.mailer.to(record.email, NoticeId.PASSWORD_RESET)[0])
    world.portal.complete_password_reset(token, kit.OTHER_PASSWORD)
    session = world.session(record, kit.OTHER_PASSWORD)
    history = world.portal.history(session)
    summaries = [e.summary for e in history]
    assert "Account locked after 3 failed logins" in summaries
    assert any(s.startswith("Password changed with a reset link") for s in summaries)
    emails = [e.summary for e in history if e.category is HistoryCategory.EMAIL]
    assert "Email sent: SEVP Portal account locked" in emails
    assert "Email sent: SEVP Portal password reset" in emails
    text = repr(history)
    for secret in (token, kit.PASSWORD, kit.OTHER_PASSWORD, "Wrong-Password-1!"):
        assert secret not in text


def test_a_reset_transmission_for_registered_student_with_configured_link_hours(
    make_world, kit
) -> None:
    world = make_world(settings=PortalSettings(readings=Readings(account_reset_link_hours=72)))
    record = world.registered()
    world.transmit(TransmissionKind.RESET_PORTAL_ACCOUNT, record)
    token = kit.token_in(world.mailer.to(record.email, NoticeId.ACCOUNT_RESET)[0])
    world.advance(hours=71)
    world.portal.complete_password_reset(token, kit.OTHER_PASSWORD)
