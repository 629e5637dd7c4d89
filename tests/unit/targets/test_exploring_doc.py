"""docs/exploring.md's curl walk-through, played with requests against ``serve``'s parts: every
status line the page shows (``curl -i``) is the one the reference answers."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from harness.serve import Exploration, ServedEndpoints

DOC = Path(__file__).resolve().parents[3] / "docs" / "exploring.md"
TIMEOUT = 10.0
#: A curl line of the walk-through that shows the status line, then the status shown.
_SHOWN = re.compile(r"curl -s -i -X (\w+) \$PORTAL(\S+).*?\n#\s+HTTP/1\.1 (\d{3} [\w ]+)", re.S)


@pytest.fixture(scope="module")
def served() -> Iterator[ServedEndpoints]:
    with Exploration(port=0) as exploration:
        assert exploration.endpoints is not None
        yield exploration.endpoints


def _walk(served: ServedEndpoints) -> dict[tuple[str, str], str]:
    """The walk-through's steps; the status line of each portal answer, by method and path."""
    sevis, mail, portal = served.sevis_url, served.mail_viewer_url, served.portal_url
    post = requests.post
    student = {
        "sevis_id": "N0012345678", "given_name": "Ana", "surname": "Ruiz",
        "birth_date": "1998-04-02", "email": "ana.ruiz@example.edu", "phone": "6175550100",
        "us_address": {"street": "1 Main St", "city": "Boston", "state": "MA", "zip_code": "02115"},
    }  # fmt: skip
    assert post(f"{sevis}/students", json={"student": student}, timeout=TIMEOUT).status_code == 201
    request = post(
        f"{sevis}/students/N0012345678/opt-requests",
        json={"opt_type": "post-completion", "start_date": "2026-01-01", "end_date": "2026-12-31"},
        timeout=TIMEOUT,
    ).json()
    for action, status in (("uscis-receive", "Pending"), ("uscis-approve", "Approved")):
        answer = post(
            f"{sevis}/opt-requests/{request['authorization_id']}/{action}", timeout=TIMEOUT
        )
        assert answer.json()["status"] == status
    (summary,) = requests.get(
        f"{mail}/messages?recipient={student['email']}", timeout=TIMEOUT
    ).json()
    link = requests.get(f"{mail}/messages/{summary['number']}", timeout=TIMEOUT).json()["links"][0]
    shown: dict[tuple[str, str], str] = {}

    def portal_post(path: str, body: object = None, session: str = "") -> requests.Response:
        headers = {"Authorization": f"Bearer {session}"} if session else {}
        answer = post(f"{portal}{path}", json=body, headers=headers, timeout=TIMEOUT)
        shown[("POST", path)] = f"{answer.status_code} {answer.reason}"
        return answer

    password = "Correct-horse-42"
    token = link.split("token=", 1)[1]
    portal_post("/registrations", {"token": token, "sevis_id": "N0012345678", "password": password})
    session = portal_post("/sessions", {"email": student["email"], "password": password})
    session_id = session.json()["session"]
    portal_post("/me/attestation", session=session_id)
    employer = {
        "employer_name": "Acme Robotics", "start_date": "2026-01-10", "job_title": "Engineer",
        "address": {"street": "2 Dock St", "city": "Boston", "state": "MA", "zip_code": "02110"},
    }  # fmt: skip
    portal_post("/me/employers", employer, session=session_id)
    events = requests.get(f"{sevis}/students/N0012345678/events", timeout=TIMEOUT).json()
    assert "Employer added in the portal" in [event["name"] for event in events]
    wrong = post(
        f"{portal}/sessions", json={"email": student["email"], "password": "wrong-horse-42"},
        timeout=TIMEOUT,
    )  # fmt: skip
    assert (wrong.status_code, wrong.json()["code"]) == (401, "invalid-credentials")
    return shown


def test_every_status_line_the_walk_through_shows_is_the_answer(served: ServedEndpoints) -> None:
    documented = [
        (m, path, status) for m, path, status in _SHOWN.findall(DOC.read_text(encoding="utf-8"))
    ]
    assert len(documented) >= 3, documented  # registration, attestation, employer
    answered = _walk(served)
    for method, path, status in documented:
        assert (method, path) in answered, f"the walk-through shows {method} {path}: play it"
        assert answered[(method, path)] == status.strip(), (method, path)
