"""The SEVIS simulator's HTTP adapter: ``POST /portal/student-changes`` decoded with the wire
codec and handed to ``receive_student_change``; every refusal is RFC 9457 problem+json."""

from __future__ import annotations

import json
import logging
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from simulators.common.seams import StudentChange, StudentChangeSink
from simulators.common.wire import (
    PROBLEM_MEDIA_TYPE,
    WireCode,
    WireError,
    from_wire,
    problem,
    wire_error_problem,
    wire_problem,
)
from simulators.sevis import errors

log = logging.getLogger(__name__)

#: The status of each refusal; any other SevisError is 422 (the change cannot be applied).
ERROR_STATUS: dict[type[errors.SevisError], int] = {
    errors.UnknownStudent: 404,
    errors.UnknownEmployment: 404,
    errors.DuplicateEmployment: 409,
}
#: A student change is a few hundred bytes; anything near this is not one.
MAX_BODY_BYTES = 1024 * 1024


def create_app(sevis: StudentChangeSink) -> Starlette:
    """SEVIS's inbound endpoint over ``sevis`` (a ``SevisService``, or anything that takes
    student changes the same way)."""

    async def receive_student_change(request: Request) -> Response:
        try:
            change = from_wire(StudentChange, await _json(request))
            sevis.receive_student_change(change)
        except errors.SevisError as refusal:
            status = ERROR_STATUS.get(type(refusal), 422)
            return _problem(problem(status, refusal.code, refusal.detail))
        except WireError as error:
            return _problem(wire_error_problem(error))
        except _MalformedBody as error:
            return _problem(wire_problem(WireCode.MALFORMED_REQUEST, str(error)))
        except Exception:
            log.exception("unexpected error on a student change")
            return _problem(wire_problem(WireCode.INTERNAL_ERROR, "SEVIS failed unexpectedly"))
        return Response(None, 204)

    return Starlette(
        routes=[Route("/portal/student-changes", receive_student_change, methods=["POST"])],
        exception_handlers={HTTPException: _http_exception},
    )


class _MalformedBody(Exception):
    """The body is not JSON at all (as opposed to JSON of the wrong shape)."""


async def _json(request: Request) -> object:
    raw = await request.body()
    if len(raw) > MAX_BODY_BYTES:
        raise _MalformedBody(f"the body is larger than {MAX_BODY_BYTES} bytes")
    if not raw.strip():
        raise _MalformedBody("the request needs a JSON body")
    try:
        return json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise _MalformedBody(f"the body is not JSON: {error}") from None
    except RecursionError:
        raise _MalformedBody("the body is nested too deeply") from None


async def _http_exception(request: Request, exc: Exception) -> Response:
    status = getattr(exc, "status_code", 500)
    if status == 405:
        detail = f"{request.method} is not allowed on {request.url.path}"
        return _problem(
            wire_problem(WireCode.METHOD_NOT_ALLOWED, detail), headers={"allow": "POST"}
        )
    return _problem(wire_problem(WireCode.ROUTE_NOT_FOUND, f"no route {request.url.path}"))


def _problem(body: dict[str, Any], *, headers: dict[str, str] | None = None) -> Response:
    payload = json.dumps(body, ensure_ascii=False).encode("utf-8")
    return Response(payload, body["status"], headers, media_type=PROBLEM_MEDIA_TYPE)


__all__ = ["ERROR_STATUS", "create_app"]
