"""The SEVIS simulator's HTTP adapter: ``POST /portal/student-changes`` (what a portal sends),
and over a whole ``SevisService`` the read endpoints a DSO has (event history, the
downloadable list of student changes, FAQ 10) and the actions that let a person drive a
scenario by hand with curl. Each route is one service call; every refusal is problem+json.

    POST /portal/student-changes                      a portal's student change
    GET  /students                                    SEVIS IDs
    POST /students                                    enroll (a NewStudent)
    GET  /students/{sevis_id}                         the record as sent to the portal
    GET  /students/{sevis_id}/events                  the event history
    GET  /students/{sevis_id}/transmissions           what SEVIS sent the portal, with outcomes
    POST /students/{sevis_id}/opt-requests            a DSO requests OPT
    POST /students/{sevis_id}/reset-portal-account    the DSO's Reset Portal Account
    POST /opt-requests/{request_id}/uscis-receive     USCIS receives (Pending)
    POST /opt-requests/{request_id}/uscis-approve     USCIS approves (transmits)
    POST /opt-requests/{request_id}/uscis-deny        USCIS denies
    POST /daily-sync                                  run the daily sync now
    GET  /student-changes[?since=&sevis_id=&format=json|csv]
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from simulators.common.adapter import (
    MAX_BODY_BYTES,
    LoopbackHostOnly,
    RequestRefused,
    http_exception_problem,
    json_response,
    problem_response,
    query,
    query_datetime,
    read_body,
    read_json,
    require_json_media_type,
    require_secret,
)
from simulators.common.domain import OptType, PerformedBy
from simulators.common.launch import SEVIS_SECRET_HEADER
from simulators.common.records import NewStudent
from simulators.common.seams import StudentChange, StudentChangeSink
from simulators.common.wire import (
    WireCode,
    WireError,
    from_wire,
    problem,
    wire_error_problem,
    wire_problem,
)
from simulators.sevis import errors
from simulators.sevis.models import DEFAULT_SCHOOL
from simulators.sevis.service import SevisService

log = logging.getLogger(__name__)

#: The status of each refusal; any other SevisError is 422 (the input cannot be applied).
ERROR_STATUS: dict[type[errors.SevisError], int] = {
    errors.UnknownStudent: 404,
    errors.UnknownEmployment: 404,
    errors.UnknownOptRequest: 404,
    errors.DuplicateEmployment: 409,
    errors.DuplicateStudent: 409,
    errors.ConflictingOptRequest: 409,
    errors.IllegalOptTransition: 409,
    errors.ProgramNotActive: 409,
    errors.ResetNotOffered: 409,
}
#: Who a hand-driven DSO action is recorded as when the body names nobody.
DEFAULT_DSO = PerformedBy.DHS_OFFICIAL.value

_Handler = Callable[[Request], Awaitable[Response]]


# --- request messages (shapes only; the rules are the service's) -------------------------


@dataclass(frozen=True)
class Enrollment:
    """``POST /students``: the school's entry, and the school (the default one if absent)."""

    student: NewStudent
    school: str = DEFAULT_SCHOOL


@dataclass(frozen=True)
class OptRecommendation:
    """``POST /students/{sevis_id}/opt-requests``."""

    opt_type: OptType
    start_date: date
    end_date: date
    dso: str = DEFAULT_DSO


@dataclass(frozen=True)
class DsoAction:
    """The body of a DSO action: who performs it (optional; an empty body is fine)."""

    dso: str = DEFAULT_DSO


def create_app(sevis: StudentChangeSink, *, channel_secret: str | None = None) -> Starlette:
    """SEVIS's inbound endpoint over ``sevis``; when ``sevis`` is a whole ``SevisService``
    (not only something that takes student changes), its read and action endpoints too.

    With ``channel_secret``, a student change must carry it (the SEVIS channel's secret,
    header ``SEVP-Channel-Secret``); the hand-driven actions need none (loopback only).
    """

    async def receive_student_change(request: Request) -> Response:
        require_secret(request, SEVIS_SECRET_HEADER, channel_secret)
        sevis.receive_student_change(from_wire(StudentChange, await read_json(request)))
        return Response(None, 204)

    routes = [Route("/portal/student-changes", _guarded(receive_student_change), methods=["POST"])]
    if isinstance(sevis, SevisService):
        routes += _service_routes(sevis)
    return Starlette(
        routes=routes,
        middleware=[Middleware(LoopbackHostOnly)],
        exception_handlers={HTTPException: http_exception_problem},
    )


