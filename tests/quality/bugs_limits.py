"""Seeded bugs that are only a number: every limit the catalog records, moved down and up.
The scenario under the limit catches the lower number, the scenario at or over it the
higher one, so each limit is shown bounded from both sides."""

from __future__ import annotations

from harness.catalog import LIMIT_BOUNDS, LimitBounds
from tests.quality.seeded import SeededBug, reference_with, register, settings_with


def _moved(bound: LimitBounds, shift: int) -> SeededBug:
    value = bound.value + shift
    name = bound.limit.rsplit(".", 1)[-1]
    side = "Raised" if shift > 0 else "Lowered"
    return SeededBug(
        name=f"{side}_{name}_{value}",
        build=reference_with(settings_with(bound.limit, value)),
        rules=(bound.rule_id,),
        catches=bound.above if shift > 0 else bound.below,
        what=f"{bound.limit} is {value} instead of {bound.value}",
    )


LIMIT_BUGS = tuple(
    register(_moved(bound, shift))
    for bound in LIMIT_BOUNDS
    for shift in (-bound.bug_shift, bound.bug_shift)
)
