"""HttpPortal against the reference app on loopback, with a small fake service: typed
results, typed errors, problems for bad requests, masked evidence."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from datetime import date, datetime, timezone

import pytest
import requests

from harness.drivers.base import PortalDriver
from harness.drivers.http import HttpPortal, mask_body, mask_text
from simulators.common.clock import SimulatedClock
from simulators.common.contract import (
    CONTRACT_VERSION,
    EmployerEdit,
    EmployerInput,
    EmployerView,
    ErrorCode,
    HistoryEntry,
    PortalError,
    PortalInfo,
    StudentProfile,
)
from simulators.common.domain import EducationLevel, ProgramStatus
from simulators.common.records import StudentRecord, UsAddress
from simulators.common.seams import Transmission, TransmissionKind
from simulators.common.serving import ServedApp, serve_in_thread
from simulators.common.wire import SimulatorEndpoints, SmtpEndpoint, to_wire
from simulators.portal.app import create_app

PASSWORD = "Pw-secret-4711!"
NEW_PASSWORD = "Pw-newer-0815!"
SESSION = "sess-c0ffee-secret"
TOKEN = "tok-deadbeef-secret"
ADDRESS = UsAddress("1 Main St", "Springfield", "IL", "62701")
PROFILE = StudentProfile(
    "N0001234567", "ada@example.test", "Ada", "Lovelace", date(1999, 12, 10), ADDRESS, "555-0100"
)


class FakePortal:
    """A few portal operations with the driver's signatures; the adapter must not care."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple[object, ...]]] = []
        self.transmissions: dict[str, Transmission] = {}
        self.employer_list: list[EmployerView] = []
        self.now: datetime | None = None

    def _session(self, session: str) -> None:
        if session != SESSION:
            raise PortalError(ErrorCode.SESSION_INVALID, "log in first")

    def deliver(self, transmission: Transmission) -> None:
        self.transmissions.setdefault(transmission.transmission_id, transmission)

    def register(self, token: str, sevis_id: str, password: str) -> None:
        self.calls.append(("register", (token, sevis_id, password)))
        if token != TOKEN:
            raise PortalError(ErrorCode.TOKEN_INVALID, "no such link")

    def login(self, email: str, password: str) -> str:
        if password != PASSWORD:
            raise PortalError(ErrorCode.INVALID_CREDENTIALS, "wrong email or password")
        return SESSION

    def complete_password_reset(self, token: str, new_password: str) -> None:
        self.calls.append(("complete_password_reset", (token, new_password)))

    def attest(self, session: str) -> None:
        self._session(session)

    def profile(self, session: str) -> StudentProfile:
        self._session(session)
        return PROFILE

    def employers(self, session: str) -> list[EmployerView]:
        self._session(session)
        return list(self.employer_list)

    def add_employer(self, session: str, employer: EmployerInput) -> EmployerView:
        self._session(session)
        view = EmployerView(
            f"E{len(self.employer_list) + 1}",
            employer.employer_name,
            employer.address,
            employer.start_date,
            employer.job_title,
        )
        self.employer_list.append(view)
        return view

    def edit_employer(self, session: str, employer_id: str, edit: EmployerEdit) -> EmployerView:
        self._session(session)
        self.calls.append(("edit_employer", (employer_id, edit)))
        raise PortalError(ErrorCode.NOT_FOUND, f"no employer {employer_id}")

    def delete_employer(
        self, session: str, employer_id: str, *, never_worked_confirmed: bool
    ) -> None:
        self._session(session)
        self.calls.append(("delete_employer", (employer_id, never_worked_confirmed)))
        if not never_worked_confirmed:
            raise PortalError(ErrorCode.CONFIRMATION_REQUIRED, "confirm you never worked there")

    def history(self, session: str) -> list[HistoryEntry]:
        raise RuntimeError(f"database password is {PASSWORD}")

    def info(self) -> PortalInfo:
        return PortalInfo("fake", CONTRACT_VERSION, True, frozenset({"clock"}))

    def set_time(self, now: datetime) -> None:
        self.now = now

    def reset(self) -> None:
        self.calls.append(("reset", ()))


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[FakePortal, ServedApp]]:
    fake = FakePortal()
    endpoints = SimulatorEndpoints(SmtpEndpoint("127.0.0.1", 2525), "http://127.0.0.1:9000")
    app = create_app(fake, clock=SimulatedClock(), simulators=endpoints, secrets=None)  # type: ignore[arg-type]
    with serve_in_thread(app) as server:
        yield fake, server


