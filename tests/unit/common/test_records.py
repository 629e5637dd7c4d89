"""SEVIS field rules on the shared records."""

from __future__ import annotations

from datetime import date

import pytest

from simulators.common.records import EmploymentRecord, UsAddress

ADDRESS = UsAddress("1 Main St", "Springfield", "IL", "62701")


@pytest.mark.parametrize("control", ["\x00", "\x1f", "\x7f", "\x80", "\x85", "\x9f"])
def test_control_characters_are_refused_in_names(control: str) -> None:
    record = EmploymentRecord("E1", f"Acme{control}Corp", ADDRESS, date(2026, 1, 1), "Engineer")
    assert "employer contains control characters" in record.problems()


@pytest.mark.parametrize(
    "name", ["Acme Corp", "Émile & Søn GmbH", "株式会社アクメ", "Acme\u00a0Corp"]
)
def test_printable_unicode_names_pass(name: str) -> None:
    record = EmploymentRecord("E1", name, ADDRESS, date(2026, 1, 1), "Engineer")
    assert record.problems() == []
