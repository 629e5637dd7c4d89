"""The reference portal's HTTP adapter: each route decodes with the wire codec, calls one
service method and encodes the answer; every refusal becomes RFC 9457 problem+json."""

from __future__ import annotations

import functools
import json
import logging
import re
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

import anyio.to_thread
from starlette.applications import Starlette
from starlette.background import BackgroundTask
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from simulators.common.adapter import (
    LoopbackHostOnly,
    RequestRefused,
    read_json,
    require_secret,
)
from simulators.common.clock import Clock
from simulators.common.contract import ContactUpdate, EmployerEdit, EmployerInput, PortalError
from simulators.common.launch import CONTROL_SECRET_HEADER, SEVIS_SECRET_HEADER, ChannelSecrets
from simulators.common.seams import Transmission
from simulators.common.wire import (
    PROBLEM_MEDIA_TYPE,
    ClockSetting,
    HarnessInfo,
    LoginRequest,
    LoginResult,
    PasswordResetCompletion,
    PasswordResetRequest,
    RegistrationRequest,
    SimulatorEndpoints,
    TransmissionReceipt,
    WireCode,
    WireError,
    from_wire,
    portal_error_problem,
    to_wire,
    wire_error_problem,
    wire_problem,
)
from simulators.portal.errors import RateLimited
from simulators.portal.service import PortalService

if TYPE_CHECKING:  # the adapter serves any object with the driver's methods
    from simulators.common.driver import PortalDriver

log = logging.getLogger(__name__)

JSON_MEDIA_TYPE = "application/json"
_Handler = Callable[[Request], Awaitable[Response]]
_T = TypeVar("_T")


class SimulatorWiring(Protocol):
    """Where a served portal sends mail and student changes, and how to change it
    (``simulators.portal.outbound.OutboundWiring`` for the reference)."""

    @property
    def endpoints(self) -> SimulatorEndpoints: ...

    def repoint(self, endpoints: SimulatorEndpoints) -> SimulatorEndpoints: ...


