"""The reference portal's public face: the driver protocol, exactly; the exported names; the
control operations; and no secret in any repr."""

from __future__ import annotations

import inspect
from datetime import timedelta

import pytest

import simulators.portal as portal_package
from harness.drivers.base import PortalDriver
from simulators.common.contract import CONTRACT_VERSION, ErrorCode, PortalError
from simulators.portal import PortalService

PROTOCOL_METHODS = [
    name
    for name, value in vars(PortalDriver).items()
    if callable(value) and not name.startswith("_")
]


def test_every_protocol_method_is_there() -> None:
    assert len(PROTOCOL_METHODS) == 19
    assert set(PROTOCOL_METHODS) <= set(dir(PortalService))


@pytest.mark.parametrize("name", PROTOCOL_METHODS)
def test_signatures_match_the_protocol_exactly(name: str) -> None:
    wanted = inspect.signature(getattr(PortalDriver, name))
    actual = inspect.signature(getattr(PortalService, name))
    assert list(actual.parameters.values()) == list(wanted.parameters.values())
    assert str(actual.return_annotation) == str(wanted.return_annotation)


def test_the_service_is_a_portal_driver(world) -> None:
    assert isinstance(world.portal, PortalDriver)


def test_exported_names_are_the_public_api() -> None:
    assert sorted(portal_package.__all__) == sorted(
        [
            "TEST_SCRYPT_COST",
            "ErrorCode",
            "NoticeFacts",
            "PortalBackend",
            "PortalError",
            "PortalService",
            "ReferenceOptions",
            "ScryptCost",
            "SevisRefusedChange",
            "TransmissionRejected",
            "compose_notice",
        ]
    )
    for name in portal_package.__all__:
        assert getattr(portal_package, name) is not None


def test_info_names_the_reference_with_clock_control(world) -> None:
    info = world.portal.info()
    assert (info.implementation, info.contract_version, info.clock_control) == (
        "reference",
        CONTRACT_VERSION,
        True,
    )


def test_reset_forgets_everything(world, kit) -> None:
    record, session = world.logged_in()
    world.portal.reset()
    with pytest.raises(PortalError) as refused:
        world.portal.profile(session)
    assert refused.value.code is ErrorCode.SESSION_INVALID
    with pytest.raises(PortalError) as refused:
        world.portal.login(record.email, kit.PASSWORD)
    assert refused.value.code is ErrorCode.INVALID_CREDENTIALS
    assert world.portal.backend.accounts == {}
    # The same transmission id applies again after a reset: the portal forgot it too.
    sent = len(world.mailer.sent)
    world.approve(record)
    assert len(world.mailer.sent) == sent + 1


def test_set_time_moves_a_simulated_clock_forward_never_back(world) -> None:
    start = world.clock.now()
    world.portal.set_time(start + timedelta(days=3))
    assert world.clock.now() == start + timedelta(days=3)
    world.portal.set_time(start)  # behind the clock: nothing moves, nothing breaks
    assert world.clock.now() == start + timedelta(days=3)


def test_set_time_accepts_a_naive_moment_as_utc(world) -> None:
    world.portal.set_time((world.clock.now() + timedelta(hours=1)).replace(tzinfo=None))
    assert world.clock.now().hour == 10


def test_no_secret_in_any_repr(world, kit) -> None:
    _, session = world.logged_in()
    token = kit.token_in(world.mailer.sent[0])
    texts = [
        repr(world.portal),
        repr(world.portal.backend),
        *(repr(a) for a in world.portal.backend.accounts.values()),
        *(repr(link) for link in world.portal.backend.links.values()),
        *(repr(s) for s in world.portal.backend.sessions.values()),
    ]
    for text in texts:
        for secret in (kit.PASSWORD, token, session):
            assert secret not in text