@pytest.fixture
def fake(served: tuple[FakePortal, ServedApp]) -> FakePortal:
    served[0].calls.clear()
    return served[0]


@pytest.fixture
def portal(served: tuple[FakePortal, ServedApp]) -> Iterator[HttpPortal]:
    with HttpPortal(served[1].url, timeout=2.0) as driver:
        yield driver


def _transmission(transmission_id: str = "T1") -> Transmission:
    record = StudentRecord(
        "N0001234567",
        "Ada",
        "Lovelace",
        date(1999, 12, 10),
        "ada@example.test",
        ADDRESS,
        "555-0100",
        "P1",
        ProgramStatus.ACTIVE,
        EducationLevel.MASTERS,
    )
    sent = datetime(2026, 1, 5, 9, tzinfo=timezone.utc)
    return Transmission(transmission_id, TransmissionKind.OPT_APPROVED, sent, record)


# --- typed results and typed errors ---------------------------------------------------------


def test_the_http_portal_is_a_portal_driver(portal: HttpPortal) -> None:
    assert isinstance(portal, PortalDriver)


def test_typed_views_come_back_from_the_wire(portal: HttpPortal, fake: FakePortal) -> None:
    session = portal.login("ada@example.test", PASSWORD)
    assert session == SESSION
    portal.attest(session)
    assert portal.profile(session) == PROFILE
    added = portal.add_employer(
        session, EmployerInput("Acme", ADDRESS, date(2026, 2, 1), "Analyst")
    )
    assert isinstance(added, EmployerView)
    assert added.employer_name == "Acme"
    assert added in portal.employers(session)


def test_a_refusal_is_the_same_portal_error_as_in_memory(portal: HttpPortal) -> None:
    with pytest.raises(PortalError) as caught:
        portal.login("ada@example.test", "wrong")
    assert caught.value.code is ErrorCode.INVALID_CREDENTIALS
    assert caught.value.detail == "wrong email or password"


def test_a_missing_session_reaches_the_service_as_empty_and_is_refused(portal: HttpPortal) -> None:
    with pytest.raises(PortalError) as caught:
        portal.profile("")
    assert caught.value.code is ErrorCode.SESSION_INVALID


def test_delete_carries_the_never_worked_confirmation(portal: HttpPortal, fake: FakePortal) -> None:
    with pytest.raises(PortalError) as caught:
        portal.delete_employer(SESSION, "E/1", never_worked_confirmed=False)
    assert caught.value.code is ErrorCode.CONFIRMATION_REQUIRED
    portal.delete_employer(SESSION, "E/1", never_worked_confirmed=True)
    assert fake.calls == [("delete_employer", ("E/1", False)), ("delete_employer", ("E/1", True))]


def test_edit_passes_only_the_changed_fields(portal: HttpPortal, fake: FakePortal) -> None:
    with pytest.raises(PortalError) as caught:
        portal.edit_employer(SESSION, "E9", EmployerEdit(job_title="Lead"))
    assert caught.value.code is ErrorCode.NOT_FOUND
    assert fake.calls == [("edit_employer", ("E9", EmployerEdit(job_title="Lead")))]


def test_deliver_is_idempotent_on_the_wire(portal: HttpPortal, fake: FakePortal) -> None:
    portal.deliver(_transmission("T-idem"))
    portal.deliver(_transmission("T-idem"))
    assert fake.transmissions["T-idem"] == _transmission("T-idem")
    assert [e.status for e in portal.exchanges] == [200, 200]


