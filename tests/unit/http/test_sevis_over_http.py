"""The SEVIS simulator's inbound endpoint and the portal's HttpStudentChangeSink: a change
applied once, every refusal a problem+json 4xx that changes nothing, and a sink that
raises (never hangs) when SEVIS refuses, is gone or is silent."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from datetime import date, datetime, timezone

import pytest
import requests

from simulators.common.clock import SimulatedClock
from simulators.common.records import FieldChange, NewStudent, UsAddress
from simulators.common.seams import StudentChange, StudentChangeKind
from simulators.common.serving import ServedApp, serve_in_thread
from simulators.common.wire import to_wire
from simulators.portal.outbound import HttpStudentChangeSink, StudentChangeNotAccepted
from simulators.sevis import SevisService
from simulators.sevis.app import create_app

SEVIS_ID = "N0000000042"
NOW = datetime(2026, 1, 5, 9, tzinfo=timezone.utc)


@pytest.fixture
def sevis() -> SevisService:
    service = SevisService(SimulatedClock(), id_prefix="T")
    service.enroll_student(
        NewStudent(
            sevis_id=SEVIS_ID,
            given_name="Ana",
            surname="Silva",
            birth_date=date(1998, 3, 4),
            email="ana@example.test",
            us_address=UsAddress("1 Main St", "Springfield", "IL", "62701"),
            phone="+1 217 555 0100",
        )
    )
    return service


@pytest.fixture
def served(sevis: SevisService) -> Iterator[ServedApp]:
    with serve_in_thread(create_app(sevis)) as app:
        yield app


def phone_change(change_id: str = "C1", sevis_id: str = SEVIS_ID) -> StudentChange:
    return StudentChange(
        change_id=change_id,
        sevis_id=sevis_id,
        kind=StudentChangeKind.CONTACT_CHANGED,
        at=NOW,
        changes=(FieldChange("phone", "+1 217 555 0100", "+1 217 555 0199"),),
    )


def post(
    served: ServedApp, body: bytes, content_type: str = "application/json"
) -> requests.Response:
    return requests.post(
        served.url + "/portal/student-changes",
        data=body,
        headers={"Content-Type": content_type},
        timeout=5,
    )


def test_a_change_is_applied_once(served: ServedApp, sevis: SevisService) -> None:
    body = json.dumps(to_wire(phone_change())).encode()
    assert post(served, body).status_code == 204
    assert post(served, body).status_code == 204  # a repeat is a no-op
    assert sevis.snapshot(SEVIS_ID).phone == "+1 217 555 0199"
    assert len(sevis.student_change_list(sevis_id=SEVIS_ID)) == 1


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        (b"{not json", 400, "malformed-request"),
        (b"", 400, "malformed-request"),
        (b"[]", 422, "request-invalid"),
        (json.dumps(to_wire(phone_change()) | {"surprise": 1}).encode(), 422, "request-invalid"),
        (json.dumps(to_wire(phone_change()) | {"kind": "nope"}).encode(), 422, "request-invalid"),
        (
            json.dumps(to_wire(phone_change(sevis_id="N0000000001"))).encode(),
            404,
            "student-not-found",
        ),
        (
            json.dumps(
                to_wire(phone_change())
                | {"changes": [{"field": "shoe", "old_value": "", "new_value": "9"}]}
            ).encode(),
            422,
            "unknown-change-field",
        ),
    ],
)
def test_bad_input_is_a_problem_and_changes_nothing(
    served: ServedApp, sevis: SevisService, body: bytes, status: int, code: str
) -> None:
    before = (sevis.snapshot(SEVIS_ID), sevis.student_change_list(), sevis.event_history(SEVIS_ID))
    answer = post(served, body)
    assert answer.status_code == status
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert answer.json()["code"] == code
    after = (sevis.snapshot(SEVIS_ID), sevis.student_change_list(), sevis.event_history(SEVIS_ID))
    assert after == before


def test_other_routes_and_methods_are_problems(served: ServedApp) -> None:
    assert requests.get(served.url + "/portal/student-changes", timeout=5).status_code == 405
    missing = requests.get(served.url + "/nowhere", timeout=5)
    assert (missing.status_code, missing.json()["code"]) == (404, "route-not-found")


def test_the_sink_delivers_and_raises_on_refusal(served: ServedApp, sevis: SevisService) -> None:
    sink = HttpStudentChangeSink(served.url, timeout=5)
    sink.receive_student_change(phone_change())
    assert sevis.snapshot(SEVIS_ID).phone == "+1 217 555 0199"
    with pytest.raises(StudentChangeNotAccepted) as refused:
        sink.receive_student_change(phone_change("C2", sevis_id="N0000000001"))
    assert (refused.value.status, refused.value.code) == (404, "student-not-found")
    sink.close()


def test_the_sink_raises_when_sevis_is_gone() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sink = HttpStudentChangeSink(f"http://127.0.0.1:{port}", timeout=1)
    with pytest.raises(StudentChangeNotAccepted, match="could not be reached"):
        sink.receive_student_change(phone_change())


def test_the_sink_raises_within_its_timeout_when_sevis_is_silent() -> None:
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(4)
        sink = HttpStudentChangeSink(f"http://127.0.0.1:{silent.getsockname()[1]}", timeout=0.3)
        started = time.monotonic()
        with pytest.raises(StudentChangeNotAccepted, match=r"did not answer within 0\.3s"):
            sink.receive_student_change(phone_change())
        assert (
            time.monotonic() - started < 10
        )  # a hang detector: without the timeout it never returns
