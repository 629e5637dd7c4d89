"""Each attack of issue 13, driven against the served reference, and the hardened behaviour
it now meets. Bounded: loopback only, short loops, no timed assertions (equal cost is shown
by counting password hashes, not by a stopwatch; benchmarks/bench.py prints the times)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, timedelta

import pytest
import requests

import simulators.portal.models._credentials as portal_credentials
from harness.targets import HttpSettings, PreflightError, attach
from simulators.common.domain import SECURITY_LIMITS, OptType
from simulators.common.seams import Transmission, TransmissionKind
from simulators.common.serving import serve_in_thread
from simulators.common.wire import to_wire
from simulators.mail.app import create_app as mail_viewer_app
from tests.security.attacks import JSON, SECRETS, TIMEOUT, Attack, problem_code

WRONG = "Guess-1-Password!"


@pytest.fixture
def hashes(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """How many password hashes the portal computes (served in this process)."""
    counted: list[int] = []
    real = portal_credentials._scrypt

    def counting(*args: object) -> bytes:
        counted.append(1)
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(portal_credentials, "_scrypt", counting)
    yield counted


def _lock(attack: Attack, email: str) -> None:
    for _ in range(3):
        assert attack.login(email, WRONG).status_code == 401


# --- 1. the lockout oracle ---------------------------------------------------------------


def test_a_locked_account_answers_every_password_alike_at_the_same_cost(
    attack: Attack, hashes: list[int]
) -> None:
    student = attack.registered()
    _lock(attack, student.email)
    answers = []
    for password in (WRONG, student.password, "Another-2-Guess!"):
        hashes.clear()
        answer = attack.login(student.email, password)
        answers.append((answer.status_code, problem_code(answer), len(hashes)))
    assert answers == [(423, "account-locked", 1)] * 3


def test_guesses_on_a_locked_account_are_counted_and_recorded(attack: Attack) -> None:
    world, student = attack.world, attack.registered()
    _lock(attack, student.email)
    for _ in range(4):
        attack.login(student.email, WRONG)
    world.portal.request_password_reset(student.email)
    world.reset_password_by_email(student, "password reset", world.new_password(student))
    world.log_in(student)
    summaries = [e.summary for e in world.portal.history(world.session_of(student))]
    assert summaries.count("Failed login while the account was locked") == 4


def test_after_a_dso_reset_only_the_emailed_link_opens_the_account(attack: Attack) -> None:
    world, student = attack.world, attack.registered()
    world.sevis.reset_portal_account(student.sevis_id, "DSO Jane Doe")  # over the channel
    assert problem_code(attack.login(student.email, student.password)) == "account-locked"
    world.reset_password_by_email(student, "account reset", world.new_password(student))
    assert attack.login(student.email, student.password).status_code == 201


def test_locking_an_account_ends_its_sessions(attack: Attack) -> None:
    world, student = attack.world, attack.registered()
    world.log_in(student)
    _lock(attack, student.email)
    answer = requests.get(
        attack.url + "/me/profile",
        headers={"Authorization": f"Bearer {student.session}"},
        timeout=TIMEOUT,
    )
    assert problem_code(answer) == "session-invalid"


# --- 2. enumeration ----------------------------------------------------------------------


def test_login_costs_one_hash_for_unknown_unregistered_and_registered_emails(
    attack: Attack, hashes: list[int]
) -> None:
    world, student = attack.world, attack.registered()
    unregistered = world.enroll_student()
    world.request_opt(unregistered, OptType.POST_COMPLETION, pending=True)
    world.approve_by_uscis(unregistered, OptType.POST_COMPLETION)
    answers = []
    for email in ("nobody@example.test", unregistered.email, student.email):
        hashes.clear()
        answer = attack.login(email, WRONG)
        answers.append((answer.status_code, problem_code(answer), len(hashes)))
    assert answers == [(401, "invalid-credentials", 1)] * 3


def test_reset_requests_answer_alike_and_are_limited_per_account(attack: Attack) -> None:
    world, student = attack.world, attack.registered()
    for email in ("nobody@example.test", student.email):
        for _ in range(SECURITY_LIMITS.reset_requests_per_account + 2):
            answer = requests.post(
                attack.url + "/password-resets", json={"email": email}, timeout=TIMEOUT
            )
            assert answer.status_code == 202
    # Mailed after the answers: wait for one more than allowed (the whole mail wait).
    limit = SECURITY_LIMITS.reset_requests_per_account
    sent = world.emails(student, world.notice("password reset"), at_least=limit + 1)
    assert len(sent) == limit


def test_reset_requests_are_limited_per_client_whatever_the_email(attack: Attack) -> None:
    answers = [
        requests.post(
            attack.url + "/password-resets", json={"email": f"n{i}@example.test"}, timeout=TIMEOUT
        )
        for i in range(SECURITY_LIMITS.reset_requests_per_client + 1)
    ]
    statuses = [answer.status_code for answer in answers]
    assert statuses[:-1] == [202] * SECURITY_LIMITS.reset_requests_per_client
    assert statuses[-1] == 429
    # All asked at one instant of the portal's clock: the wait is the whole window.
    window = SECURITY_LIMITS.reset_request_window_minutes * 60
    assert answers[-1].headers["Retry-After"] == str(window)


# --- 3. authenticated channels -----------------------------------------------------------


def _forged_sync(attack: Attack) -> bytes:
    student = attack.registered()
    record = replace(attack.world.sevis.snapshot(student.sevis_id), email="x@attacker.example")
    sent_at = attack.world.clock.now().replace(year=2100)
    forged = Transmission("FORGED-1", TransmissionKind.DAILY_SYNC, sent_at, record)
    return json.dumps(to_wire(forged)).encode()


@pytest.mark.parametrize("secret", [None, "wrong-secret"])
def test_a_forged_transmission_is_refused_and_changes_nothing(
    attack: Attack, secret: str | None
) -> None:
    body = _forged_sync(attack)
    headers = {**JSON, **({"SEVP-Channel-Secret": secret} if secret else {})}
    answer = attack.post("/sevis/transmissions", body, **headers)
    assert (answer.status_code, problem_code(answer)) == (401, "unauthenticated")
    student = attack.world.student
    assert attack.login(student.email, student.password).status_code == 201


def test_a_cross_origin_simple_post_is_refused_even_with_the_secret(attack: Attack) -> None:
    """text/plain needs no CORS preflight; a JSON route must not read it as JSON."""
    body = _forged_sync(attack)
    answer = attack.post(
        "/sevis/transmissions", body, **{"Content-Type": "text/plain"}, **attack.channel()
    )
    assert (answer.status_code, problem_code(answer)) == (415, "unsupported-media-type")


def test_the_control_api_needs_its_own_secret(attack: Attack) -> None:
    student = attack.registered()
    for headers in ({}, attack.channel(), {"SEVP-Control-Secret": SECRETS.sevis}):
        answer = attack.post("/_harness/reset", **headers)
        assert (answer.status_code, problem_code(answer)) == (401, "unauthenticated")
    assert attack.login(student.email, student.password).status_code == 201, "nothing wiped"
    assert attack.post("/_harness/reset", **attack.control()).status_code == 204


def test_sevis_refuses_a_student_change_without_the_channel_secret(attack: Attack) -> None:
    answer = requests.post(
        attack.sevis_url + "/portal/student-changes", json={"change_id": "C1"}, timeout=TIMEOUT
    )
    assert (answer.status_code, problem_code(answer)) == (401, "unauthenticated")


# --- 4. request hygiene, on every server -------------------------------------------------


def _servers(attack: Attack) -> list[tuple[str, dict[str, str]]]:
    """A JSON route of the portal and of SEVIS, with what gets a request past authentication."""
    return [
        (attack.url + "/sessions", JSON),
        (attack.sevis_url + "/portal/student-changes", {**JSON, **attack.channel()}),
    ]


@pytest.fixture
def mail_viewer(attack: Attack) -> Iterator[str]:
    with serve_in_thread(mail_viewer_app(attack.world.mail)) as served:
        yield served.url


def test_a_foreign_host_is_refused_by_every_server(attack: Attack, mail_viewer: str) -> None:
    """DNS rebinding: a page whose name now points at 127.0.0.1 still sends its own Host."""
    viewer = requests.get(
        mail_viewer + "/messages", headers={"Host": "attacker.example"}, timeout=TIMEOUT
    )
    assert (viewer.status_code, problem_code(viewer)) == (421, "host-not-allowed")
    urls = [url for url, _ in _servers(attack)] + [attack.url + "/_harness/info"]
    for url in urls:
        answer = requests.post(url, headers={"Host": "attacker.example"}, timeout=TIMEOUT)
        assert (answer.status_code, problem_code(answer)) == (421, "host-not-allowed"), url
    ok = requests.get(
        attack.url + "/_harness/info",
        headers={"Host": "localhost", **attack.control()},
        timeout=TIMEOUT,
    )
    assert ok.status_code == 200


def test_an_oversized_body_is_refused_before_it_is_read(attack: Attack) -> None:
    too_large = b"{" + b" " * SECURITY_LIMITS.max_body_bytes + b"}"

    def chunks() -> Iterator[bytes]:  # no Content-Length: refused while streaming
        yield too_large

    for url, headers in _servers(attack):
        for body in (too_large, chunks()):
            answer = requests.post(url, data=body, headers=headers, timeout=TIMEOUT)
            assert (answer.status_code, problem_code(answer)) == (413, "body-too-large"), url


@pytest.mark.parametrize(
    "body",
    [
        b'{"email": "a@example.test", "email": "b@example.test", "password": "x"}',
        b'{"email\\ud800": "a@example.test", "password": "x"}',
        b'{"email": "a@example.test", "password": ' + b"9" * 5000 + b"}",
        b'{"email": "a@example.test", "password": NaN}',
        b'{"email": "a@example.test", "password": 1e999}',
    ],
    ids=["duplicate-key", "lone-surrogate-key", "5000-digits", "nan", "infinity"],
)
def test_json_no_field_could_hold_is_a_400_problem_never_a_500(attack: Attack, body: bytes) -> None:
    for url, headers in _servers(attack):
        answer = requests.post(url, data=body, headers=headers, timeout=TIMEOUT)
        assert (answer.status_code, problem_code(answer)) == (400, "malformed-request"), url


@pytest.mark.parametrize(
    "update",
    [
        {"us_address": {"street": "1 Main", "city": "X", "state": "IL", "zip_code": "\uff16" * 5}},
        {"us_address": {"street": "1 Main", "city": "X", "state": "IL", "zip_code": "62701\n"}},
        {"phone": "+1 617 555 0100\n"},
    ],
    ids=["full-width-zip", "zip-with-newline", "phone-with-newline"],
)
def test_patterns_take_ascii_digits_and_the_whole_value(
    attack: Attack, update: dict[str, object]
) -> None:
    world, student = attack.world, attack.registered()
    answer = requests.patch(
        attack.url + "/me/profile",
        json=update,
        headers={"Authorization": f"Bearer {world.session_of(student)}"},
        timeout=TIMEOUT,
    )
    assert (answer.status_code, problem_code(answer)) == (422, "validation-failed")


# --- 5. poisoned data --------------------------------------------------------------------


def test_an_unrepresentable_date_is_refused_and_the_clock_still_moves(attack: Attack) -> None:
    world, student = attack.world, attack.registered()
    record = world.sevis.snapshot(student.sevis_id)
    poisoned = replace(
        record,
        sevis_id="N9999999999",
        email="poison@example.test",
        authorizations=tuple(
            replace(a, end_date=date(9999, 12, 31)) for a in record.authorizations
        ),
    )
    transmission = Transmission(
        "POISON-1", TransmissionKind.OPT_APPROVED, world.clock.now(), poisoned
    )
    body = json.dumps(to_wire(transmission)).encode()
    answer = attack.post("/sevis/transmissions", body, **JSON, **attack.channel())
    assert (answer.status_code, problem_code(answer)) == (422, "transmission-invalid")
    world.advance(timedelta(days=91))  # PUT /_harness/clock: the jobs run for the others
    assert problem_code(attack.login(student.email, student.password)) == "account-locked"
    assert problem_code(attack.login("poison@example.test", WRONG)) == "invalid-credentials"


# --- 6. the harness side of the credentials -----------------------------------------------


def test_attaching_without_the_secrets_is_a_clear_preflight_error(attack: Attack) -> None:
    with pytest.raises(PreflightError, match="--harness-control-secret"):
        attach(attack.url, HttpSettings(timeout=TIMEOUT))


def test_the_evidence_never_holds_a_secret(attack: Attack) -> None:
    attack.registered()
    notes = "\n".join(attack.world.evidence.lines())
    assert SECRETS.sevis not in notes and SECRETS.control not in notes


def test_a_probe_that_reaches_nothing_is_a_target_error_not_an_answer() -> None:
    from harness.drivers.errors import TargetError
    from harness.drivers.http import HttpPortal
    from harness.targets import free_loopback_port

    nobody = HttpPortal(f"http://127.0.0.1:{free_loopback_port()}", timeout=TIMEOUT)
    with nobody, pytest.raises(TargetError):
        nobody.probe("POST", "/password-resets", b"{}", JSON)