def test_control_api_info_clock_and_reset(portal: HttpPortal, fake: FakePortal) -> None:
    info = portal.harness_info()
    assert info.portal_info() == portal.info()
    assert portal.info() == PortalInfo("fake", CONTRACT_VERSION, True, frozenset({"clock"}))
    assert info.simulators.smtp == SmtpEndpoint("127.0.0.1", 2525)
    assert info.simulators.sevis_url == "http://127.0.0.1:9000"
    moment = datetime(2026, 3, 1, 12, tzinfo=timezone.utc)
    portal.set_time(moment)
    assert fake.now == moment
    assert portal.now() == SimulatedClock().now()  # the app's clock, not the service's
    portal.reset()
    assert fake.calls == [("reset", ())]


def test_an_unexpected_failure_is_a_500_problem_that_tells_nothing(
    served: tuple[FakePortal, ServedApp], portal: HttpPortal
) -> None:
    from harness.drivers.errors import TargetError, TargetFault

    with pytest.raises(TargetError) as caught:
        portal.history(SESSION)
    assert caught.value.fault is TargetFault.SERVER_ERROR
    answer = requests.get(served[1].url + "/me/history", timeout=2)
    assert answer.status_code == 500
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["code"] == "internal-error"
    assert PASSWORD not in answer.text
    assert "Traceback" not in answer.text


# --- the adapter's own problems --------------------------------------------------------------


def _post(served: tuple[FakePortal, ServedApp], path: str, body: bytes) -> requests.Response:
    return requests.post(
        served[1].url + path, data=body, headers={"Content-Type": "application/json"}, timeout=2
    )


def test_a_body_that_is_not_json_is_a_400_problem(served: tuple[FakePortal, ServedApp]) -> None:
    answer = _post(served, "/sessions", b"{email: ada")
    assert answer.status_code == 400
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["code"] == "malformed-request"


def test_json_of_the_wrong_shape_is_a_422_problem_naming_the_field(
    served: tuple[FakePortal, ServedApp],
) -> None:
    body = to_wire(_transmission())
    body["record"]["us_address"]["zip_code"] = 62701
    answer = _post(served, "/sevis/transmissions", json.dumps(body).encode())
    assert answer.status_code == 422
    problem = answer.json()
    assert problem["code"] == "request-invalid"
    assert problem["field"] == "record.us_address.zip_code"
    assert "expected a string" in problem["detail"]
    assert "T1" not in served[0].transmissions  # nothing changed


def test_unknown_members_in_a_request_are_refused(served: tuple[FakePortal, ServedApp]) -> None:
    body = json.dumps({"email": "a@b.test", "password": PASSWORD, "remember": True}).encode()
    answer = _post(served, "/sessions", body)
    assert answer.status_code == 422
    assert answer.json()["field"] == "remember"
    assert PASSWORD not in answer.text


def test_a_bad_confirmation_flag_is_a_422_problem(served: tuple[FakePortal, ServedApp]) -> None:
    answer = requests.delete(
        served[1].url + "/me/employers/E1?never_worked_confirmed=yes",
        headers={"Authorization": f"Bearer {SESSION}"},
        timeout=2,
    )
    assert answer.status_code == 422
    assert answer.json()["field"] == "never_worked_confirmed"


def test_unknown_routes_and_wrong_methods_are_problems(
    served: tuple[FakePortal, ServedApp],
) -> None:
    missing = requests.get(served[1].url + "/me/secrets", timeout=2)
    assert (missing.status_code, missing.json()["code"]) == (404, "route-not-found")
    assert missing.headers["content-type"] == "application/problem+json"
    wrong = requests.put(served[1].url + "/me/employers", timeout=2)
    assert (wrong.status_code, wrong.json()["code"]) == (405, "method-not-allowed")
    assert set(wrong.headers["allow"].replace(" ", "").split(",")) >= {"GET", "POST"}


