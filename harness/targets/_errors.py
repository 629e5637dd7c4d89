"""Why a target cannot be tested, said before any scenario runs::

PreflightError                  the target cannot be tested; the message says why
├── SimulatorPortsTaken         a simulator's port is held by something else
└── RepointNotOffered           the portal has no PUT /_harness/simulators
"""

from __future__ import annotations


class PreflightError(Exception):
    """The target cannot be tested; the message says what is wrong and what to do."""


class SimulatorPortsTaken(PreflightError):
    """A simulator could not listen on the port it was given: something else holds it."""


class RepointNotOffered(PreflightError):
    """The portal does not offer PUT /_harness/simulators (404, 405 or 501)."""
