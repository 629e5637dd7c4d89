"""What a scenario did to the portal, as contract operations and response codes: over HTTP
read afterwards from the exchanges ``HttpPortal`` keeps; in memory heard by a thin proxy
around the in-process portal (the same facts, without a wire)."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from harness.coverage._contract import contract_inventory
from harness.drivers.base import PortalDriver
from harness.drivers.errors import TargetError
from harness.drivers.memory import PortalFactory
from simulators.common.clock import Clock
from simulators.common.contract import PortalError
from simulators.common.seams import Mailer, StudentChangeSink
from simulators.common.wire import (
    ClockSetting,
    LoginRequest,
    PasswordResetCompletion,
    PasswordResetRequest,
    RegistrationRequest,
    to_wire,
)

if TYPE_CHECKING:
    from harness.drivers.http import Exchange


@dataclass(frozen=True)
class DriverCall:
    """One operation a scenario asked of the portal, as the contract names it."""

    operation: str
    status: int | None  # the HTTP status, or what the contract gives the outcome in memory
    sent: Any = None  # the request body as wire data
    answer: Any = None  # the answer as wire data


#: How a driver method's arguments make the contract's request body, per operation.
_BODIES: dict[str, Callable[..., object]] = {
    "deliver": lambda transmission: transmission,
    "register": RegistrationRequest,
    "login": LoginRequest,
    "request_password_reset": PasswordResetRequest,
    "complete_password_reset": PasswordResetCompletion,
    "update_contact": lambda session, update: update,
    "add_employer": lambda session, employer: employer,
    "edit_employer": lambda session, employer_id, edit: edit,
    "set_time": ClockSetting,
}


class RecordingPortal:
    """Forwards every driver call to ``inner`` and keeps it as a ``DriverCall``."""

    def __init__(self, inner: PortalDriver) -> None:
        self.inner = inner
        self.calls: list[DriverCall] = []
        self._operations = {op.operation_id: op for op in contract_inventory().operations}

    def __repr__(self) -> str:
        return f"RecordingPortal({self.inner!r}, {len(self.calls)} calls)"

    def __getattr__(self, name: str) -> Any:
        target = getattr(self.inner, name)
        operation = self._operations.get(name)
        if operation is None or not callable(target):
            return target

        def recorded(*args: Any, **kwargs: Any) -> Any:
            sent = to_wire(_BODIES[name](*args)) if name in _BODIES else None
            try:
                answer = target(*args, **kwargs)
            except PortalError as refusal:
                self.calls.append(DriverCall(name, refusal.http_status, sent))
                raise
            except TargetError as fault:
                self.calls.append(DriverCall(name, fault.status, sent))
                raise
            self.calls.append(DriverCall(name, operation.success, sent, to_wire(answer)))
            return answer

        return recorded


def recording(factory: PortalFactory) -> PortalFactory:
    """``factory`` with every portal it builds wrapped in a ``RecordingPortal``."""

    def build(clock: Clock, mailer: Mailer, sevis: StudentChangeSink) -> PortalDriver:
        return cast(PortalDriver, RecordingPortal(factory(clock, mailer, sevis)))

    return build


def driver_calls(portal: object) -> list[DriverCall]:
    """What ``portal`` (a world's driver) has recorded so far, in order."""
    if isinstance(portal, RecordingPortal):
        return portal.calls
    if _is_http_portal(portal):
        return [_from_exchange(e) for e in portal.exchanges]  # type: ignore[attr-defined]
    return []


def calls_so_far(portal: object) -> int:
    """How many calls ``portal`` has recorded: a step's first call is the next one."""
    if isinstance(portal, RecordingPortal):
        return len(portal.calls)
    if _is_http_portal(portal):
        return len(portal.exchanges)  # type: ignore[attr-defined]
    return 0


def _is_http_portal(portal: object) -> bool:
    """Whether ``portal`` is the HTTP driver, without importing it (and requests) for an
    in-memory run: if its module was never loaded, no portal can be one."""
    http = sys.modules.get("harness.drivers.http")
    return http is not None and isinstance(portal, http.HttpPortal)


def _from_exchange(exchange: Exchange) -> DriverCall:
    return DriverCall(
        exchange.operation,
        exchange.status,
        _json_or_none(exchange.request_body),
        _json_or_none(exchange.response_body)
        if exchange.status and exchange.status < 300
        else None,
    )


def _json_or_none(text: str) -> Any:
    """A body as wire data; None when empty, or cut short as evidence."""
    if not text:
        return None
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return None