def test_answers_are_not_cached(served: tuple[FakePortal, ServedApp]) -> None:
    answer = _post(served, "/sessions", json.dumps({"email": "a", "password": PASSWORD}).encode())
    assert answer.status_code == 201
    assert answer.headers["cache-control"] == "no-store"


# --- evidence -----------------------------------------------------------------------------------


def test_exchanges_are_recorded_with_secrets_masked(portal: HttpPortal) -> None:
    session = portal.login("ada@example.test", PASSWORD)
    portal.register(TOKEN, "N0001234567", PASSWORD)
    portal.complete_password_reset(TOKEN, NEW_PASSWORD)
    portal.profile(session)
    with pytest.raises(PortalError):
        portal.register("tok-other-secret", "N0001234567", PASSWORD)
    evidence = repr(portal.exchanges)
    for secret in (PASSWORD, NEW_PASSWORD, SESSION, TOKEN, "tok-other-secret"):
        assert secret not in evidence
    login, register, reset, profile, refused = portal.exchanges
    assert (login.method, login.status) == ("POST", 201)
    assert json.loads(login.request_body) == {"email": "ada@example.test", "password": "****"}
    assert json.loads(login.response_body) == {"session": "****"}
    assert json.loads(register.request_body) == {
        "token": "****",
        "sevis_id": "N0001234567",
        "password": "****",
    }
    assert json.loads(reset.request_body) == {"token": "****", "new_password": "****"}
    assert profile.authorization == "Bearer ****"
    assert json.loads(profile.response_body)["email"] == "ada@example.test"  # not a secret
    assert refused.status == 404
    assert all(e.elapsed_ms >= 0 for e in portal.exchanges)


def test_free_text_masking_covers_links_bearer_values_and_json_secrets() -> None:
    assert mask_text("https://p.test/register?token=abc123&x=1") == (
        "https://p.test/register?token=****&x=1"
    )
    assert mask_text("Authorization: Bearer abc.def") == "Authorization: Bearer ****"
    assert mask_body(b'<p>{"password": "hunter2"}</p>') == '<p>{"password": "****"}</p>'
    assert "abc" not in mask_body(b'{"summary": "see /reset-password?token=abc"}')


# --- misbehaving targets ---------------------------------------------------------------------


# A hang detector, not a speed target (those live in benchmarks/bench.py): the misbehaving
# peers below hold on for 30 s, so a driver that ignored its timeout would take that long;
# one that keeps it answers in about a second even on a loaded CI machine.
HANG_DETECTOR = 10
PEER_HOLDS_ON = 30


