"""The one JSON codec of the portal contract: dataclasses to JSON and back, the small
request/answer messages of the HTTP contract, and RFC 9457 problem bodies.

Decoding rules (the OpenAPI document says the same):

- every dataclass is a JSON object whose members are the fields, named as in Python;
  ``to_wire`` writes every field, defaults and nulls included;
- a missing member takes the field's default; a missing member without a default is an
  error; ``null`` is only accepted for ``X | None`` fields;
- unknown members are an error (``ignore_unknown=False``, what a server does with a
  request, so a misspelt field never silently means "unchanged"); a client reading an
  answer passes ``ignore_unknown=True`` so additive changes to the contract do not break it;
- enums travel as their values; tuples, lists and frozensets as arrays (frozensets sorted);
- dates are ``YYYY-MM-DD``; date-times are RFC 3339 with an offset (``Z`` on output) and
  are converted to UTC; a date-time without an offset is an error;
- ``bool`` and ``int`` do not stand in for each other, and numbers never for strings.
"""

from __future__ import annotations

import dataclasses
import re
import types
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timezone
from enum import Enum
from typing import Any, TypeVar, Union

from simulators.common.contract import (
    CONTRACT_VERSION,
    HTTP_STATUS,
    ErrorCode,
    PortalError,
    PortalInfo,
)
from simulators.common.readings import Readings

T = TypeVar("T")

#: The media type of every error answer (RFC 9457).
PROBLEM_MEDIA_TYPE = "application/problem+json"
#: Prefix of the problem ``type`` URI; the ``code`` member, not the URI, is what clients compare.
PROBLEM_TYPE_BASE = "https://sevp-portal-harness.example/problems/"


