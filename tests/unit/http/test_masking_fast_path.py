"""Evidence masking skips bodies that cannot hold a secret, and only those."""

from __future__ import annotations

import pytest

from harness.drivers.http import mask_body


@pytest.mark.parametrize(
    "raw",
    [
        b'{"pass\\u0077ord": "Secret-1!"}',  # a key spelt with an escape
        b'{"Session": "abc123"}',
        b'{"reset-link": "https://portal.example/reset-password?token=abc123"}',
        b'{"note": "see https://portal.example/register?token=abc123"}',
        b"<a href='/register?token=abc123'>register</a>",
        b"Authorization: Bearer abc123",
        b"AUTHORIZATION: BEARER abc123",
        b'{"note": "{\\"session\\": \\"abc123\\"}"}',  # a JSON object inside a string
        b'{"detail": {"Reset_Link" : "/x/abc123"}}',
        b'{"cookie": ["abc123"]}',
    ],
)
def test_a_body_that_may_hold_a_secret_is_masked(raw: bytes) -> None:
    masked = mask_body(raw)
    assert "abc123" not in masked and "Secret-1!" not in masked, masked


@pytest.mark.parametrize(
    "raw",
    [
        b'[{"employer_id": "E1", "employer_name": "Acme"}]',
        # a problem document that speaks of sessions and passwords in its values only
        b'{"type": "https://harness.example/problems/session-invalid", "title": "Session '
        b'invalid", "status": 401, "detail": "log in again: the password session ended", '
        b'"code": "session-invalid"}',
    ],
)
def test_a_body_without_a_secret_key_or_value_is_kept_as_it_came(raw: bytes) -> None:
    assert mask_body(raw) == raw.decode()
