"""Which scenarios move time: the registry of step functions that move the world's clock.

A target without clock control cannot play those scenarios, so they are skipped with the
reason before any step runs. The registry names step functions, not scenarios, so a new
scenario needs no bookkeeping; a new step that moves time must be listed here, and the
in-memory run enforces it: a step that moves the clock without being listed fails.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

import pytest

#: Step functions that move the world's clock, as ``module.function``; a module name
#: alone stands for every step function defined in it.
TIME_MOVING_STEPS: frozenset[str] = frozenset(
    {
        "harness.steps.clock",  # days passing, OPT end dates, the six-month window
        "harness.steps.dso.dso_completes_early",  # the student logs in monthly until then
        "harness.steps.sevis.daily_sync",  # the sync runs at the next midnight
        "harness.steps.sevis.pending_past_start",  # the OPT start date passes while pending
        "harness.steps.student.own_reset_link_expired",  # the reset link's 24 hours pass
    }
)

NO_CLOCK_CONTROL = "skipped: the target has no clock control (clock_control: false)"

_CLOCK_AT_STEP = pytest.StashKey[datetime]()


def step_name(func: Callable[..., Any]) -> str:
    return f"{func.__module__}.{func.__qualname__}"


def moves_time(func: Callable[..., Any]) -> bool:
    """Whether the registry lists ``func`` (a step function), by name or by its module."""
    return func.__module__ in TIME_MOVING_STEPS or step_name(func) in TIME_MOVING_STEPS


def time_moving_step(item: pytest.Item) -> str | None:
    """The first step of ``item``'s scenario that moves time, as written; None if none does
    (or ``item`` is not a pytest-bdd scenario)."""
    contexts = [c for c in _step_contexts() if moves_time(c.step_func)]
    for step in _scenario_steps(item):
        for context in contexts:
            if context.type in (None, step.type) and context.parser.is_matching(step.name):
                return f"{step.keyword} {step.name}"
    return None


def clock_skip_reason(item: pytest.Item) -> str | None:
    """Why ``item`` cannot run on a target without clock control, or None if it can."""
    step = time_moving_step(item)
    return f"{NO_CLOCK_CONTROL}; the scenario moves time ({step!r})" if step else None


# --- enforcement, in every run: a step that moves the clock must be listed ---------------


def before_step(item: pytest.Item, now: datetime) -> None:
    item.stash[_CLOCK_AT_STEP] = now


def unlisted_move(item: pytest.Item, step_func: Callable[..., Any], now: datetime) -> str | None:
    """A message when ``step_func`` moved the clock without being in the registry."""
    before = item.stash.get(_CLOCK_AT_STEP, None)
    if before is None or before == now or moves_time(step_func):
        return None
    return (
        f"the step {step_name(step_func)} moved the clock ({before:%Y-%m-%d %H:%M} -> "
        f"{now:%Y-%m-%d %H:%M}) but is not listed in harness.timing.TIME_MOVING_STEPS; list "
        "it there so that targets without clock control skip its scenarios"
    )


# --- pytest-bdd's step registry (version 8-9: the decorators record a context per step) ---


def _step_contexts() -> Iterator[Any]:
    from pytest_bdd.steps import step_function_context_registry

    return iter(list(step_function_context_registry.values()))


def _scenario_steps(item: pytest.Item) -> list[Any]:
    from pytest_bdd.scenario import scenario_wrapper_template_registry

    template = scenario_wrapper_template_registry.get(getattr(item, "obj", None))  # type: ignore[arg-type]
    if template is None:
        return []
    callspec = getattr(item, "callspec", None)
    example = callspec.params.get("_pytest_bdd_example", {}) if callspec else {}
    return list(template.render(example).steps)


__all__ = [
    "NO_CLOCK_CONTROL",
    "TIME_MOVING_STEPS",
    "before_step",
    "clock_skip_reason",
    "moves_time",
    "time_moving_step",
    "unlisted_move",
]
