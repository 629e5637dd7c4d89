"""A portal's readings: the notice sender must be one address, the whole value."""

from __future__ import annotations

import pytest

from simulators.common.readings import ReadingsError, parse_readings


def test_one_sender_address_is_accepted() -> None:
    readings = parse_readings({"notice_sender": "portal@x.gov"}, where="test")
    assert readings.notice_sender == "portal@x.gov"


@pytest.mark.parametrize(
    "sender",
    [
        "portal@x.gov, evil@attacker.example",
        "portal@x.gov\nBcc: evil@attacker.example",
        "portal@x.gov trailing",
    ],
)
def test_a_sender_that_only_starts_with_an_address_is_refused(sender: str) -> None:
    with pytest.raises(ReadingsError, match="notice_sender: an email address"):
        parse_readings({"notice_sender": sender}, where="test")