def _service_routes(sevis: SevisService) -> list[Route]:
    async def students(request: Request) -> Response:
        query(request, ())
        return json_response(sevis.sevis_ids())

    async def enroll(request: Request) -> Response:
        body = from_wire(Enrollment, await read_json(request))
        sevis_id = sevis.enroll_student(body.student, school=body.school)
        return json_response(sevis.snapshot(sevis_id), status=201)

    async def record(request: Request) -> Response:
        query(request, ())
        return json_response(sevis.snapshot(request.path_params["sevis_id"]))

    async def events(request: Request) -> Response:
        query(request, ())
        return json_response(sevis.event_history(request.path_params["sevis_id"]))

    async def transmissions(request: Request) -> Response:
        query(request, ())
        return json_response(sevis.transmissions(request.path_params["sevis_id"]))

    async def request_opt(request: Request) -> Response:
        body = from_wire(OptRecommendation, await read_json(request))
        request_id = sevis.request_opt(
            request.path_params["sevis_id"],
            body.opt_type,
            body.start_date,
            body.end_date,
            dso=body.dso,
        )
        return json_response(sevis.opt_request(request_id), status=201)

    async def reset_portal_account(request: Request) -> Response:
        body = from_wire(DsoAction, await _optional_json(request))
        return json_response(sevis.reset_portal_account(request.path_params["sevis_id"], body.dso))

    def uscis(action: Callable[[str], None]) -> _Handler:
        async def decide(request: Request) -> Response:
            from_wire(DsoAction, await _optional_json(request))  # no members but dso
            request_id = request.path_params["request_id"]
            action(request_id)
            return json_response(sevis.opt_request(request_id))

        return decide

    async def daily_sync(request: Request) -> Response:
        from_wire(DsoAction, await _optional_json(request))
        return json_response(sevis.run_daily_sync())

    async def student_changes(request: Request) -> Response:
        values = query(request, ("since", "sevis_id", "format"))
        since, sevis_id = query_datetime(values, "since"), values.get("sevis_id")
        wanted = values.get("format", "json")
        if wanted == "json":
            return json_response(sevis.student_change_list(since, sevis_id=sevis_id))
        if wanted == "csv":
            text = sevis.student_change_list_csv(since, sevis_id=sevis_id)
            return Response(
                text.encode("utf-8"),
                200,
                {"content-disposition": 'attachment; filename="student-changes.csv"'},
                media_type="text/csv; charset=utf-8",
            )
        raise WireError("format", f"expected json or csv, got {wanted!r}")

    return [
        Route("/students", _guarded(students), methods=["GET"]),
        Route("/students", _guarded(enroll), methods=["POST"]),
        Route("/students/{sevis_id}", _guarded(record), methods=["GET"]),
        Route("/students/{sevis_id}/events", _guarded(events), methods=["GET"]),
        Route("/students/{sevis_id}/transmissions", _guarded(transmissions), methods=["GET"]),
        Route("/students/{sevis_id}/opt-requests", _guarded(request_opt), methods=["POST"]),
        Route(
            "/students/{sevis_id}/reset-portal-account",
            _guarded(reset_portal_account),
            methods=["POST"],
        ),
        Route(
            "/opt-requests/{request_id}/uscis-receive",
            _guarded(uscis(sevis.uscis_receive)),
            methods=["POST"],
        ),
        Route(
            "/opt-requests/{request_id}/uscis-approve",
            _guarded(uscis(sevis.uscis_approve)),
            methods=["POST"],
        ),
        Route(
            "/opt-requests/{request_id}/uscis-deny",
            _guarded(uscis(sevis.uscis_deny)),
            methods=["POST"],
        ),
        Route("/daily-sync", _guarded(daily_sync), methods=["POST"]),
        Route("/student-changes", _guarded(student_changes), methods=["GET"]),
    ]


def _guarded(handler: _Handler) -> _Handler:
    """Turn every refusal of one call into a problem; the service changes nothing first."""

    async def guarded(request: Request) -> Response:
        try:
            return await handler(request)
        except errors.SevisError as refusal:
            status = ERROR_STATUS.get(type(refusal), 422)
            title = "SEVIS refused the request"
            return problem_response(problem(status, refusal.code, refusal.detail, title=title))
        except WireError as error:
            return problem_response(wire_error_problem(error))
        except RequestRefused as refused:
            return problem_response(refused.problem())
        except Exception:
            log.exception("unexpected error on %s %s", request.method, request.url.path)
            return problem_response(
                wire_problem(WireCode.INTERNAL_ERROR, "SEVIS failed unexpectedly")
            )

    return guarded


async def _optional_json(request: Request) -> object:
    """The JSON body, or ``{}`` when there is none (actions whose members all default).
    An empty body declared as another media type is refused all the same: a page on
    another origin can post an empty form or text/plain without asking the browser first."""
    if not (await read_body(request)).strip():
        require_json_media_type(request, allow_none=True)
        return {}
    return await read_json(request)


__all__ = [
    "DEFAULT_DSO",
    "ERROR_STATUS",
    "MAX_BODY_BYTES",
    "DsoAction",
    "Enrollment",
    "OptRecommendation",
    "create_app",
]
