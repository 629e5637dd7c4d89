"""Fixtures for the fake SEVIS's unit tests: a simulated clock, a recording portal
behind a fault-injecting link, and students in the states the FAQ talks about."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import date

import pytest

from simulators.common.clock import SimulatedClock
from simulators.common.domain import EducationLevel, OptType
from simulators.common.records import EmploymentRecord, NewStudent, UsAddress
from simulators.sevis import FaultyTransport, RecordingTransport, SevisService

OPT_START = date(2026, 2, 1)
OPT_END = date(2027, 1, 31)
STEM_START = date(2027, 2, 1)
STEM_END = date(2029, 1, 31)

ADDRESS = UsAddress(street="1 Main St", city="Springfield", state="IL", zip_code="62701")


@pytest.fixture
def clock() -> SimulatedClock:
    return SimulatedClock()


@pytest.fixture
def portal() -> RecordingTransport:
    return RecordingTransport()


@pytest.fixture
def link(portal: RecordingTransport) -> FaultyTransport:
    return FaultyTransport(portal)


@pytest.fixture
def sevis(clock: SimulatedClock, link: FaultyTransport) -> SevisService:
    service = SevisService(clock, link, id_prefix="T")
    clock.on_move(service.on_clock_moved)
    return service


@pytest.fixture
def make_student() -> Callable[..., NewStudent]:
    numbers = itertools.count(1)

    def make(**overrides: object) -> NewStudent:
        n = next(numbers)
        values: dict[str, object] = {
            "sevis_id": f"N{n:010d}",
            "given_name": "Ana",
            "surname": f"Silva{n}",
            "birth_date": date(1998, 3, 4),
            "email": f"ana{n}@example.test",
            "us_address": ADDRESS,
            "phone": "+1 217 555 0100",
            "education_level": EducationLevel.MASTERS,
        }
        values.update(overrides)
        return NewStudent(**values)  # type: ignore[arg-type]

    return make


@pytest.fixture
def enrolled(sevis: SevisService, make_student: Callable[..., NewStudent]) -> str:
    return sevis.enroll_student(make_student())


def approve(sevis: SevisService, request_id: str) -> None:
    sevis.uscis_receive(request_id)
    sevis.uscis_approve(request_id)


@pytest.fixture
def on_opt(sevis: SevisService, enrolled: str, portal: RecordingTransport) -> tuple[str, str]:
    """A student with an approved post-completion OPT; the recorder starts empty."""
    request_id = sevis.request_opt(enrolled, OptType.POST_COMPLETION, OPT_START, OPT_END)
    approve(sevis, request_id)
    portal.clear()
    return enrolled, request_id


@pytest.fixture
def on_stem(sevis: SevisService, on_opt: tuple[str, str]) -> tuple[str, str]:
    """A student with post-completion OPT and a STEM extension pending with USCIS."""
    sevis_id, _ = on_opt
    stem_id = sevis.request_opt(sevis_id, OptType.STEM, STEM_START, STEM_END)
    sevis.uscis_receive(stem_id)
    return sevis_id, stem_id


def employer(
    employment_id: str = "E-1", name: str = "Acme Corp", **overrides: object
) -> EmploymentRecord:
    values: dict[str, object] = {
        "employment_id": employment_id,
        "employer_name": name,
        "address": UsAddress(street="9 Lab Rd", city="Austin", state="TX", zip_code="73301"),
        "start_date": date(2026, 3, 1),
        "job_title": "Data Analyst",
    }
    values.update(overrides)
    return EmploymentRecord(**values)  # type: ignore[arg-type]


class Helpers:
    """Plain functions and dates the tests share (a conftest is not importable under
    ``--import-mode=importlib``, so they travel as a fixture)."""

    approve = staticmethod(approve)
    employer = staticmethod(employer)
    OPT_START, OPT_END, STEM_START, STEM_END = OPT_START, OPT_END, STEM_START, STEM_END
    ADDRESS = ADDRESS


@pytest.fixture
def h() -> type[Helpers]:
    return Helpers
