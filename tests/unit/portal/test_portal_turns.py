"""Served, the reference's operations take turns without waiting on a peer in their turn:
while SEVIS holds one student's change, other operations run, and a second change of the
same student waits for the first (threads, no sockets; the bounds only catch a hang)."""

from __future__ import annotations

import threading

from simulators.common.contract import ContactUpdate
from simulators.common.seams import StudentChange
from tests.unit.portal.conftest import RecordingSink, World

HANG = 5.0  # a hang detector, not a timing


class HeldSink(RecordingSink):
    """SEVIS that holds each change until ``release``."""

    def __init__(self) -> None:
        super().__init__()
        self.arrived = threading.Semaphore(0)
        self.release = threading.Event()

    def receive_student_change(self, change: StudentChange) -> None:
        self.arrived.release()
        assert self.release.wait(HANG), "the test never released SEVIS"
        super().receive_student_change(change)


def test_a_change_held_by_sevis_lets_others_run_and_the_same_student_wait(world: World) -> None:
    portal, sink = world.portal, HeldSink()
    _, session = world.logged_in()
    other, other_session = world.logged_in()
    portal.sevis = sink

    def change(phone: str) -> threading.Thread:
        update = ContactUpdate(phone=phone)
        thread = threading.Thread(
            target=portal.call_in_turn, args=(portal.update_contact, session, update)
        )
        thread.start()
        return thread

    first = change("+1 217 555 0101")
    assert sink.arrived.acquire(timeout=HANG), "the first change never reached SEVIS"
    second = change("+1 217 555 0102")
    # SEVIS holds the first change: another student's operations run meanwhile.
    assert portal.call_in_turn(portal.profile, other_session).phone == other.phone
    assert not sink.arrived.acquire(timeout=0.1), "a second change overtook the first"
    sink.release.set()
    first.join(HANG)
    second.join(HANG)
    assert [c.changes[0].new_value for c in sink.changes] == ["+1 217 555 0101", "+1 217 555 0102"]
    assert portal.profile(session).phone == "+1 217 555 0102"


def test_the_history_page_waits_for_the_students_own_email(world: World) -> None:
    student, session = world.logged_in()
    portal = world.portal
    sending = threading.Event()
    release = threading.Event()
    send = world.mailer.send

    def held_send(message: object) -> None:
        sending.set()
        assert release.wait(HANG), "the test never released the mail server"
        send(message)  # type: ignore[arg-type]

    world.mailer.send = held_send  # type: ignore[method-assign]
    portal.call_in_turn(
        portal.request_password_reset_from, "client", student.email, send_mail=False
    )
    mailing = threading.Thread(target=portal.send_mail)
    mailing.start()
    assert sending.wait(HANG)
    pages: list[list[str]] = []
    reading = threading.Thread(
        target=lambda: pages.append(
            [e.summary for e in portal.call_in_turn(portal.history, session)]
        )
    )
    reading.start()
    reading.join(0.1)
    assert pages == [], "the History page was shown before its email was sent"
    release.set()
    mailing.join(HANG)
    reading.join(HANG)
    assert pages and pages[0][-1].startswith("Email sent")
