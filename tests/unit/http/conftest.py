"""Shared pieces of the HTTP tests: value strategies for the contract's dataclasses."""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from enum import Enum
from typing import Any

import pytest
from hypothesis import strategies as st

_ZONES = st.sampled_from([timezone.utc, timezone(timedelta(hours=-5))])


def _strategy_for(tp: Any) -> st.SearchStrategy[Any]:
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin in (typing.Union, types.UnionType):
        (inner,) = [a for a in args if a is not type(None)]
        return st.none() | _strategy_for(inner)
    if origin is tuple:
        return st.lists(_strategy_for(args[0]), max_size=2).map(tuple)
    if origin is frozenset:
        return st.frozensets(_strategy_for(args[0]), max_size=3)
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        hints = typing.get_type_hints(tp)
        fields = {f.name: _strategy_for(hints[f.name]) for f in dataclasses.fields(tp) if f.init}
        return st.builds(tp, **fields)
    if isinstance(tp, type) and issubclass(tp, Enum):
        return st.sampled_from(list(tp))
    if tp is datetime:
        return st.datetimes(
            min_value=datetime(1900, 1, 2), max_value=datetime(2200, 1, 1), timezones=_ZONES
        )
    simple: dict[Any, st.SearchStrategy[Any]] = {
        date: st.dates(),
        str: st.text(max_size=12),
        bool: st.booleans(),
        int: st.integers(),
    }
    return simple[tp]


@pytest.fixture(scope="session")
def strategy_for() -> Callable[[Any], st.SearchStrategy[Any]]:
    """Any value of a type the contract's dataclasses use."""
    return _strategy_for