def create_app(
    service: PortalDriver,
    *,
    clock: Clock | None = None,
    simulators: SimulatorEndpoints | None = None,
    wiring: SimulatorWiring | None = None,
    secrets: ChannelSecrets | None,
) -> Starlette:
    """The portal contract over ``service``.

    ``clock`` (optional) answers ``GET /_harness/clock``; ``simulators`` is where the
    service was configured to send mail and student changes, reported by
    ``GET /_harness/info`` (the service itself has no reason to know its own wiring).
    ``wiring`` (optional) reports the same and lets ``PUT /_harness/simulators`` change
    it; without it that optional operation answers 501.

    ``secrets`` (required, so that no caller serves an open portal by accident): SEVIS
    transmissions must carry ``secrets.sevis`` and every /_harness/ request
    ``secrets.control``; ``None`` checks neither (tests of other things only).
    """
    sevis_secret = secrets.sevis if secrets is not None else None
    control_secret = secrets.control if secrets is not None else None

    # The service is synchronous and talks to slow peers (SMTP, SEVIS): each call runs in a
    # worker thread, so the event loop never waits on a peer. The reference's calls take
    # turns without waiting on a peer in their turn (PortalService.call_in_turn); any other
    # service is called one at a time.
    in_turn = service.call_in_turn if isinstance(service, PortalService) else _one_at_a_time()

    async def call(operation: Callable[..., _T], *args: Any, **kwargs: Any) -> _T:
        return await anyio.to_thread.run_sync(
            functools.partial(in_turn, operation, *args, **kwargs)
        )

    async def receive_transmission(request: Request) -> Response:
        transmission = from_wire(Transmission, await _json(request))
        await call(service.deliver, transmission)
        return _ok(TransmissionReceipt(transmission.transmission_id))

    async def register(request: Request) -> Response:
        body = from_wire(RegistrationRequest, await _json(request))
        await call(service.register, body.token, body.sevis_id, body.password)
        return _empty()

    async def login(request: Request) -> Response:
        body = from_wire(LoginRequest, await _json(request))
        return _ok(LoginResult(await call(service.login, body.email, body.password)), status=201)

    async def logout(request: Request) -> Response:
        await call(service.logout, _bearer(request))
        return _empty()

    async def request_password_reset(request: Request) -> Response:
        body = from_wire(PasswordResetRequest, await _json(request))
        if not isinstance(service, PortalService):
            await call(service.request_password_reset, body.email)
            return _empty(status=202)
        # The reference limits requests per client, and mails after answering (no timing
        # oracle on who has an account).
        await call(
            service.request_password_reset_from, _client(request), body.email, send_mail=False
        )
        answer = _empty(status=202)
        answer.background = BackgroundTask(anyio.to_thread.run_sync, service.send_mail)
        return answer

    async def complete_password_reset(request: Request) -> Response:
        body = from_wire(PasswordResetCompletion, await _json(request))
        await call(service.complete_password_reset, body.token, body.new_password)
        return _empty()

    async def attest(request: Request) -> Response:
        await call(service.attest, _bearer(request))
        return _empty()

    async def profile(request: Request) -> Response:
        return _ok(await call(service.profile, _bearer(request)))

    async def update_contact(request: Request) -> Response:
        update = from_wire(ContactUpdate, await _json(request))
        return _ok(await call(service.update_contact, _bearer(request), update))

    async def authorizations(request: Request) -> Response:
        return _ok(await call(service.authorizations, _bearer(request)))

    async def unemployment(request: Request) -> Response:
        return _ok(await call(service.unemployment, _bearer(request)))

    async def employers(request: Request) -> Response:
        return _ok(await call(service.employers, _bearer(request)))

    async def add_employer(request: Request) -> Response:
        employer = from_wire(EmployerInput, await _json(request))
        added = await call(service.add_employer, _bearer(request), employer)
        return _ok(added, status=201, location=f"/me/employers/{added.employer_id}")

    async def edit_employer(request: Request) -> Response:
        edit = from_wire(EmployerEdit, await _json(request))
        employer_id = request.path_params["employer_id"]
        return _ok(await call(service.edit_employer, _bearer(request), employer_id, edit))

    async def delete_employer(request: Request) -> Response:
        confirmed = _query_flag(request, "never_worked_confirmed")
        await call(
            service.delete_employer,
            _bearer(request),
            request.path_params["employer_id"],
            never_worked_confirmed=confirmed,
        )
        return _empty()

    async def history(request: Request) -> Response:
        return _ok(await call(service.history, _bearer(request)))

    async def info(request: Request) -> Response:
        reported = wiring.endpoints if wiring is not None else simulators
        return _ok(HarnessInfo.from_portal_info(service.info(), reported))

    async def point_simulators(request: Request) -> Response:
        endpoints = from_wire(SimulatorEndpoints, await _json(request))
        if wiring is None:
            return _problem(
                wire_problem(WireCode.NOT_IMPLEMENTED, "this portal cannot be re-pointed")
            )
        return _ok(await call(wiring.repoint, endpoints))

    async def read_clock(request: Request) -> Response:
        if clock is None:
            return _problem(wire_problem(WireCode.NOT_IMPLEMENTED, "this portal reports no clock"))
        return _ok(ClockSetting(clock.now()))

    async def set_clock(request: Request) -> Response:
        setting = from_wire(ClockSetting, await _json(request))
        await call(service.set_time, setting.now)
        return _empty()

    async def reset(request: Request) -> Response:
        await call(service.reset)
        return _empty()

    sevis_channel = _Guard(SEVIS_SECRET_HEADER, sevis_secret)
    control = _Guard(CONTROL_SECRET_HEADER, control_secret)
    routes = [
        _route("/sevis/transmissions", "POST", receive_transmission, sevis_channel),
        _route("/registrations", "POST", register),
        _route("/sessions", "POST", login),
        _route("/sessions/current", "DELETE", logout),
        _route("/password-resets", "POST", request_password_reset),
        _route("/password-resets/completion", "POST", complete_password_reset),
        _route("/me/attestation", "POST", attest),
        _route("/me/profile", "GET", profile),
        _route("/me/profile", "PATCH", update_contact),
        _route("/me/authorizations", "GET", authorizations),
        _route("/me/unemployment", "GET", unemployment),
        _route("/me/employers", "GET", employers),
        _route("/me/employers", "POST", add_employer),
        # ":path" because the server decodes %2F before routing: an id with a slash in it
        # (the contract does not forbid one) must still reach its employer.
        _route("/me/employers/{employer_id:path}", "PATCH", edit_employer),
        _route("/me/employers/{employer_id:path}", "DELETE", delete_employer),
        _route("/me/history", "GET", history),
        _route("/_harness/info", "GET", info, control),
        _route("/_harness/clock", "GET", read_clock, control),
        _route("/_harness/clock", "PUT", set_clock, control),
        _route("/_harness/reset", "POST", reset, control),
        _route("/_harness/simulators", "PUT", point_simulators, control),
    ]
    return Starlette(
        routes=_merge_methods(routes),
        middleware=[Middleware(LoopbackHostOnly)],
        exception_handlers={HTTPException: _http_exception, Exception: _unexpected},
    )


def _one_at_a_time() -> Callable[..., Any]:
    lock = threading.Lock()

    def in_turn(operation: Callable[..., _T], *args: Any, **kwargs: Any) -> _T:
        with lock:
            return operation(*args, **kwargs)

    return in_turn


# --- routing helpers --------------------------------------------------------------------