def _serve_raw(handler: object) -> tuple[str, socket.socket]:
    """A listening socket whose connections ``handler(conn)`` serves in threads."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)

    def accept() -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            threading.Thread(target=handler, args=(conn,), daemon=True).start()  # type: ignore[arg-type]

    threading.Thread(target=accept, daemon=True).start()
    return f"http://127.0.0.1:{listener.getsockname()[1]}", listener


def _answer(raw: bytes) -> object:
    def handler(conn: socket.socket) -> None:
        with conn:
            conn.recv(65536)
            conn.sendall(raw)

    return handler


def _target_error(base_url: str, call: str = "info", timeout: float = 0.5) -> tuple[object, float]:
    from harness.drivers.errors import TargetError

    driver = HttpPortal(base_url, timeout=timeout)
    started = time.monotonic()
    with pytest.raises(TargetError) as caught:
        if call == "deliver":
            driver.deliver(_transmission())
        else:
            driver.info()
    elapsed = time.monotonic() - started
    assert driver.exchanges and driver.exchanges[-1].error, "the failure is kept as evidence"
    return caught.value, elapsed


def test_a_refused_connection_is_a_quick_target_error() -> None:
    from harness.drivers.errors import TargetFault

    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    error, elapsed = _target_error(f"http://127.0.0.1:{port}")
    assert error.fault is TargetFault.UNREACHABLE  # type: ignore[attr-defined]
    assert f"GET http://127.0.0.1:{port}/_harness/info" in str(error)
    assert elapsed < HANG_DETECTOR


def test_a_target_that_never_answers_times_out() -> None:
    from harness.drivers.errors import TargetFault

    def hang(conn: socket.socket) -> None:
        time.sleep(PEER_HOLDS_ON)
        conn.close()

    url, listener = _serve_raw(hang)
    try:
        error, elapsed = _target_error(url, timeout=0.3)
    finally:
        listener.close()
    assert error.fault is TargetFault.TIMEOUT  # type: ignore[attr-defined]
    assert elapsed < HANG_DETECTOR


def test_a_target_that_trickles_its_answer_times_out() -> None:
    from harness.drivers.errors import TargetFault

    def trickle(conn: socket.socket) -> None:
        with conn:
            conn.recv(65536)
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n")
            conn.sendall(b"Content-Length: 100\r\n\r\n")
            for _ in range(PEER_HOLDS_ON * 10):
                time.sleep(0.1)
                try:
                    conn.sendall(b" ")
                except OSError:
                    return

    url, listener = _serve_raw(trickle)
    try:
        error, elapsed = _target_error(url, timeout=0.3)
    finally:
        listener.close()
    assert error.fault is TargetFault.TIMEOUT  # type: ignore[attr-defined]
    assert elapsed < HANG_DETECTOR


@pytest.mark.parametrize(
    ("raw", "fault", "words"),
    [
        (
            b"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 4\r\n\r\noops",
            "server-error",
            "answered 500",
        ),
        (
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 13\r\n\r\n<h1>Hello</h1",
            "not-json",
            "not JSON (text/html)",
        ),
        (
            b"HTTP/1.1 404 Not Found\r\nContent-Type: text/html\r\nContent-Length: 6\r\n\r\n<h1/>!",
            "not-json",
            "not a problem+json object",
        ),
        (
            b'HTTP/1.1 418 Teapot\r\nContent-Length: 18\r\n\r\n{"code": "teapot"}',
            "contract-violation",
            "unknown code 'teapot'",
        ),
        (
            b'HTTP/1.1 400 Bad\r\nContent-Length: 30\r\n\r\n{"code": "validation-failed"}\n',
            "contract-violation",
            "the contract gives that code 422",
        ),
        (
            b'HTTP/1.1 422 Bad\r\nContent-Length: 27\r\n\r\n{"code": "request-invalid"}',
            "contract-violation",
            "refused a request the contract allows",
        ),
        (
            b'HTTP/1.1 200 OK\r\nContent-Length: 25\r\n\r\n{"implementation": "x"}\n\n',
            "contract-violation",
            "contract_version: required field is missing",
        ),
    ],
)
def test_a_misbehaving_answer_is_a_target_error_saying_what_was_wrong(
    raw: bytes, fault: str, words: str
) -> None:
    url, listener = _serve_raw(_answer(raw))
    try:
        error, elapsed = _target_error(url)
    finally:
        listener.close()
    assert error.fault.value == fault  # type: ignore[attr-defined]
    assert words in str(error)
    assert "info: GET " in str(error)
    assert elapsed < HANG_DETECTOR


def test_a_failed_delivery_is_also_a_transmission_failure() -> None:
    from harness.drivers.errors import TransmissionNotDelivered
    from simulators.common.seams import TransmissionFailed

    url, listener = _serve_raw(_answer(b"HTTP/1.1 503 Busy\r\nContent-Length: 0\r\n\r\n"))
    try:
        error, _ = _target_error(url, call="deliver")
    finally:
        listener.close()
    assert isinstance(error, TransmissionNotDelivered)
    assert isinstance(error, TransmissionFailed)


def test_the_session_is_kept_alive_across_calls(served: tuple[FakePortal, ServedApp]) -> None:
    with HttpPortal(served[1].url) as driver:
        started = time.monotonic()
        for _ in range(50):
            driver.info()
        per_call = (time.monotonic() - started) / 50
    assert per_call < 0.02, f"{per_call * 1000:.1f} ms a call: is Nagle back?"