class WireError(ValueError):
    """A JSON value that does not fit the contract; ``path`` names the member at fault."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path or 'body'}: {reason}")
        self.path = path
        self.reason = reason


class WireCode(str, Enum):
    """Problem codes of the HTTP layer itself, apart from the portal's ``ErrorCode``s.

    A client that sends well-formed requests never sees these unless the server
    disagrees with the contract, which is why the harness treats them as target faults.
    """

    MALFORMED_REQUEST = "malformed-request"  # the body is not JSON
    REQUEST_INVALID = "request-invalid"  # JSON that does not match the schema
    ROUTE_NOT_FOUND = "route-not-found"
    METHOD_NOT_ALLOWED = "method-not-allowed"
    NOT_IMPLEMENTED = "not-implemented"  # an optional operation this target does not offer
    INTERNAL_ERROR = "internal-error"
    # request hygiene and authentication (contract 1.2, "Security")
    UNAUTHENTICATED = "unauthenticated"  # a channel or control request without its secret
    BODY_TOO_LARGE = "body-too-large"
    UNSUPPORTED_MEDIA_TYPE = "unsupported-media-type"
    HOST_NOT_ALLOWED = "host-not-allowed"  # Host or Origin not loopback (DNS rebinding, CSRF)
    TOO_MANY_REQUESTS = "too-many-requests"


WIRE_HTTP_STATUS: dict[WireCode, int] = {
    WireCode.MALFORMED_REQUEST: 400,
    WireCode.REQUEST_INVALID: 422,
    WireCode.ROUTE_NOT_FOUND: 404,
    WireCode.METHOD_NOT_ALLOWED: 405,
    WireCode.NOT_IMPLEMENTED: 501,
    WireCode.INTERNAL_ERROR: 500,
    WireCode.UNAUTHENTICATED: 401,
    WireCode.BODY_TOO_LARGE: 413,
    WireCode.UNSUPPORTED_MEDIA_TYPE: 415,
    WireCode.HOST_NOT_ALLOWED: 421,
    WireCode.TOO_MANY_REQUESTS: 429,
}

#: One short title per code: RFC 9457 wants the same title for every occurrence of a type.
PROBLEM_TITLES: dict[str, str] = {
    ErrorCode.VALIDATION_FAILED.value: "The input breaks a field rule",
    ErrorCode.INVALID_CREDENTIALS.value: "The email or password is wrong",
    ErrorCode.ACCOUNT_LOCKED.value: "The account is locked",
    ErrorCode.ACCOUNT_NOT_REGISTERED.value: "The account is not registered",
    ErrorCode.ACCESS_CLOSED.value: "Portal access has closed",
    ErrorCode.SESSION_INVALID.value: "The session is missing, ended or unknown",
    ErrorCode.ATTESTATION_REQUIRED.value: "The attestation comes first",
    ErrorCode.TOKEN_INVALID.value: "The link token is unknown",
    ErrorCode.TOKEN_EXPIRED.value: "The link has expired",
    ErrorCode.TOKEN_USED.value: "The link was already used",
    ErrorCode.SEVIS_ID_MISMATCH.value: "The SEVIS ID does not match",
    ErrorCode.REGISTRATION_LOCKED.value: "Registration is locked",
    ErrorCode.PASSWORD_POLICY.value: "The password breaks the password policy",
    ErrorCode.PASSWORD_REUSED.value: "The password was used before",
    ErrorCode.CONFIRMATION_REQUIRED.value: "Deleting an employer needs the never-worked "
    "confirmation",
    ErrorCode.NOT_FOUND.value: "No such item for this student",
    ErrorCode.ACTION_NOT_ALLOWED.value: "The action is not allowed",
    ErrorCode.DATES_OUTSIDE_AUTHORIZATION.value: "The dates lie outside the OPT authorization",
    ErrorCode.NO_AUTHORIZATION.value: "There is no approved OPT authorization",
    ErrorCode.TRANSMISSION_INVALID.value: "The SEVIS transmission cannot be applied",
    WireCode.MALFORMED_REQUEST.value: "The request body is not JSON",
    WireCode.REQUEST_INVALID.value: "The request does not match the contract",
    WireCode.ROUTE_NOT_FOUND.value: "No such route",
    WireCode.METHOD_NOT_ALLOWED.value: "Method not allowed on this route",
    WireCode.NOT_IMPLEMENTED.value: "Not implemented by this portal",
    WireCode.INTERNAL_ERROR.value: "Internal error",
    WireCode.UNAUTHENTICATED.value: "The request lacks its channel's secret",
    WireCode.BODY_TOO_LARGE.value: "The request body is too large",
    WireCode.UNSUPPORTED_MEDIA_TYPE.value: "The request body must be application/json",
    WireCode.HOST_NOT_ALLOWED.value: "The Host or Origin is not this machine",
    WireCode.TOO_MANY_REQUESTS.value: "Too many requests",
}


# --- messages of the HTTP contract that are not domain types ----------------------------


@dataclass(frozen=True)
class RegistrationRequest:
    token: str
    sevis_id: str
    password: str


@dataclass(frozen=True)
class LoginRequest:
    email: str
    password: str


@dataclass(frozen=True)
class LoginResult:
    """The session id a client then sends as ``Authorization: Bearer <session>``."""

    session: str


@dataclass(frozen=True)
class PasswordResetRequest:
    email: str


@dataclass(frozen=True)
class PasswordResetCompletion:
    token: str
    new_password: str


@dataclass(frozen=True)
class TransmissionReceipt:
    """The answer to a transmission: the same whether it was applied now or before."""

    transmission_id: str


@dataclass(frozen=True)
class ClockSetting:
    now: datetime


@dataclass(frozen=True)
class SmtpEndpoint:
    host: str
    port: int


@dataclass(frozen=True)
class SimulatorEndpoints:
    """Where a portal is configured to send mail and student changes (None: not configured)."""

    smtp: SmtpEndpoint | None = None
    sevis_url: str | None = None


@dataclass(frozen=True)
class HarnessInfo:
    """``GET /_harness/info``: ``PortalInfo`` plus where the portal sends things."""

    implementation: str
    contract_version: str
    clock_control: bool
    capabilities: frozenset[str] = frozenset()
    simulators: SimulatorEndpoints = SimulatorEndpoints()
    #: Contract 1.2, optional: the portal's readings (docs/readings.md).
    readings: Readings | None = None

    @classmethod
    def from_portal_info(
        cls, info: PortalInfo, simulators: SimulatorEndpoints | None = None
    ) -> HarnessInfo:
        return cls(
            implementation=info.implementation,
            contract_version=info.contract_version,
            clock_control=info.clock_control,
            capabilities=frozenset(info.capabilities),
            simulators=simulators or SimulatorEndpoints(),
            readings=info.readings,
        )

    def portal_info(self) -> PortalInfo:
        return PortalInfo(
            implementation=self.implementation,
            contract_version=self.contract_version,
            clock_control=self.clock_control,
            capabilities=self.capabilities,
            readings=self.readings,
        )


# --- encoding -------------------------------------------------------------------------


def to_wire(obj: object) -> Any:
    """``obj`` as plain JSON values (dicts, lists, str, int, bool, None)."""
    return _encode(obj, "")


def _encode(obj: object, path: str) -> Any:
    if isinstance(obj, Enum):  # first: a str-valued enum is also a str
        return obj.value
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return obj
    if isinstance(obj, datetime):
        return format_datetime(obj, path)
    if isinstance(obj, date):
        return obj.isoformat()
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {
            f.name: _encode(getattr(obj, f.name), _join(path, f.name))
            for f in dataclasses.fields(obj)
        }
    if isinstance(obj, (frozenset, set)):
        items = [_encode(item, f"{path}[]") for item in obj]
        try:
            return sorted(items)
        except TypeError:
            return sorted(items, key=repr)
    if isinstance(obj, (list, tuple)):
        return [_encode(item, f"{path}[{i}]") for i, item in enumerate(obj)]
    if isinstance(obj, Mapping):
        return {str(k): _encode(v, _join(path, str(k))) for k, v in obj.items()}
    raise WireError(path, f"cannot encode a {type(obj).__name__}")


def format_datetime(moment: datetime, path: str = "") -> str:
    """RFC 3339 in UTC with a ``Z``: the one spelling the contract writes."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise WireError(path, "a date-time must be timezone-aware")
    return moment.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


