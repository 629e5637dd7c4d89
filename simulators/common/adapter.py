"""What the simulators' thin HTTP adapters share: reading a JSON body (strictly, bounded, of
the right media type) and query parameters, writing JSON answers and RFC 9457 problems,
problems for unknown routes and methods, and the loopback-only Host and Origin check."""

from __future__ import annotations

import hmac
import json
import math
from collections.abc import Collection
from typing import Any
from urllib.parse import urlsplit

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from simulators.common.domain import SECURITY_LIMITS
from simulators.common.loopback import is_loopback
from simulators.common.wire import (
    PROBLEM_MEDIA_TYPE,
    WireCode,
    WireError,
    parse_datetime,
    to_wire,
    wire_problem,
)

JSON_MEDIA_TYPE = "application/json"
#: The largest body any of our servers reads (documented in docs/http-target.md).
MAX_BODY_BYTES = SECURITY_LIMITS.max_body_bytes
#: The most digits a JSON integer may have: Python refuses past 4,300, and no field is near.
MAX_INTEGER_DIGITS = 20


class RequestRefused(Exception):
    """A request the HTTP layer refuses before any service sees it; ``code`` says why."""

    code = WireCode.MALFORMED_REQUEST

    def problem(self) -> dict[str, Any]:
        return wire_problem(self.code, str(self))


class MalformedBody(RequestRefused):
    """The body is not JSON at all (as opposed to JSON of the wrong shape), or JSON no
    field could hold (duplicate members, lone surrogates, numbers out of range)."""


class UnsupportedMediaType(RequestRefused):
    """A JSON route was sent something declared as another type (a form, text/plain): a
    cross-site page can send those without asking the browser first."""

    code = WireCode.UNSUPPORTED_MEDIA_TYPE


class BodyTooLarge(RequestRefused):
    code = WireCode.BODY_TOO_LARGE


class Unauthenticated(RequestRefused):
    code = WireCode.UNAUTHENTICATED


async def read_body(request: Request, limit: int = MAX_BODY_BYTES) -> bytes:
    """The raw body, refused (``BodyTooLarge``) as soon as it passes ``limit``: by its
    Content-Length before reading anything, else while it streams in. Read once per request."""
    kept = getattr(request.state, "raw_body", None)
    if kept is not None:
        return bytes(kept)
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge(f"the body is larger than {limit} bytes")
    chunks: list[bytes] = []
    size = 0
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise BodyTooLarge(f"the body is larger than {limit} bytes")
            chunks.append(chunk)
    except ClientDisconnect:  # nobody is left to answer, and it is no fault of ours to log
        raise MalformedBody("the client went away before the body ended") from None
    raw = b"".join(chunks)
    request.state.raw_body = raw
    return raw


async def read_json(request: Request) -> object:
    """The request's JSON body; ``RequestRefused`` when it is not JSON of type
    application/json, too large, or holds what no field could (see ``MalformedBody``)."""
    raw = await read_body(request)
    if not raw.strip():
        raise MalformedBody("the request needs a JSON body")
    require_json_media_type(request)
    return parse_json(raw)


def require_json_media_type(request: Request, *, allow_none: bool = False) -> None:
    """``UnsupportedMediaType`` unless the request is declared application/json (or, with
    ``allow_none``, declares no Content-Type at all: an action without a body)."""
    if allow_none and "content-type" not in request.headers:
        return
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != JSON_MEDIA_TYPE:
        shown = media_type or "none"
        raise UnsupportedMediaType(f"the body must be {JSON_MEDIA_TYPE}, not {shown}")


