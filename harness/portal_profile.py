"""The portal profile: a vendor's file of readings (docs/readings.md) that overrides what the
portal declares in GET /_harness/info. The readings in force hold for every scenario and are
listed in the run's report. Options only; the readings themselves are
``simulators.common.readings``."""

from __future__ import annotations

import argparse
import json
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from simulators.common.readings import REFERENCE_READINGS, Readings, ReadingsError, parse_readings

if TYPE_CHECKING:  # the CLI imports this module before pytest starts: nothing it must rewrite
    from harness.reports import RunInfo
    from harness.world import World

_PROFILE = pytest.StashKey[dict[str, Any]]()
_IN_FORCE = pytest.StashKey[Readings]()


def add_options(group: pytest.OptionGroup, parser: pytest.Parser) -> None:
    group.addoption(
        "--harness-portal-profile",
        metavar="FILE",
        help="a JSON file of the portal's readings (docs/readings.md); it overrides the "
        "readings the portal declares in GET /_harness/info",
    )
    parser.addini("harness_portal_profile", "JSON file of the portal's readings", default="")


def add_cli_argument(run: argparse.ArgumentParser) -> None:
    run.add_argument(
        "--portal-profile",
        metavar="FILE",
        help="JSON file of the portal's readings where the sources leave a choice open "
        "(docs/readings.md); overrides what the portal declares",
    )


def load_profile(path: Path) -> dict[str, Any]:
    """The file's readings, checked now: a bad or unknown key names itself before any run."""
    where = f"portal profile {path}"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise ReadingsError(f"{where}: cannot read it ({error})") from None
    except json.JSONDecodeError as error:
        raise ReadingsError(f"{where}: not JSON ({error})") from None
    parse_readings(data, where=where)
    assert isinstance(data, dict)  # parse_readings refuses anything else
    return data


def configure(config: pytest.Config) -> None:
    path = config.getoption("--harness-portal-profile") or config.getini("harness_portal_profile")
    if not path:
        return
    try:
        config.stash[_PROFILE] = load_profile(Path(path))
    except ReadingsError as error:
        raise pytest.UsageError(f"sevp-harness preflight: {error}") from None


def readings_in_force(config: pytest.Config, declared: Readings | None) -> Readings:
    """The portal's declaration (the reference's readings where it declares none), with the
    profile file's readings over it."""
    base = declared or REFERENCE_READINGS
    profile = config.stash.get(_PROFILE, None)
    if profile is None:
        return base
    path = config.getoption("--harness-portal-profile") or config.getini("harness_portal_profile")
    return parse_readings(profile, where=f"portal profile {path}", base=base)


def apply(config: pytest.Config, world: World, declared: Readings | None) -> None:
    """Hold the scenario's portal to the readings in force."""
    readings = readings_in_force(config, declared)
    world.use_readings(readings)
    config.stash[_IN_FORCE] = readings


def with_readings(config: pytest.Config, info: RunInfo) -> RunInfo:
    """The run's report lists every reading in force."""
    readings = config.stash.get(_IN_FORCE, None) or readings_in_force(config, None)
    return replace(info, readings=readings.declaration())
