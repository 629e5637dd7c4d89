"""``PUT /_harness/simulators`` (contract 1.1, optional): the reference re-points where it
sends mail and student changes, reports it in ``GET /_harness/info`` and keeps it across
resets; bad input is a 4xx that changes nothing; a portal without it answers 501, which
``harness.targets.point_simulators`` reads as "not offered"."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from harness.drivers.memory import HARNESS_OPTIONS
from harness.targets import HttpSettings, RepointNotOffered, point_simulators
from simulators.common.serving import ServedApp, serve_in_thread
from simulators.common.wire import SimulatorEndpoints, SmtpEndpoint
from simulators.portal.app import create_app
from simulators.portal.server import reference_app
from simulators.portal.service import PortalService

TIMEOUT = 5
ORIGINAL = {"smtp": {"host": "127.0.0.1", "port": 2525}, "sevis_url": "http://127.0.0.1:8081"}
ELSEWHERE = {"smtp": {"host": "127.0.0.1", "port": 2626}, "sevis_url": "http://localhost:9091"}


@pytest.fixture
def portal() -> Iterator[ServedApp]:
    app = reference_app(
        SmtpEndpoint("127.0.0.1", 2525),
        "http://127.0.0.1:8081",
        secrets=None,
        options=HARNESS_OPTIONS,
    )
    with serve_in_thread(app) as served:
        yield served


def reported(portal: ServedApp) -> Any:
    return requests.get(portal.url + "/_harness/info", timeout=TIMEOUT).json()["simulators"]


def put(portal: ServedApp, body: Any) -> requests.Response:
    return requests.put(portal.url + "/_harness/simulators", json=body, timeout=TIMEOUT)


def test_the_reference_is_re_pointed_and_says_so(portal: ServedApp) -> None:
    assert reported(portal) == ORIGINAL
    answer = put(portal, ELSEWHERE)
    assert answer.status_code == 200
    assert answer.json() == ELSEWHERE
    assert reported(portal) == ELSEWHERE
    requests.post(portal.url + "/_harness/reset", timeout=TIMEOUT).raise_for_status()
    assert reported(portal) == ELSEWHERE, "a reset keeps the wiring"
    point_simulators(
        portal.url,
        SimulatorEndpoints(SmtpEndpoint("127.0.0.1", 2525), "http://127.0.0.1:8081"),
        HttpSettings(),
    )
    assert reported(portal) == ORIGINAL


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"smtp": None, "sevis_url": "http://127.0.0.1:1"}, 422, "validation-failed"),
        ({"smtp": ELSEWHERE["smtp"]}, 422, "validation-failed"),
        ({**ELSEWHERE, "smtp": {"host": "mail.example.com", "port": 25}}, 422, "validation-failed"),
        ({**ELSEWHERE, "smtp": {"host": "127.0.0.1", "port": 0}}, 422, "validation-failed"),
        ({**ELSEWHERE, "sevis_url": "http://sevis.example.com:80"}, 422, "validation-failed"),
        ({**ELSEWHERE, "sevis_url": "ftp://127.0.0.1:21"}, 422, "validation-failed"),
        ({**ELSEWHERE, "sevis_url": "http://127.0.0.1:99999"}, 422, "validation-failed"),
        ({**ELSEWHERE, "smtp": {"host": "127.0.0.1", "port": "25"}}, 422, "request-invalid"),
        ({**ELSEWHERE, "relay": True}, 422, "request-invalid"),
        ("not json", 400, "malformed-request"),
    ],
)
def test_bad_input_is_a_problem_and_changes_nothing(
    portal: ServedApp, body: object, status: int, code: str
) -> None:
    if body == "not json":
        answer = requests.put(
            portal.url + "/_harness/simulators",
            data=b"{",
            headers={"Content-Type": "application/json"},
            timeout=TIMEOUT,
        )
    else:
        answer = put(portal, body)
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert answer.json()["code"] == code
    assert reported(portal) == ORIGINAL


def test_a_portal_without_wiring_answers_501_read_as_not_offered() -> None:
    service = PortalService.__new__(PortalService)  # the route answers before any call
    with serve_in_thread(create_app(service, secrets=None)) as served:
        answer = put(served, ELSEWHERE)
        assert answer.status_code == 501
        assert answer.json()["code"] == "not-implemented"
        with pytest.raises(RepointNotOffered, match="answered 501"):
            point_simulators(
                served.url,
                SimulatorEndpoints(SmtpEndpoint("127.0.0.1", 2626), "http://127.0.0.1:9091"),
                HttpSettings(timeout=2),
            )
