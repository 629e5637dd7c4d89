"""Steps of the security profile: what a guesser or an outsider tries, and what the portal
must not let them learn or change. Outsiders reach the portal through the driver too, as
a client without the channels' secrets (only on the wire: in memory there is no channel)."""

from __future__ import annotations

import json
import secrets
from dataclasses import replace
from datetime import date
from typing import Any

import pytest
from pytest_bdd import parsers, then, when

from harness.drivers.errors import TargetError
from harness.world import ScenarioFailure, World
from simulators.common.contract import PortalError
from simulators.common.domain import SECURITY_LIMITS
from simulators.common.seams import Transmission, TransmissionKind

#: Why a scenario that sends what no driver method would cannot run in memory (and so is
#: skipped, never passed).
NO_WIRE = (
    "in memory the portal is called directly: an outsider's request (no channel secret, "
    "another media type, a body over the limit, another Host) needs the wire (run with "
    "--harness-target or --harness-target-cmd)"
)


def _outsider(world: World) -> Any:
    """The portal as a client without the channels' secrets sees it."""
    outsider = world.outsider()
    if outsider is None:
        pytest.skip(NO_WIRE)
    return outsider


def _answer(action: Any) -> str:
    """What the portal made of a student's action: "accepted", or the code it refused with.
    Only a refusal the contract knows is an answer: a server error or an unreachable target
    (TargetError) fails the step, so two crashes never read as "the same answer"."""
    try:
        action()
    except PortalError as refusal:
        return refusal.code.value
    return "accepted"


def _outsider_answer(action: Any) -> str:
    """What the portal made of an outsider's request: "accepted", the code it refused with,
    or the HTTP status of a refusal outside the contract (a 401 or 403 from the channel)."""
    try:
        return _answer(action)
    except TargetError as error:
        return f"refused {error.status}" if error.status is not None else str(error)


# --- guessing passwords ----------------------------------------------------------------------


@then("a wrong password and the right password get the same answer")
def same_answer_for_every_password(world: World) -> None:
    student = world.student
    wrong = _answer(lambda: world.try_login(student, "Guess-4-Password!"))
    right = _answer(lambda: world.try_login(student, student.password))
    if "accepted" in (wrong, right) or wrong != right:
        raise ScenarioFailure(
            f"a wrong password got {wrong!r} and the right one {right!r}: a guesser can tell "
            "which password is right"
        )


@then("the student's old password is refused")
def old_password_refused(world: World) -> None:
    student = world.student
    outcome = _answer(lambda: world.try_login(student, student.password))
    if outcome == "accepted":
        raise ScenarioFailure("the old password still logs in after the reset")


@when(parsers.parse("the student uses the password reset button {times:d} times in a row"))
def reset_button_burst(world: World, times: int) -> None:
    for _ in range(times):
        world.attempt(lambda: world.request_password_reset(world.student))


@then(parsers.parse('the student receives fewer than {count:d} "{notice}" emails'))
def fewer_emails_than(world: World, count: int, notice: str) -> None:
    # wait for the count the portal must not reach: a portal that mails after it answers
    # would otherwise be read when its first email comes, before the rest of the burst
    found = world.emails(world.student, world.notice(notice), at_least=count)
    if len(found) >= count:
        raise ScenarioFailure(f"{len(found)} {notice!r} emails came: the requests are not limited")


# --- outsiders on the channels ---------------------------------------------------------------


@when("someone without the SEVIS channel's secret sends a sync changing the student's email")
def forged_sync(world: World) -> None:
    outsider = _outsider(world)
    student = world.student
    record = replace(world.sevis_record(student), email="taken-over@example.test")
    forged = Transmission(
        "FORGED-" + secrets.token_hex(4), TransmissionKind.DAILY_SYNC, world.clock.now(), record
    )
    world.outsider_outcome = _outsider_answer(lambda: outsider.deliver(forged))


@when("someone without the control API's secret asks the portal to forget every account")
def forged_reset(world: World) -> None:
    outsider = _outsider(world)
    world.outsider_outcome = _outsider_answer(outsider.reset)


