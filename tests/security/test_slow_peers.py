"""A slow or stalled peer delays only its own request: the reference sends mail after an
operation's turn and gives the turn away while SEVIS answers, and every SMTP or SEVIS
conversation has a total deadline, however slowly the peer trickles. Ordering, not
stopwatches: the unrelated requests are answered while the slow one is still waiting."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.message import Message

import pytest
import requests

from harness.world import StudentActor
from simulators.common.seams import MailNotSent, StudentChange, StudentChangeKind
from simulators.common.wire import SimulatorEndpoints, SmtpEndpoint
from simulators.mail.smtp import SmtpMailer
from simulators.portal.outbound import HttpStudentChangeSink, StudentChangeNotAccepted
from tests.security.attacks import TIMEOUT, Attack


@dataclass
class StallingPeer:
    """Accepts one connection at a time and sends ``trickle`` one byte every ``interval``
    seconds, then nothing until ``release`` (or its own bound); closes the connection after.
    A byte in every interval shorter than a read timeout keeps a per-read timeout from
    ever tripping: only a deadline on the whole conversation ends it."""

    trickle: bytes = b"2"
    interval: float = 0.0
    port: int = 0
    accepted: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    _listener: socket.socket = field(default_factory=socket.socket)

    def start(self) -> StallingPeer:
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(4)
        self._listener.settimeout(TIMEOUT)
        self.port = self._listener.getsockname()[1]
        threading.Thread(target=self._serve, daemon=True).start()
        return self

    def _serve(self) -> None:
        while not self.release.is_set():
            try:
                connection, _ = self._listener.accept()
            except OSError:
                return
            with connection:
                self.accepted.set()
                try:
                    for byte in self.trickle:
                        connection.sendall(bytes([byte]))
                        if self.release.wait(self.interval):
                            break
                except OSError:
                    continue  # the client cut the conversation: what is being tested
                self.release.wait(TIMEOUT)

    def stop(self) -> None:
        self.release.set()
        self._listener.close()


@pytest.fixture
def stalling_smtp() -> Iterator[StallingPeer]:
    server = StallingPeer().start()
    yield server
    server.stop()


@pytest.fixture
def trickling_sevis() -> Iterator[StallingPeer]:
    """A SEVIS that answers a byte every 50 ms: it never goes quiet for a read timeout."""
    server = StallingPeer(trickle=b"HTTP/1.1 204 No Content\r\n" * 40, interval=0.05).start()
    yield server
    server.stop()


def _message() -> Message:
    message = Message()
    message["From"], message["To"], message["Subject"] = "a@example.test", "b@example.test", "x"
    message.set_payload("hello")
    return message


def test_a_trickling_smtp_server_meets_the_conversation_deadline(
    stalling_smtp: StallingPeer,
) -> None:
    mailer = SmtpMailer("127.0.0.1", stalling_smtp.port, timeout=TIMEOUT, deadline=0.2)
    with pytest.raises(MailNotSent, match=r"took more than 0\.2s"):
        mailer.send(_message())


def test_a_trickling_sevis_meets_the_conversation_deadline(
    trickling_sevis: StallingPeer,
) -> None:
    sink = HttpStudentChangeSink(
        f"http://127.0.0.1:{trickling_sevis.port}", timeout=TIMEOUT, deadline=0.3
    )
    change = StudentChange(
        "C1", "N0000000001", StudentChangeKind.CONTACT_CHANGED, datetime.now(timezone.utc)
    )
    with pytest.raises(StudentChangeNotAccepted, match=r"took more than 0\.3s"):
        sink.receive_student_change(change)
    assert trickling_sevis.accepted.is_set()


def _in_background(request: Callable[[], requests.Response]) -> tuple[threading.Thread, list[int]]:
    answers: list[int] = []
    thread = threading.Thread(target=lambda: answers.append(request().status_code), daemon=True)
    thread.start()
    return thread, answers


def _session(attack: Attack, student: StudentActor) -> dict[str, str]:
    login = attack.login(student.email, student.password)
    assert login.status_code == 201, login.text
    bearer = {"Authorization": "Bearer " + login.json()["session"]}
    attested = requests.post(attack.url + "/me/attestation", headers=bearer, timeout=TIMEOUT)
    assert attested.status_code == 204, attested.text
    return bearer


def test_a_stalled_smtp_server_delays_only_the_request_that_sends_mail(
    attack: Attack, stalling_smtp: StallingPeer
) -> None:
    world, student, other = attack.world, attack.registered(), attack.registered()
    original = world.portal.harness_info().simulators  # type: ignore[attr-defined]
    stalled = SimulatorEndpoints(SmtpEndpoint("127.0.0.1", stalling_smtp.port), original.sevis_url)
    world.portal.point_simulators(stalled)  # type: ignore[attr-defined]
    try:
        for _ in range(2):
            attack.login(student.email, "Guess-1-Password!")
        # the third failure locks the account and mails the stalled server
        locking, answers = _in_background(lambda: attack.login(student.email, "Guess-1-Password!"))
        assert stalling_smtp.accepted.wait(TIMEOUT), "the portal never reached the SMTP server"
        info = requests.get(
            attack.url + "/_harness/info", headers=attack.control(), timeout=TIMEOUT
        )
        assert info.status_code == 200
        _session(attack, other)  # an unrelated student logs in: a service call, no mail
        profile = requests.get(
            attack.url + "/me/profile", headers=_session(attack, other), timeout=TIMEOUT
        )
        assert profile.status_code == 200
        assert locking.is_alive(), "the mailing request ended before the stall was released"
        stalling_smtp.release.set()
        locking.join(TIMEOUT)
        assert answers == [401]
    finally:
        stalling_smtp.release.set()
        world.portal.point_simulators(original)  # type: ignore[attr-defined]


def test_a_stalled_sevis_delays_only_the_student_change_that_waits_for_it(
    attack: Attack,
) -> None:
    world, student, other = attack.world, attack.registered(), attack.registered()
    stalled_sevis = StallingPeer(trickle=b"H").start()
    original = world.portal.harness_info().simulators  # type: ignore[attr-defined]
    stalled = SimulatorEndpoints(original.smtp, f"http://127.0.0.1:{stalled_sevis.port}")
    bearer = _session(attack, student)
    world.portal.point_simulators(stalled)  # type: ignore[attr-defined]
    try:
        changing, answers = _in_background(
            lambda: requests.patch(
                attack.url + "/me/profile",
                json={"phone": "+1 217 555 0142"},
                headers=bearer,
                timeout=TIMEOUT,
            )
        )
        assert stalled_sevis.accepted.wait(TIMEOUT), "the portal never reached SEVIS"
        other_bearer = _session(attack, other)  # log in and attest: service calls
        history = requests.get(attack.url + "/me/history", headers=other_bearer, timeout=TIMEOUT)
        assert history.status_code == 200
        assert changing.is_alive(), "the change ended before SEVIS was released"
        stalled_sevis.release.set()  # SEVIS hangs up: the change was not accepted
        changing.join(TIMEOUT)
        assert answers == [403]  # action-not-allowed: SEVIS did not take it
        profile = requests.get(attack.url + "/me/profile", headers=bearer, timeout=TIMEOUT)
        assert profile.json()["phone"] != "+1 217 555 0142"  # nothing kept
    finally:
        stalled_sevis.stop()
        world.portal.point_simulators(original)  # type: ignore[attr-defined]
