"""What the simulators' thin HTTP adapters share: reading a JSON body and query parameters,
writing JSON answers and RFC 9457 problems, and problems for unknown routes and methods."""

from __future__ import annotations

import json
from collections.abc import Collection
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from simulators.common.wire import (
    PROBLEM_MEDIA_TYPE,
    WireCode,
    WireError,
    parse_datetime,
    to_wire,
    wire_problem,
)

JSON_MEDIA_TYPE = "application/json"
#: No simulator request is anywhere near this; a body this large is not one.
MAX_BODY_BYTES = 1024 * 1024


class MalformedBody(Exception):
    """The body is not JSON at all (as opposed to JSON of the wrong shape)."""


async def read_json(request: Request) -> object:
    """The request's JSON body; ``MalformedBody`` when there is none or it is not JSON."""
    raw = await request.body()
    if len(raw) > MAX_BODY_BYTES:
        raise MalformedBody(f"the body is larger than {MAX_BODY_BYTES} bytes")
    if not raw.strip():
        raise MalformedBody("the request needs a JSON body")
    try:
        return json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise MalformedBody(f"the body is not JSON: {error}") from None
    except RecursionError:
        raise MalformedBody("the body is nested too deeply") from None


def query(request: Request, known: Collection[str]) -> dict[str, str]:
    """The query parameters, each given at most once; an unknown or repeated one is a
    ``WireError`` (a misspelt filter must not silently mean "everything")."""
    values: dict[str, str] = {}
    for name, value in request.query_params.multi_items():
        if name not in known:
            raise WireError(name, f"unknown query parameter; known: {', '.join(sorted(known))}")
        if name in values:
            raise WireError(name, "given more than once")
        values[name] = value
    return values


def query_datetime(values: dict[str, str], name: str) -> Any:
    """An RFC 3339 date-time query parameter, or None when absent."""
    return parse_datetime(values[name], name) if name in values else None


def json_response(value: object, status: int = 200) -> Response:
    body = json.dumps(to_wire(value), ensure_ascii=False, allow_nan=False).encode("utf-8")
    return Response(body, status, media_type=JSON_MEDIA_TYPE)


def problem_response(body: dict[str, Any], *, headers: dict[str, str] | None = None) -> Response:
    payload = json.dumps(body, ensure_ascii=False).encode("utf-8")
    return Response(payload, body["status"], headers, media_type=PROBLEM_MEDIA_TYPE)


async def http_exception_problem(request: Request, exc: Exception) -> Response:
    """Starlette's own 404 and 405 as problems (an exception handler for ``HTTPException``)."""
    if isinstance(exc, HTTPException) and exc.status_code == 405:
        detail = f"{request.method} is not allowed on {request.url.path}"
        return problem_response(
            wire_problem(WireCode.METHOD_NOT_ALLOWED, detail), headers=dict(exc.headers or {})
        )
    return problem_response(wire_problem(WireCode.ROUTE_NOT_FOUND, f"no route {request.url.path}"))


__all__ = [
    "JSON_MEDIA_TYPE",
    "MAX_BODY_BYTES",
    "MalformedBody",
    "http_exception_problem",
    "json_response",
    "problem_response",
    "query",
    "query_datetime",
    "read_json",
]
