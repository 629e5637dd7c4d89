"""A fuzz example's data: each side's factory is rewound between examples, not rebuilt
(building Faker costs a millisecond), and a rewound factory draws exactly what a new one
would, in the example's namespace too (a live target gets fresh data per example)."""

from __future__ import annotations

from datetime import date

from fixtures.factories import DataFactory
from harness.fuzz._machine import FuzzContext
from harness.fuzz._targets import REFERENCE


def draws(data: DataFactory) -> list[object]:
    """Every kind of value an example takes from its factory, a few times over."""
    start = date(2026, 3, 1)
    return [
        (data.student(), data.sevis_id(), data.address(), data.phone(), data.employer(start))
        for _ in range(3)
    ]


def test_a_rewound_factory_draws_what_a_new_one_draws() -> None:
    context = FuzzContext(REFERENCE, data_seed=41)
    first = context.data("target", "fuzz-1")
    draws(first)  # used by an example
    for namespace in ("fuzz-1", "fuzz-2"):
        again = context.data("target", namespace)
        assert again is first  # one Faker per side
        assert draws(again) == draws(DataFactory(41, namespace))