# --- decoding -------------------------------------------------------------------------

# ASCII digits only, matched whole (fullmatch): \d and $ let other digits and a newline in.
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DATETIME = re.compile(
    r"([0-9]{4}-[0-9]{2}-[0-9]{2})[Tt]([0-9]{2}:[0-9]{2}:[0-9]{2})(?:\.([0-9]{1,9}))?"
    r"([Zz]|[+-][0-9]{2}:[0-9]{2})"
)


def from_wire(cls: type[T], data: object, *, ignore_unknown: bool = False, path: str = "") -> T:
    """Build a ``cls`` (a dataclass or a plain type) from JSON values; raises ``WireError``."""
    result: T = _decoder(cls)(data, path, ignore_unknown)
    return result


def from_wire_list(
    cls: type[T], data: object, *, ignore_unknown: bool = False, path: str = ""
) -> list[T]:
    """A JSON array of ``cls``."""
    result: list[T] = _decoder(list[cls])(data, path, ignore_unknown)  # type: ignore[valid-type]
    return result


def parse_datetime(text: object, path: str = "") -> datetime:
    """An RFC 3339 date-time with an offset, as an aware UTC ``datetime``."""
    if not isinstance(text, str):
        raise WireError(path, f"expected a date-time string, got {_json_kind(text)}")
    match = _DATETIME.fullmatch(text)
    if not match:
        raise WireError(path, f"expected an RFC 3339 date-time with an offset, got {text!r}")
    day, clock, fraction, offset = match.groups()
    fraction = ((fraction or "") + "000000")[:6]
    offset = "+00:00" if offset in ("Z", "z") else offset
    try:
        moment = datetime.fromisoformat(f"{day}T{clock}.{fraction}{offset}")
        return moment.astimezone(timezone.utc)
    except (ValueError, OverflowError):
        raise WireError(path, f"not a valid date-time: {text!r}") from None


def parse_date(text: object, path: str = "") -> date:
    if not isinstance(text, str):
        raise WireError(path, f"expected a date string, got {_json_kind(text)}")
    if not _DATE.fullmatch(text):
        raise WireError(path, f"expected a date as YYYY-MM-DD, got {text!r}")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise WireError(path, f"not a valid date: {text!r}") from None


_Decoder = Callable[[object, str, bool], Any]
_DECODERS: dict[object, _Decoder] = {}


def _decoder(tp: object) -> _Decoder:
    """The decoder of a type, built once per type from its hints."""
    found = _DECODERS.get(tp)
    if found is None:
        found = _build_decoder(tp)
        _DECODERS[tp] = found
    return found


def _build_decoder(tp: object) -> _Decoder:
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin is Union or origin is types.UnionType:
        members = [a for a in args if a is not type(None)]
        if len(members) != 1 or len(args) != 2:
            raise TypeError(f"the codec supports only X | None unions, not {tp!r}")
        inner = _decoder(members[0])

        def decode_optional(data: object, path: str, lax: bool) -> Any:
            return None if data is None else inner(data, path, lax)

        return decode_optional
    if origin in (tuple, list, frozenset):
        if origin is tuple and not (len(args) == 2 and args[1] is Ellipsis):
            raise TypeError(f"the codec supports only tuple[X, ...], not {tp!r}")
        item = _decoder(args[0])
        build: Callable[[list[Any]], Any] = origin

        def decode_sequence(data: object, path: str, lax: bool) -> Any:
            if not isinstance(data, list):
                raise WireError(path, f"expected an array, got {_json_kind(data)}")
            return build([item(value, f"{path}[{i}]", lax) for i, value in enumerate(data)])

        return decode_sequence
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return _dataclass_decoder(tp)
    if isinstance(tp, type) and issubclass(tp, Enum):
        return _enum_decoder(tp)
    if tp is datetime:
        return lambda data, path, lax: parse_datetime(data, path)
    if tp is date:
        return lambda data, path, lax: parse_date(data, path)
    if tp is bool:
        return _scalar(lambda v: isinstance(v, bool), "a boolean")
    if tp is int:
        return _scalar(lambda v: isinstance(v, int) and not isinstance(v, bool), "an integer")
    if tp is float:
        return _scalar(
            lambda v: isinstance(v, (int, float)) and not isinstance(v, bool), "a number"
        )
    if tp is str:
        return _decode_str
    if tp is object or tp is Any:
        return lambda data, path, lax: data
    raise TypeError(f"the codec cannot decode {tp!r}")