def parse_json(raw: bytes) -> object:
    """Strict JSON: UTF-8, no duplicate members, no NaN or Infinity, integers of at most
    ``MAX_INTEGER_DIGITS`` digits, no lone surrogates anywhere."""
    try:
        value = json.loads(
            raw,
            object_pairs_hook=_no_duplicates,
            parse_int=_bounded_int,
            parse_float=_finite_float,
            parse_constant=_no_constant,
        )
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise MalformedBody(f"the body is not JSON: {error}") from None
    except RecursionError:
        raise MalformedBody("the body is nested too deeply") from None
    _refuse_surrogates(value)
    return value


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise MalformedBody(f"the member {_printable(key)!r} is given more than once")
        found[key] = value
    return found


def _bounded_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INTEGER_DIGITS:
        raise MalformedBody(f"an integer has more than {MAX_INTEGER_DIGITS} digits")
    return int(text)


def _finite_float(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise MalformedBody(f"the number {text[:20]} is out of range")
    return value


def _no_constant(text: str) -> None:
    raise MalformedBody(f"{text} is not a JSON number")


def _refuse_surrogates(value: object) -> None:
    """JSON can spell lone surrogates; they cannot be stored, mailed or echoed back."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            texts: list[object] = [item]
        elif isinstance(item, dict):
            texts = list(item)
            stack.extend(item.values())
            stack.extend(texts)
            continue
        elif isinstance(item, list):
            stack.extend(item)
            continue
        else:
            continue
        for text in texts:
            try:
                str(text).encode("utf-8")
            except UnicodeEncodeError:
                raise MalformedBody("a string is not valid Unicode (lone surrogate)") from None


def _printable(text: str) -> str:
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def is_loopback_host(host: str) -> bool:
    """Whether a Host header (name or address, with or without a port) names this machine."""
    name = host.strip().lower()
    if name.startswith("["):  # [::1]:8000
        name = name[1 : name.find("]")] if "]" in name else name
    elif name.count(":") == 1:
        name = name.partition(":")[0]
    return is_loopback(name.rstrip("."))


def is_loopback_origin(origin: str) -> bool:
    """Whether an Origin header names a page served from this machine (any port); "null"
    (a sandboxed frame, a file) and anything unparsable do not."""
    try:
        parts = urlsplit(origin.strip())
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError:
        return False
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return False
    return is_loopback(parts.hostname.rstrip("."))


class LoopbackHostOnly:
    """ASGI middleware: a request whose Host is not a loopback name or address gets 421,
    so a page on another origin cannot reach our servers by re-binding its DNS name; so
    does one whose Origin (which browsers send with cross-site requests) is not a page on
    this machine, so a page elsewhere cannot make a browser post to our servers."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            headers = Headers(scope=scope)
            host = headers.get("host", "")
            origin = headers.get("origin")
            detail = ""
            if not is_loopback_host(host):
                detail = f"the Host {_printable(host)[:100]!r} is not this machine's loopback"
            elif origin is not None and not is_loopback_origin(origin):
                detail = f"the Origin {_printable(origin)[:100]!r} is not a page on this machine"
            if detail:
                response = problem_response(wire_problem(WireCode.HOST_NOT_ALLOWED, detail))
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


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


def require_secret(request: Request, header: str, secret: str | None) -> None:
    """``Unauthenticated`` unless ``header`` carries ``secret`` (compared in constant time);
    with no secret configured there is nothing to check."""
    if secret is None:
        return
    given = request.headers.get(header, "")
    if not hmac.compare_digest(given.encode("utf-8", "replace"), secret.encode("utf-8")):
        raise Unauthenticated(f"this route needs the {header} header with its channel's secret")


__all__ = [
    "JSON_MEDIA_TYPE",
    "MAX_BODY_BYTES",
    "MAX_INTEGER_DIGITS",
    "BodyTooLarge",
    "LoopbackHostOnly",
    "MalformedBody",
    "RequestRefused",
    "Unauthenticated",
    "UnsupportedMediaType",
    "http_exception_problem",
    "is_loopback_host",
    "is_loopback_origin",
    "json_response",
    "parse_json",
    "problem_response",
    "query",
    "query_datetime",
    "read_body",
    "read_json",
    "require_json_media_type",
    "require_secret",
]
