"""The reference portal's HTTP adapter: each route decodes with the wire codec, calls one
service method and encodes the answer; every refusal becomes RFC 9457 problem+json."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Protocol

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from simulators.common.clock import Clock
from simulators.common.contract import ContactUpdate, EmployerEdit, EmployerInput, PortalError
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

if TYPE_CHECKING:  # the adapter serves any object with the driver's methods
    from harness.drivers.base import PortalDriver

log = logging.getLogger(__name__)

JSON_MEDIA_TYPE = "application/json"
_Handler = Callable[[Request], Awaitable[Response]]


class _MalformedBody(Exception):
    """The body is not JSON at all (as opposed to JSON of the wrong shape)."""


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
) -> Starlette:
    """The portal contract over ``service``.

    ``clock`` (optional) answers ``GET /_harness/clock``; ``simulators`` is where the
    service was configured to send mail and student changes, reported by
    ``GET /_harness/info`` (the service itself has no reason to know its own wiring).
    ``wiring`` (optional) reports the same and lets ``PUT /_harness/simulators`` change
    it; without it that optional operation answers 501.
    """

    # Endpoints are ``async def`` calling the synchronous service directly: uvicorn runs
    # one event loop, so calls never overlap and the service needs no locks.

    async def receive_transmission(request: Request) -> Response:
        transmission = from_wire(Transmission, await _json(request))
        service.deliver(transmission)
        return _ok(TransmissionReceipt(transmission.transmission_id))

    async def register(request: Request) -> Response:
        body = from_wire(RegistrationRequest, await _json(request))
        service.register(body.token, body.sevis_id, body.password)
        return _empty()

    async def login(request: Request) -> Response:
        body = from_wire(LoginRequest, await _json(request))
        return _ok(LoginResult(service.login(body.email, body.password)), status=201)

    async def logout(request: Request) -> Response:
        service.logout(_bearer(request))
        return _empty()

    async def request_password_reset(request: Request) -> Response:
        body = from_wire(PasswordResetRequest, await _json(request))
        service.request_password_reset(body.email)
        return _empty(status=202)

    async def complete_password_reset(request: Request) -> Response:
        body = from_wire(PasswordResetCompletion, await _json(request))
        service.complete_password_reset(body.token, body.new_password)
        return _empty()

    async def attest(request: Request) -> Response:
        service.attest(_bearer(request))
        return _empty()

    async def profile(request: Request) -> Response:
        return _ok(service.profile(_bearer(request)))

    async def update_contact(request: Request) -> Response:
        update = from_wire(ContactUpdate, await _json(request))
        return _ok(service.update_contact(_bearer(request), update))

    async def authorizations(request: Request) -> Response:
        return _ok(service.authorizations(_bearer(request)))

    async def unemployment(request: Request) -> Response:
        return _ok(service.unemployment(_bearer(request)))

    async def employers(request: Request) -> Response:
        return _ok(service.employers(_bearer(request)))

    async def add_employer(request: Request) -> Response:
        employer = from_wire(EmployerInput, await _json(request))
        added = service.add_employer(_bearer(request), employer)
        return _ok(added, status=201, location=f"/me/employers/{added.employer_id}")

    async def edit_employer(request: Request) -> Response:
        edit = from_wire(EmployerEdit, await _json(request))
        employer_id = request.path_params["employer_id"]
        return _ok(service.edit_employer(_bearer(request), employer_id, edit))

    async def delete_employer(request: Request) -> Response:
        confirmed = _query_flag(request, "never_worked_confirmed")
        service.delete_employer(
            _bearer(request),
            request.path_params["employer_id"],
            never_worked_confirmed=confirmed,
        )
        return _empty()

    async def history(request: Request) -> Response:
        return _ok(service.history(_bearer(request)))

    async def info(request: Request) -> Response:
        reported = wiring.endpoints if wiring is not None else simulators
        return _ok(HarnessInfo.from_portal_info(service.info(), reported))

    async def point_simulators(request: Request) -> Response:
        endpoints = from_wire(SimulatorEndpoints, await _json(request))
        if wiring is None:
            return _problem(
                wire_problem(WireCode.NOT_IMPLEMENTED, "this portal cannot be re-pointed")
            )
        return _ok(wiring.repoint(endpoints))

    async def read_clock(request: Request) -> Response:
        if clock is None:
            return _problem(wire_problem(WireCode.NOT_IMPLEMENTED, "this portal reports no clock"))
        return _ok(ClockSetting(clock.now()))

    async def set_clock(request: Request) -> Response:
        setting = from_wire(ClockSetting, await _json(request))
        service.set_time(setting.now)
        return _empty()

    async def reset(request: Request) -> Response:
        service.reset()
        return _empty()

    routes = [
        _route("/sevis/transmissions", "POST", receive_transmission),
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
        _route("/_harness/info", "GET", info),
        _route("/_harness/clock", "GET", read_clock),
        _route("/_harness/clock", "PUT", set_clock),
        _route("/_harness/reset", "POST", reset),
        _route("/_harness/simulators", "PUT", point_simulators),
    ]
    return Starlette(
        routes=_merge_methods(routes),
        exception_handlers={HTTPException: _http_exception, Exception: _unexpected},
    )


# --- routing helpers --------------------------------------------------------------------


def _route(path: str, method: str, handler: _Handler) -> tuple[str, str, _Handler]:
    return path, method, handler


def _merge_methods(table: list[tuple[str, str, _Handler]]) -> list[Route]:
    """One Starlette route per path, dispatching on the method, so a wrong method on a
    known path is a 405 (with ``Allow``) rather than a 404."""
    by_path: dict[str, dict[str, _Handler]] = {}
    for path, method, handler in table:
        by_path.setdefault(path, {})[method] = handler
    return [
        Route(path, _guarded(_dispatch(handlers)), methods=list(handlers), name=path)
        for path, handlers in by_path.items()
    ]


def _dispatch(handlers: dict[str, _Handler]) -> _Handler:
    async def dispatch(request: Request) -> Response:
        return await handlers[request.method](request)

    return dispatch


def _guarded(handler: _Handler) -> _Handler:
    """Turn every failure of one call into the problem the contract names."""

    async def guarded(request: Request) -> Response:
        try:
            return await handler(request)
        except PortalError as error:
            return _problem(portal_error_problem(error))
        except WireError as error:
            return _problem(wire_error_problem(error))
        except _MalformedBody as error:
            return _problem(wire_problem(WireCode.MALFORMED_REQUEST, str(error)))
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
    raw = await request.body()
    if not raw.strip():
        raise _MalformedBody("the request needs a JSON body")
    try:
        return json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise _MalformedBody(f"the body is not JSON: {error}") from None
    except RecursionError:
        raise _MalformedBody("the body is nested too deeply") from None


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