@dataclass(frozen=True)
class _Guard:
    """The secret a route's channel needs, in which header (no secret: an open route)."""

    header: str = ""
    secret: str | None = None


_OPEN = _Guard()


def _route(
    path: str, method: str, handler: _Handler, guard: _Guard = _OPEN
) -> tuple[str, str, _Handler, _Guard]:
    return path, method, handler, guard


def _merge_methods(table: list[tuple[str, str, _Handler, _Guard]]) -> list[Route]:
    """One Starlette route per path, dispatching on the method, so a wrong method on a
    known path is a 405 (with ``Allow``) rather than a 404."""
    by_path: dict[str, dict[str, _Handler]] = {}
    for path, method, handler, guard in table:
        by_path.setdefault(path, {})[method] = _guarded(handler, guard)
    return [
        Route(path, _dispatch(handlers), methods=list(handlers), name=path)
        for path, handlers in by_path.items()
    ]


def _dispatch(handlers: dict[str, _Handler]) -> _Handler:
    async def dispatch(request: Request) -> Response:
        return await handlers[request.method](request)

    return dispatch


def _guarded(handler: _Handler, guard: _Guard) -> _Handler:
    """Check the channel's secret first, then turn every failure of one call into the
    problem the contract names."""

    async def guarded(request: Request) -> Response:
        try:
            require_secret(request, guard.header, guard.secret)
            return await handler(request)
        except PortalError as error:
            return _problem(portal_error_problem(error))
        except WireError as error:
            return _problem(wire_error_problem(error))
        except RequestRefused as refused:
            return _problem(refused.problem())
        except RateLimited as limited:
            return _problem(
                wire_problem(WireCode.TOO_MANY_REQUESTS, limited.detail),
                headers={"retry-after": str(limited.retry_after_seconds)},
            )
        except Exception:
            return await _unexpected(request, None)

    return guarded


async def _http_exception(request: Request, exc: Exception) -> Response:
    status = getattr(exc, "status_code", 500)
    if status == 404:
        return _problem(
            wire_problem(WireCode.ROUTE_NOT_FOUND, f"no route {request.url.path}"),
        )
    if status == 405:
        headers = dict(getattr(exc, "headers", None) or {})
        body = wire_problem(
            WireCode.METHOD_NOT_ALLOWED, f"{request.method} is not allowed on {request.url.path}"
        )
        return _problem(body, headers=headers)
    return await _unexpected(request, exc)


async def _unexpected(request: Request, exc: Exception | None) -> Response:
    # The body names nothing of the failure: tracebacks and messages can carry secrets.
    log.exception("unexpected error on %s %s", request.method, request.url.path)
    return _problem(wire_problem(WireCode.INTERNAL_ERROR, "the portal failed unexpectedly"))


# --- request and response helpers -----------------------------------------------------------


async def _json(request: Request) -> object:
    return await read_json(request)


def _client(request: Request) -> str:
    """Who is asking, as far as the reference can tell: the peer's address."""
    return request.client.host if request.client is not None else ""


def _bearer(request: Request) -> str:
    """The session of ``Authorization: Bearer <session>``, or "" (the service refuses it)."""
    scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
    return credentials.strip() if scheme.lower() == "bearer" else ""


def _query_flag(request: Request, name: str) -> bool:
    """A boolean query parameter: ``true`` or ``false``; absent means false."""
    value = request.query_params.get(name)
    if value is None or value == "false":
        return False
    if value == "true":
        return True
    raise WireError(name, f"expected true or false, got {value!r}")


def _body(payload: Any) -> bytes:
    return json.dumps(payload, ensure_ascii=False, allow_nan=False).encode("utf-8")


_NO_STORE = {"cache-control": "no-store"}  # answers carry personal data and session ids


def _ok(value: object, *, status: int = 200, location: str | None = None) -> Response:
    headers = dict(_NO_STORE)
    if location:
        headers["location"] = location
    return Response(_body(to_wire(value)), status, headers, media_type=JSON_MEDIA_TYPE)


def _empty(status: int = 204) -> Response:
    return Response(None, status, dict(_NO_STORE))


def _problem(body: dict[str, Any], *, headers: dict[str, str] | None = None) -> Response:
    return Response(
        _body(body),
        body["status"],
        {**_NO_STORE, **(headers or {})},
        media_type=PROBLEM_MEDIA_TYPE,
    )


_CONVERTER = re.compile(r"\{(\w+):\w+\}")


def routes_of(app: Starlette) -> set[tuple[str, str]]:
    """Every ``(method, path)`` the app serves; the contract's drift test compares these."""
    found: set[tuple[str, str]] = set()
    for route in app.routes:
        if isinstance(route, Route):
            methods = set(route.methods or ()) - {"HEAD"}
            path = _CONVERTER.sub(r"{\1}", route.path)
            found.update((method, path) for method in methods)
    return found
