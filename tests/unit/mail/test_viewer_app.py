"""The mail viewer (``simulators/mail/app.py``): thin and read-only over the store. Lists
filter as the store does, one message shows its headers, text and links, bounces are
listed, and bad input is a problem+json 4xx that changes nothing."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from email.message import EmailMessage

import pytest
import requests

from simulators.common.serving import ServedApp, serve_in_thread
from simulators.mail import InMemoryMailer, MailStore
from simulators.mail.app import MESSAGE_NOT_FOUND, create_app

TIMEOUT = 5
Compose = Callable[..., EmailMessage]


@pytest.fixture
def viewer(store: MailStore) -> Iterator[ServedApp]:
    with serve_in_thread(create_app(store)) as served:
        yield served


@pytest.fixture
def filled(store: MailStore, compose: Compose, student: str) -> MailStore:
    """Two messages to the student (one filed as junk) and one bounce."""
    store.route_to_junk(student, subject_pattern="reset")
    mailer = InMemoryMailer(store)
    mailer.send(
        compose(subject="Welcome", body="Register at https://portal.test/register?token=abc\n")
    )
    mailer.send(compose(subject="Account reset"))
    mailer.send(compose(to=[student, "nobody@example.edu"], subject="Two recipients"))
    return store


def get(viewer: ServedApp, path: str) -> requests.Response:
    return requests.get(viewer.url + path, timeout=TIMEOUT)


def test_messages_are_listed_and_filtered_by_recipient_subject_and_folder(
    viewer: ServedApp, filled: MailStore, student: str
) -> None:
    every = get(viewer, "/messages").json()
    assert [m["subject"] for m in every] == ["Welcome", "Account reset", "Two recipients"]
    assert [m["number"] for m in every] == [1, 2, 3]
    assert every[0]["mailbox"] == student and every[0]["folder"] == "Inbox"

    junk = get(viewer, "/messages?folder=junk").json()
    assert [m["subject"] for m in junk] == ["Account reset"]
    assert get(viewer, "/messages?folder=Inbox&subject=Welcome").json()[0]["number"] == 1
    assert len(get(viewer, "/messages?subject_contains=Two").json()) == 1
    assert get(viewer, f"/messages?recipient={student.upper()}").json() == every
    assert get(viewer, "/messages?recipient=someone.else@example.edu").json() == []


def test_one_message_shows_headers_text_and_links(viewer: ServedApp, filled: MailStore) -> None:
    answer = get(viewer, "/messages/1")
    assert answer.status_code == 200
    message = answer.json()
    assert message["subject"] == "Welcome"
    assert ["Subject", "Welcome"] in message["headers"]
    assert "Register at" in message["text"]
    assert message["links"] == ["https://portal.test/register?token=abc"]


def test_bounces_are_listed(viewer: ServedApp, filled: MailStore) -> None:
    bounces = get(viewer, "/bounces").json()
    assert [b["recipient"] for b in bounces] == ["nobody@example.edu"]
    assert bounces[0]["code"] == 550 and bounces[0]["subject"] == "Two recipients"
    assert get(viewer, "/bounces?recipient=maria.lopez@example.edu").json() == []


@pytest.mark.parametrize(
    ("path", "status", "code"),
    [
        ("/messages/99", 404, MESSAGE_NOT_FOUND),
        ("/messages/first", 404, "route-not-found"),
        ("/messages?folder=spam", 422, "request-invalid"),
        ("/messages?sender=x", 422, "request-invalid"),
        ("/messages?subject=a&subject=b", 422, "request-invalid"),
        ("/messages?since=yesterday", 422, "request-invalid"),
        ("/messages/1?verbose=1", 422, "request-invalid"),
        ("/bounces?folder=junk", 422, "request-invalid"),
        ("/inbox", 404, "route-not-found"),
    ],
)
def test_bad_input_is_a_problem_and_changes_nothing(
    viewer: ServedApp, filled: MailStore, path: str, status: int, code: str
) -> None:
    before = (filled.messages(), filled.bounces())
    answer = get(viewer, path)
    assert answer.status_code == status
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert answer.json()["code"] == code
    assert (filled.messages(), filled.bounces()) == before


def test_the_viewer_is_read_only(viewer: ServedApp, filled: MailStore) -> None:
    answer = requests.delete(viewer.url + "/messages", timeout=TIMEOUT)
    assert answer.status_code == 405
    assert answer.json()["code"] == "method-not-allowed"
    assert "GET" in answer.headers["allow"]
    assert filled.count() == 3
