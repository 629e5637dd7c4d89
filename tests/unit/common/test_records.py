"""SEVIS field rules on the shared records."""

from __future__ import annotations

from datetime import date

import pytest

from simulators.common.records import EmploymentRecord, UsAddress

ADDRESS = UsAddress("1 Main St", "Springfield", "IL", "62701")


@pytest.mark.parametrize(
    "control", ["\x00", "\x1f", "\x7f", "\x80", "\x85", "\x9f", "\u202e", "\u2066"]
)
def test_control_characters_are_refused_in_names(control: str) -> None:
    record = EmploymentRecord("E1", f"Acme{control}Corp", ADDRESS, date(2026, 1, 1), "Engineer")
    assert "employer contains control or bidi override characters" in record.problems()


@pytest.mark.parametrize(
    "name", ["Acme Corp", "Émile & Søn GmbH", "株式会社アクメ", "Acme\u00a0Corp"]
)
def test_printable_unicode_names_pass(name: str) -> None:
    record = EmploymentRecord("E1", name, ADDRESS, date(2026, 1, 1), "Engineer")
    assert record.problems() == []


@pytest.mark.parametrize(
    "zip_code",
    ["\uff16\uff12\uff17\uff10\uff11", "62701\n", "6270", "\u0666\u0662\u0667\u0660\u0661"],
)
def test_zip_codes_are_five_ascii_digits_and_nothing_else(zip_code: str) -> None:
    assert "ZIP code must be 5 digits" in UsAddress("1 Main St", "X", "IL", zip_code).problems()