def _scalar(accepts: Callable[[object], bool], what: str) -> _Decoder:
    def decode_scalar(data: object, path: str, lax: bool) -> Any:
        if not accepts(data):
            raise WireError(path, f"expected {what}, got {_json_kind(data)}")
        return data

    return decode_scalar


def _decode_str(data: object, path: str, lax: bool) -> Any:
    if not isinstance(data, str):
        raise WireError(path, f"expected a string, got {_json_kind(data)}")
    try:
        data.encode("utf-8")
    except UnicodeEncodeError:
        # JSON can spell lone surrogates ("\ud800"); they cannot be stored, mailed or echoed.
        raise WireError(path, "the string is not valid Unicode (lone surrogate)") from None
    return data


def _enum_decoder(enum_cls: type[Enum]) -> _Decoder:
    by_value = {member.value: member for member in enum_cls}
    allowed = ", ".join(repr(v) for v in by_value)

    def decode_enum(data: object, path: str, lax: bool) -> Any:
        if isinstance(data, (str, int)) and not isinstance(data, bool) and data in by_value:
            return by_value[data]
        raise WireError(path, f"expected one of {allowed}, got {_show(data)}")

    return decode_enum


def _dataclass_decoder(cls: type) -> _Decoder:
    hints = typing.get_type_hints(cls)
    specs = []
    for f in dataclasses.fields(cls):
        if not f.init:
            continue
        required = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
        specs.append((f.name, required, _decoder(hints[f.name])))
    names = {name for name, _, _ in specs}

    def decode_dataclass(data: object, path: str, lax: bool) -> Any:
        if not isinstance(data, dict):
            raise WireError(path, f"expected an object, got {_json_kind(data)}")
        if not lax:
            for key in data:
                if key not in names:
                    raise WireError(_join(path, str(key)), "unknown field")
        values = {}
        for name, required, decode in specs:
            where = _join(path, name)
            if name in data:
                values[name] = decode(data[name], where, lax)
            elif required:
                raise WireError(where, "required field is missing")
        return cls(**values)

    return decode_dataclass


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _json_kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _show(value: object) -> str:
    text = repr(value) if isinstance(value, (str, int, float, bool)) else _json_kind(value)
    return text if len(text) <= 60 else text[:57] + "..."


# --- problems (RFC 9457) ----------------------------------------------------------------


def problem(
    status: int,
    code: str,
    detail: str = "",
    *,
    title: str | None = None,
    instance: str | None = None,
    **extensions: Any,
) -> dict[str, Any]:
    """An ``application/problem+json`` body with the contract's ``code`` extension member."""
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE_BASE + code,
        "title": title or PROBLEM_TITLES.get(code, "Error"),
        "status": status,
        "code": code,
    }
    if detail:
        body["detail"] = detail
    if instance:
        body["instance"] = instance
    body.update(extensions)
    return body


def portal_error_problem(error: PortalError, *, instance: str | None = None) -> dict[str, Any]:
    """A portal's refusal, with the status the contract gives its code."""
    return problem(HTTP_STATUS[error.code], error.code.value, error.detail, instance=instance)


def wire_problem(code: WireCode, detail: str = "", **extensions: Any) -> dict[str, Any]:
    return problem(WIRE_HTTP_STATUS[code], code.value, detail, **extensions)


def wire_error_problem(error: WireError) -> dict[str, Any]:
    """A request that does not match the schema; ``field`` names the member at fault."""
    return wire_problem(WireCode.REQUEST_INVALID, str(error), field=error.path or "body")


__all__ = [
    "CONTRACT_VERSION",
    "PROBLEM_MEDIA_TYPE",
    "PROBLEM_TITLES",
    "PROBLEM_TYPE_BASE",
    "WIRE_HTTP_STATUS",
    "ClockSetting",
    "HarnessInfo",
    "LoginRequest",
    "LoginResult",
    "PasswordResetCompletion",
    "PasswordResetRequest",
    "RegistrationRequest",
    "SimulatorEndpoints",
    "SmtpEndpoint",
    "TransmissionReceipt",
    "WireCode",
    "WireError",
    "format_datetime",
    "from_wire",
    "from_wire_list",
    "parse_date",
    "parse_datetime",
    "portal_error_problem",
    "problem",
    "to_wire",
    "wire_error_problem",
    "wire_problem",
]