@then("the portal refuses that request as unauthenticated")
def refused_as_unauthenticated(world: World) -> None:
    outcome = world.outsider_outcome
    if outcome not in ("refused 401", "refused 403"):
        raise ScenarioFailure(f"a request without the channel's secret was {outcome!r}")


# --- request hygiene -------------------------------------------------------------------------


def _probe_reset_request(world: World, what: str, body: bytes, headers: dict[str, str]) -> None:
    """Send the student's password reset request exactly as given (only on the wire: in
    memory no request is sent at all) and keep what the portal made of it."""
    probe = world.wire_probe()
    if probe is None:
        pytest.skip(NO_WIRE)
    status, code = probe("POST", "/password-resets", body, headers)
    world.evidence.note(f"{what}: {status} {code}".strip())
    world.outsider_outcome = f"refused {status}" if status >= 400 else f"accepted {status}"


def _reset_request_body(world: World) -> bytes:
    return json.dumps({"email": world.student.email}).encode("utf-8")


@when("someone sends the student's password reset request as plain text")
def reset_request_as_plain_text(world: World) -> None:
    body = _reset_request_body(world)
    _probe_reset_request(
        world, "a plain-text password reset request", body, {"Content-Type": "text/plain"}
    )


@when("someone sends the student's password reset request padded past the body limit")
def reset_request_over_body_limit(world: World) -> None:
    # Valid JSON to the last byte (trailing whitespace): only its size is wrong with it.
    body = _reset_request_body(world)
    body += b" " * (SECURITY_LIMITS.max_body_bytes + 1 - len(body))
    _probe_reset_request(
        world,
        f"a password reset request of {len(body)} bytes",
        body,
        {"Content-Type": "application/json"},
    )


@when(parsers.parse('someone sends the student\'s password reset request for the host "{host}"'))
def reset_request_for_foreign_host(world: World, host: str) -> None:
    # What a browser sends after a page of ``host`` rebinds that name to this machine.
    body = _reset_request_body(world)
    headers = {"Content-Type": "application/json", "Host": host}
    _probe_reset_request(world, f"a password reset request for the host {host}", body, headers)


@then(parsers.parse("the portal refuses that request with status {status:d}"))
def refused_with_status(world: World, status: int) -> None:
    if world.outsider_outcome != f"refused {status}":
        raise ScenarioFailure(
            f"expected a {status} refusal; the request was {world.outsider_outcome}"
        )


# --- poisoned data ---------------------------------------------------------------------------


@when(
    parsers.parse(
        "SEVIS sends an OPT approval for a new student whose OPT ends on {day}",
    )
)
def poisoned_approval(world: World, day: str) -> None:
    template = world.sevis_record(world.student)
    sevis_id = "N" + "".join(secrets.choice("0123456789") for _ in range(10))
    authorizations = tuple(
        replace(a, end_date=date.fromisoformat(day)) for a in template.authorizations
    )
    record = replace(
        template,
        sevis_id=sevis_id,
        email=f"{sevis_id.lower()}@example.test",
        authorizations=authorizations,
        employers=(),
    )
    poisoned = Transmission(
        "POISON-" + secrets.token_hex(4), TransmissionKind.OPT_APPROVED, world.clock.now(), record
    )
    try:
        world.attempt(lambda: world.deliver_to_portal(poisoned))
    except Exception as crash:  # the portal broke on it instead of refusing it
        raise ScenarioFailure(
            f"the portal failed on a transmission it should refuse: {type(crash).__name__}: {crash}"
        ) from crash


__all__ = [
    "NO_WIRE",
    "fewer_emails_than",
    "forged_reset",
    "forged_sync",
    "old_password_refused",
    "poisoned_approval",
    "refused_as_unauthenticated",
    "refused_with_status",
    "reset_button_burst",
    "reset_request_as_plain_text",
    "reset_request_for_foreign_host",
    "reset_request_over_body_limit",
    "same_answer_for_every_password",
]
