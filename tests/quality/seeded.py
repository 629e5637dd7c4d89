"""The registry of seeded bugs: each is declared beside its code, with the rules it breaks and
the scenario that must catch it. ``all_seeded_bugs()`` gathers every ``bugs_*.py`` module (and
``buggy_portals.py``) of this package, so a new file of bugs needs no other edit."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from harness.drivers.base import PortalDriver
from harness.drivers.memory import HARNESS_OPTIONS
from simulators.common.clock import Clock
from simulators.common.contract import PortalInfo
from simulators.common.domain import PortalSettings
from simulators.common.readings import REFERENCE_READINGS
from simulators.common.seams import Mailer, StudentChangeSink
from simulators.portal import PortalService
from simulators.portal.options import ReferenceOptions

#: Builds a buggy portal exactly as the plugin's ``portal_factory`` fixture builds one.
BugFactory = Callable[[Clock, Mailer, StudentChangeSink], PortalDriver]


@dataclass(frozen=True)
class SeededBug:
    """One plausible vendor bug: what it breaks and which scenario shows it."""

    name: str
    build: BugFactory
    rules: tuple[str, ...]  # every rule whose scenarios run against it; the first is its own
    catches: str  # the scenario (its title) that must fail against it
    what: str  # the bug in one line, for the table

    @property
    def selection(self) -> str:
        return " or ".join(f"rule-{rule}" for rule in self.rules)


_REGISTRY: dict[str, SeededBug] = {}
_Built = TypeVar("_Built", bound=Callable[..., Any])


def register(bug: SeededBug) -> SeededBug:
    if bug.name in _REGISTRY and _REGISTRY[bug.name] != bug:
        raise ValueError(f"two seeded bugs are called {bug.name!r}")
    _REGISTRY[bug.name] = bug
    return bug


def seeded_bug(*rules: str, catches: str) -> Callable[[_Built], _Built]:
    """Declare the decorated portal class (or factory) a seeded bug of ``rules``."""

    def declare(built: _Built) -> _Built:
        doc = (built.__doc__ or "").strip().splitlines()
        what = " ".join(line.strip() for line in doc)
        register(SeededBug(built.__name__, _factory(built), rules, catches, what))
        return built

    return declare


def _factory(built: Callable[..., Any]) -> BugFactory:
    if isinstance(built, type) and issubclass(built, PortalService):
        portal_class = built

        def build(clock: Clock, mailer: Mailer, sevis: StudentChangeSink) -> PortalDriver:
            return portal_class(clock, mailer, sevis, options=HARNESS_OPTIONS)

        return build
    return built


class _Undeclared(PortalService):
    """A bug is not a reading: the buggy portal declares the reference's readings (else a
    changed limit would declare itself, and the harness would hold the portal to it)."""

    def info(self) -> PortalInfo:
        return replace(super().info(), readings=REFERENCE_READINGS)


def reference_with(
    settings: PortalSettings | None = None, options: ReferenceOptions = HARNESS_OPTIONS
) -> BugFactory:
    """The reference portal with other settings or options: a bug that is only a number."""

    def build(clock: Clock, mailer: Mailer, sevis: StudentChangeSink) -> PortalDriver:
        return _Undeclared(clock, mailer, sevis, settings or PortalSettings(), options=options)

    return build


def settings_with(path: str, value: object) -> PortalSettings:
    """The default settings with one field changed; ``path`` is dotted ("limits.x")."""

    def changed(holder: Any, names: list[str]) -> Any:
        head, *rest = names
        new = changed(getattr(holder, head), rest) if rest else value
        return replace(holder, **{head: new})

    return changed(PortalSettings(), path.split("."))  # type: ignore[no-any-return]


def all_seeded_bugs() -> tuple[SeededBug, ...]:
    """Every seeded bug of this package, in declaration order."""
    package = importlib.import_module(__package__ or "tests.quality")
    for module in pkgutil.iter_modules(package.__path__):
        if module.name.startswith("bugs_") or module.name in ("buggy_portals", "security_bugs"):
            importlib.import_module(f"{package.__name__}.{module.name}")
    return tuple(_REGISTRY.values())


def bug_named(name: str) -> SeededBug:
    bugs = {bug.name: bug for bug in all_seeded_bugs()}
    return bugs[name]
