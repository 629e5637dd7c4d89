"""The checks every scenario shares bite on their own: a second copy that arrives late fails
"exactly one", a refusal that changed SEVIS fails "the portal refuses", and an email filed
twice breaks the mail invariants."""

from __future__ import annotations

import threading

import pytest

from fixtures.factories import DataFactory
from harness.mail_invariants import mail_problems
from harness.steps import mail as mail_steps
from harness.targets import in_memory_world
from harness.world import ScenarioFailure, World
from simulators.common.contract import ErrorCode, PortalError
from simulators.common.domain import OptType
from simulators.mail.service import deliver_message


@pytest.fixture
def world() -> World:
    built = in_memory_world(DataFactory(seed=12, namespace="shared-checks"))
    student = built.enroll_student()
    built.request_opt(student, OptType.POST_COMPLETION, pending=True)
    built.approve_by_uscis(student, OptType.POST_COMPLETION)
    return built


def _file_again(world: World) -> None:
    """The same message, filed a second time: what a sender's retry looks like."""
    message = world.mail.messages(recipient=world.student.email)[-1]
    deliver_message(
        world.mail,
        envelope_sender=message.envelope_sender,
        recipients=[world.student.email],
        raw=message.content.raw,
    )


def test_exactly_one_waits_out_the_mail_window_for_a_late_copy(world: World) -> None:
    world.mail_wait = 30.0  # over the wire; the wait ends as soon as the copy arrives
    late = threading.Timer(0.05, _file_again, args=(world,))
    late.start()
    try:
        with pytest.raises(ScenarioFailure, match="found 2"):
            mail_steps.exactly_one(world, "account creation")
    finally:
        late.join(timeout=30)


def test_exactly_one_passes_one_email_without_a_wait_in_memory(world: World) -> None:
    mail_steps.exactly_one(world, "account creation")


def test_an_email_filed_twice_breaks_the_mail_invariants(world: World) -> None:
    assert mail_problems(world) == []
    _file_again(world)
    assert any("twice" in problem for problem in mail_problems(world))


def test_a_refusal_that_changed_sevis_fails_the_refusal_check(world: World) -> None:
    student = world.student

    def refused_after_touching_sevis() -> None:
        world.sevis.correct_email(student.sevis_id, "changed@students.example.edu", "Dana")
        raise PortalError(ErrorCode.VALIDATION_FAILED, "refused, but too late")

    world.attempt_write(student, refused_after_touching_sevis)
    with pytest.raises(ScenarioFailure, match="sevis record"):
        world.expect_refusal(ErrorCode.VALIDATION_FAILED)


def test_a_refusal_that_changed_nothing_passes(world: World) -> None:
    def refused() -> None:
        raise PortalError(ErrorCode.VALIDATION_FAILED, "refused")

    world.attempt_write(world.student, refused)
    world.expect_refusal(ErrorCode.VALIDATION_FAILED)
