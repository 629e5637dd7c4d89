"""Builds the world of one scenario around a target portal: in memory, or on the wire.

On the wire a test session has one ``HttpTarget``: the portal's URL (attached to, or
launched from a command), one SMTP server and one SEVIS server of the harness, both on
loopback and both routed to the world of the scenario running now (scenarios in one
process run one at a time). ``preflight`` says plainly what is wrong before any scenario.
An attached portal whose reported ports are taken is re-pointed at the harness's
simulators for the session (PUT /_harness/simulators) and pointed back at the end.

One module per job: ``_assembly`` (the world, in memory and on the wire; nothing of
HTTP), ``_simulators`` (the session's SMTP and SEVIS servers), ``_preflight`` (the checks
and the re-pointing), ``_connect`` (connect, attach, launch), ``_process`` (a launched
portal's process), ``_target`` (``HttpTarget``). The names load on first use, so that a
run in memory imports nothing of HTTP.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "assemble_world": "_assembly",
    "in_memory_world": "_assembly",
    "RepointNotOffered": "_errors",
    "PreflightError": "_errors",
    "SimulatorPortsTaken": "_errors",
    "HttpSettings": "_settings",
    "CurrentScenario": "_simulators",
    "Simulators": "_simulators",
    "check_endpoints": "_preflight",
    "point_simulators": "_preflight",
    "preflight": "_preflight",
    "free_loopback_port": "_process",
    "stop_process": "_process",
    "HttpTarget": "_target",
    "describe_exchange": "_target",
    "attach": "_connect",
    "connect": "_connect",
    "launch": "_connect",
    "target_from_options": "_connect",
}

__all__ = [
    "CurrentScenario",
    "HttpSettings",
    "HttpTarget",
    "PreflightError",
    "RepointNotOffered",
    "SimulatorPortsTaken",
    "Simulators",
    "assemble_world",
    "attach",
    "check_endpoints",
    "connect",
    "describe_exchange",
    "free_loopback_port",
    "in_memory_world",
    "launch",
    "point_simulators",
    "preflight",
    "stop_process",
    "target_from_options",
]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(f"{__name__}.{_EXPORTS[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


if TYPE_CHECKING:
    from harness.targets._assembly import assemble_world, in_memory_world
    from harness.targets._connect import attach, connect, launch, target_from_options
    from harness.targets._errors import PreflightError, RepointNotOffered, SimulatorPortsTaken
    from harness.targets._preflight import check_endpoints, point_simulators, preflight
    from harness.targets._process import free_loopback_port, stop_process
    from harness.targets._settings import HttpSettings
    from harness.targets._simulators import CurrentScenario, Simulators
    from harness.targets._target import HttpTarget, describe_exchange
