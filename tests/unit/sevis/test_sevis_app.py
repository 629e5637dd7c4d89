"""The SEVIS simulator's read and action endpoints (``simulators/sevis/app.py`` over a whole
``SevisService``): a scenario driven by hand (enroll, request OPT, USCIS decisions, Reset
Portal Account, daily sync), the event history and the list of student changes in JSON and
CSV (FAQ 10); bad input is a problem+json 4xx that leaves SEVIS as it was."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import datetime, timezone
from typing import Any

import pytest
import requests

from simulators.common.clock import SimulatedClock
from simulators.common.records import FieldChange
from simulators.common.seams import StudentChange, StudentChangeKind
from simulators.common.serving import ServedApp, serve_in_thread
from simulators.sevis import RecordingTransport, SevisService
from simulators.sevis.app import create_app
from simulators.sevis.service import CHANGE_LIST_COLUMNS

TIMEOUT = 5
SEVIS_ID = "N0000000077"
STUDENT: dict[str, Any] = {
    "sevis_id": SEVIS_ID,
    "given_name": "Ana",
    "surname": "Silva",
    "birth_date": "1998-03-04",
    "email": "ana@example.test",
    "us_address": {
        "street": "1 Main St",
        "city": "Springfield",
        "state": "IL",
        "zip_code": "62701",
    },
    "phone": "+1 217 555 0100",
}
OPT = {"opt_type": "post-completion", "start_date": "2026-01-01", "end_date": "2026-12-31"}


@pytest.fixture
def transport() -> RecordingTransport:
    return RecordingTransport()


@pytest.fixture
def sevis(transport: RecordingTransport) -> SevisService:
    return SevisService(SimulatedClock(), transport, id_prefix="T")


@pytest.fixture
def served(sevis: SevisService) -> Iterator[ServedApp]:
    with serve_in_thread(create_app(sevis)) as app:
        yield app


def call(served: ServedApp, method: str, path: str, body: Any = None) -> requests.Response:
    return requests.request(method, served.url + path, json=body, timeout=TIMEOUT)


def enrolled_with_opt(served: ServedApp) -> str:
    assert call(served, "POST", "/students", {"student": STUDENT}).status_code == 201
    answer = call(served, "POST", f"/students/{SEVIS_ID}/opt-requests", OPT)
    assert answer.status_code == 201, answer.text
    request_id: str = answer.json()["authorization_id"]
    return request_id


def test_a_scenario_driven_by_hand_transmits_and_is_in_the_event_history(
    served: ServedApp, sevis: SevisService, transport: RecordingTransport
) -> None:
    request_id = enrolled_with_opt(served)
    assert call(served, "GET", "/students").json() == [SEVIS_ID]

    assert call(served, "POST", f"/opt-requests/{request_id}/uscis-receive").json()["status"] == (
        "Pending"
    )
    approved = call(served, "POST", f"/opt-requests/{request_id}/uscis-approve")
    assert approved.json()["status"] == "Approved"
    assert [t.kind.value for t in transport.applied()] == ["opt-approved"]

    reset = call(served, "POST", f"/students/{SEVIS_ID}/reset-portal-account", {"dso": "J. Doe"})
    assert reset.status_code == 200
    assert reset.json()["transmission"]["kind"] == "reset-portal-account"
    assert call(served, "POST", "/daily-sync").json() == []

    events = call(served, "GET", f"/students/{SEVIS_ID}/events").json()
    names = [event["name"] for event in events]
    assert names == [e.name.value for e in sevis.event_history(SEVIS_ID)]
    assert any(e["performed_by"] == "J. Doe" for e in events)
    sent = call(served, "GET", f"/students/{SEVIS_ID}/transmissions").json()
    assert [t["outcome"] for t in sent] == ["Delivered", "Delivered"]
    record = call(served, "GET", f"/students/{SEVIS_ID}").json()
    assert record["authorizations"][0]["status"] == "Approved"


def test_uscis_denial_by_hand(served: ServedApp, sevis: SevisService) -> None:
    request_id = enrolled_with_opt(served)
    call(served, "POST", f"/opt-requests/{request_id}/uscis-receive")
    denied = call(served, "POST", f"/opt-requests/{request_id}/uscis-deny")
    assert denied.status_code == 200
    assert sevis.opt_request(request_id).status.value == "Denied"


def test_the_list_of_student_changes_downloads_as_json_and_csv(
    served: ServedApp, sevis: SevisService
) -> None:
    enrolled_with_opt(served)
    at = datetime(2026, 1, 6, 10, tzinfo=timezone.utc)
    sevis.receive_student_change(
        StudentChange(
            change_id="C1",
            sevis_id=SEVIS_ID,
            kind=StudentChangeKind.CONTACT_CHANGED,
            at=at,
            changes=(FieldChange("phone", "+1 217 555 0100", "+1 217 555 0199"),),
        )
    )
    rows = call(served, "GET", "/student-changes").json()
    assert [(r["sevis_id"], r["field"], r["new_value"]) for r in rows] == [
        (SEVIS_ID, "phone", "+1 217 555 0199")
    ]
    later = call(served, "GET", "/student-changes?since=2026-01-07T00:00:00Z").json()
    assert later == []

    download = call(served, "GET", f"/student-changes?format=csv&sevis_id={SEVIS_ID}")
    assert download.headers["content-type"].startswith("text/csv")
    assert "attachment" in download.headers["content-disposition"]
    table = list(csv.reader(io.StringIO(download.text)))
    assert tuple(table[0]) == CHANGE_LIST_COLUMNS
    assert table[1][0] == SEVIS_ID and table[1][-1] == "C1"


def _state(sevis: SevisService) -> tuple[object, ...]:
    ids = sevis.sevis_ids()
    return (
        ids,
        [sevis.event_history(i) for i in ids],
        [sevis.opt_requests(i) for i in ids],
        sevis.student_change_list(),
    )


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "code"),
    [
        ("POST", "/students", {"student": {**STUDENT, "sevis_id": "123"}}, 422, "invalid-sevis-id"),
        ("POST", "/students", {"student": STUDENT}, 409, "duplicate-student"),
        ("POST", "/students", {"student": STUDENT, "grade": 1}, 422, "request-invalid"),
        ("POST", "/students", "not an object", 422, "request-invalid"),
        ("POST", "/students", None, 400, "malformed-request"),
        ("GET", "/students/N0000000001", None, 404, "student-not-found"),
        ("GET", "/students/N0000000001/events", None, 404, "student-not-found"),
        ("POST", f"/students/{SEVIS_ID}/opt-requests", {**OPT, "opt_type": "x"}, 422, None),
        (
            "POST",
            f"/students/{SEVIS_ID}/opt-requests",
            {**OPT, "end_date": "2025-01-01"},
            422,
            "invalid-input",
        ),
        ("POST", f"/students/{SEVIS_ID}/opt-requests", OPT, 409, "conflicting-opt-request"),
        ("POST", "/opt-requests/OPT-NONE/uscis-approve", None, 404, "opt-request-not-found"),
        ("POST", "/opt-requests/{request}/uscis-approve", None, 409, "illegal-opt-transition"),
        ("POST", "/opt-requests/{request}/uscis-deny", {"reason": "x"}, 422, "request-invalid"),
        (
            "POST",
            f"/students/{SEVIS_ID}/reset-portal-account",
            None,
            409,
            "reset-portal-account-not-offered",
        ),
        ("GET", "/student-changes?format=xml", None, 422, "request-invalid"),
        ("GET", "/student-changes?since=monday", None, 422, "request-invalid"),
        ("GET", "/student-changes?student=x", None, 422, "request-invalid"),
        ("DELETE", f"/students/{SEVIS_ID}", None, 405, "method-not-allowed"),
        ("GET", "/daily-sync", None, 405, "method-not-allowed"),
    ],
)
def test_bad_input_is_a_problem_and_changes_nothing(
    served: ServedApp,
    sevis: SevisService,
    method: str,
    path: str,
    body: object,
    status: int,
    code: str | None,
) -> None:
    request_id = enrolled_with_opt(served)
    before = _state(sevis)
    answer = call(served, method, path.replace("{request}", request_id), body)
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert answer.json()["code"] == (code or "request-invalid")
    assert _state(sevis) == before


def test_the_harness_inbound_only_app_has_no_actions() -> None:
    class ChangesOnly:
        def receive_student_change(self, change: StudentChange) -> None:
            raise AssertionError("not called")

    with serve_in_thread(create_app(ChangesOnly())) as app:
        assert call(app, "GET", "/students").status_code == 404


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data"]
)
@pytest.mark.parametrize(
    "path",
    [
        "/daily-sync",
        f"/students/{SEVIS_ID}/reset-portal-account",
        "/opt-requests/{request}/uscis-receive",
        "/opt-requests/{request}/uscis-approve",
        "/opt-requests/{request}/uscis-deny",
    ],
)
def test_an_empty_cross_site_post_to_an_action_is_refused(
    served: ServedApp, sevis: SevisService, path: str, content_type: str
) -> None:
    """A page elsewhere can post an empty form or text/plain without a preflight: an action
    whose members all default must still refuse a body declared as another media type."""
    request_id = enrolled_with_opt(served)
    before = _state(sevis)
    url = served.url + path.replace("{request}", request_id)
    answer = requests.post(url, data=b"", headers={"Content-Type": content_type}, timeout=TIMEOUT)
    assert (answer.status_code, answer.json()["code"]) == (415, "unsupported-media-type")
    assert _state(sevis) == before


def test_an_action_without_a_body_or_with_an_empty_json_one_runs(served: ServedApp) -> None:
    for headers in ({}, {"Content-Type": "application/json"}):
        answer = requests.post(served.url + "/daily-sync", headers=headers, timeout=TIMEOUT)
        assert answer.status_code == 200, answer.text


def test_a_post_from_a_page_elsewhere_is_refused(served: ServedApp, sevis: SevisService) -> None:
    before = _state(sevis)
    answer = requests.post(
        served.url + "/daily-sync", headers={"Origin": "https://attacker.example"}, timeout=TIMEOUT
    )
    assert (answer.status_code, answer.json()["code"]) == (421, "host-not-allowed")
    assert _state(sevis) == before
