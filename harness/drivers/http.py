"""The portal driver over HTTP: the contract spoken with one keep-alive ``requests.Session``.

It returns the same typed views and raises the same ``PortalError`` as the in-memory
driver; a target that breaks the contract or the link raises ``TargetError`` instead,
never hangs, and every exchange is kept (secrets masked) as evidence.
"""

from __future__ import annotations

import contextlib
import json
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from functools import lru_cache
from types import TracebackType
from typing import Any, TypeVar
from urllib.parse import quote

import requests
import urllib3
from requests.adapters import HTTPAdapter

from harness.drivers.errors import TargetError, TargetFault, TransmissionNotDelivered
from harness.evidence import MASK, remember_secret
from simulators.common.contract import (
    HTTP_STATUS,
    AuthorizationView,
    ContactUpdate,
    EmployerEdit,
    EmployerInput,
    EmployerView,
    ErrorCode,
    HistoryEntry,
    PortalError,
    PortalInfo,
    StudentProfile,
    UnemploymentView,
)
from simulators.common.deadline import ConversationDeadline
from simulators.common.http_client import session_for
from simulators.common.launch import CONTROL_SECRET_HEADER, SEVIS_SECRET_HEADER, ChannelSecrets
from simulators.common.readings import ReadingsError, parse_readings
from simulators.common.seams import Transmission
from simulators.common.wire import (
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
    from_wire_list,
    to_wire,
)

T = TypeVar("T")

#: What the driver sends as ``Accept``: an answer or a problem.
ACCEPT = "application/json, application/problem+json"
#: Answers larger than this are a target fault, not something to buffer.
MAX_ANSWER_BYTES = 8 * 1024 * 1024
#: The deadline of a clock move (PUT /_harness/clock), which may send several notices; the
#: contract (1.2) states it. The per-exchange timeout applies when it is longer.
CLOCK_MOVE_TIMEOUT = 30.0
#: How much of each body an exchange keeps as evidence.
EVIDENCE_BODY_CHARS = 8192

_ERROR_CODES = {code.value: code for code in ErrorCode}
_WIRE_CODES = {code.value for code in WireCode}


@dataclass(frozen=True)
class Exchange:
    """One request and its answer, as evidence: secrets are already masked."""

    operation: str
    method: str
    url: str
    status: int | None  # None: no answer (refused, timed out)
    elapsed_ms: float
    request_body: str = ""
    response_body: str = ""
    authorization: str = ""  # "Bearer ****" when a session was sent
    error: str = ""  # what went wrong, when the driver raised TargetError

    def __str__(self) -> str:
        status = self.status if self.status is not None else "no answer"
        return f"{self.method} {self.url} -> {status} ({self.elapsed_ms:.1f} ms)"


class HttpPortal:
    """A ``PortalDriver`` (and ``PortalTransport``) for a portal served at ``base_url``.

    ``timeout`` bounds the whole exchange: connecting, the status line and headers, and
    the body. A watchdog cuts the connection at the deadline, so a target that trickles
    its headers a byte at a time fails within ``timeout`` (a read timeout alone bounds
    each read, not the answer). No call is retried: a repeated POST could double an effect.
    ``on_exchange`` hears every exchange as it is recorded (and again when a contract
    violation is found in its answer), e.g. to write it into a scenario's evidence.
    ``secrets`` go with SEVIS transmissions and control requests (contract 1.2, Security);
    they never enter the evidence.
    """

    def __init__(
        self,
        base_url: str,
        *,
        timeout: float = 5.0,
        session: requests.Session | None = None,
        on_exchange: Callable[[Exchange], None] | None = None,
        secrets: ChannelSecrets | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.secrets = secrets
        self.timeout = timeout
        self._http = session or session_for(self.base_url)
        self._owns_http = session is None
        _with_deadlines(self._http)
        self.exchanges: list[Exchange] = []
        self.on_exchange = on_exchange
        #: Answers that echoed a password the harness sent in the same request.
        self.echoed_passwords: list[str] = []

    def __repr__(self) -> str:
        return f"HttpPortal({self.base_url!r}, {len(self.exchanges)} exchanges)"

    def close(self) -> None:
        if self._owns_http:
            self._http.close()

    def without_credentials(self) -> HttpPortal:
        """The same portal spoken to as an outsider would: no channel secrets sent (the
        security scenarios check that such requests are refused)."""
        outsider = HttpPortal(
            self.base_url, timeout=self.timeout, session=self._http, on_exchange=self.on_exchange
        )
        outsider.exchanges = self.exchanges
        return outsider

    def __enter__(self) -> HttpPortal:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # --- SEVIS side -------------------------------------------------------------------
    def deliver(self, transmission: Transmission) -> None:
        answer = self._call(
            "deliver",
            "POST",
            "/sevis/transmissions",
            body=transmission,
            error_cls=TransmissionNotDelivered,
        )
        receipt = self._decode("deliver", TransmissionReceipt, answer)
        if receipt.transmission_id != transmission.transmission_id:
            raise self._violation(
                "deliver",
                f"the receipt names {receipt.transmission_id!r}, "
                f"not {transmission.transmission_id!r}",
                error_cls=TransmissionNotDelivered,
            )

    # --- a student, not logged in -----------------------------------------------------
    def register(self, token: str, sevis_id: str, password: str) -> None:
        self._call(
            "register",
            "POST",
            "/registrations",
            body=RegistrationRequest(token, sevis_id, password),
        )

    def login(self, email: str, password: str) -> str:
        answer = self._call("login", "POST", "/sessions", body=LoginRequest(email, password))
        session = self._decode("login", LoginResult, answer).session
        remember_secret(session)
        return session

    def request_password_reset(self, email: str) -> None:
        self._call(
            "request_password_reset", "POST", "/password-resets", body=PasswordResetRequest(email)
        )

    def complete_password_reset(self, token: str, new_password: str) -> None:
        self._call(
            "complete_password_reset",
            "POST",
            "/password-resets/completion",
            body=PasswordResetCompletion(token, new_password),
        )

    # --- a student, logged in -----------------------------------------------------------
    def attest(self, session: str) -> None:
        self._call("attest", "POST", "/me/attestation", session=session)

    def logout(self, session: str) -> None:
        self._call("logout", "DELETE", "/sessions/current", session=session)

    def profile(self, session: str) -> StudentProfile:
        answer = self._call("profile", "GET", "/me/profile", session=session)
        return self._decode("profile", StudentProfile, answer)

    def update_contact(self, session: str, update: ContactUpdate) -> StudentProfile:
        answer = self._call("update_contact", "PATCH", "/me/profile", session=session, body=update)
        return self._decode("update_contact", StudentProfile, answer)

    def authorizations(self, session: str) -> list[AuthorizationView]:
        answer = self._call("authorizations", "GET", "/me/authorizations", session=session)
        return self._decode_list("authorizations", AuthorizationView, answer)

    def unemployment(self, session: str) -> UnemploymentView:
        answer = self._call("unemployment", "GET", "/me/unemployment", session=session)
        return self._decode("unemployment", UnemploymentView, answer)

    def employers(self, session: str) -> list[EmployerView]:
        answer = self._call("employers", "GET", "/me/employers", session=session)
        return self._decode_list("employers", EmployerView, answer)

    def add_employer(self, session: str, employer: EmployerInput) -> EmployerView:
        answer = self._call("add_employer", "POST", "/me/employers", session=session, body=employer)
        return self._decode("add_employer", EmployerView, answer)

    def edit_employer(self, session: str, employer_id: str, edit: EmployerEdit) -> EmployerView:
        path = f"/me/employers/{quote(employer_id, safe='')}"
        answer = self._call("edit_employer", "PATCH", path, session=session, body=edit)
        return self._decode("edit_employer", EmployerView, answer)

    def delete_employer(
        self, session: str, employer_id: str, *, never_worked_confirmed: bool
    ) -> None:
        path = f"/me/employers/{quote(employer_id, safe='')}"
        flag = "true" if never_worked_confirmed else "false"
        self._call(
            "delete_employer",
            "DELETE",
            path,
            session=session,
            params={"never_worked_confirmed": flag},
        )

    def history(self, session: str) -> list[HistoryEntry]:
        answer = self._call("history", "GET", "/me/history", session=session)
        return self._decode_list("history", HistoryEntry, answer)

    # --- control ----------------------------------------------------------------------
    def info(self) -> PortalInfo:
        return self.harness_info().portal_info()

    def harness_info(self) -> HarnessInfo:
        """``info()`` plus where the target sends mail and student changes. Its readings are
        read strictly: an unknown or mistyped reading names its key, never passes unread."""
        answer = self._call("info", "GET", "/_harness/info")
        info = self._decode("info", HarnessInfo, answer)
        if info.readings is not None:
            try:
                readings = parse_readings(answer["readings"], where="GET /_harness/info")
            except ReadingsError as error:
                raise self._violation("info", str(error)) from None
            info = replace(info, readings=readings)
        return info

    def now(self) -> datetime:
        """The target's current time (an optional operation: a 501 is a TargetError)."""
        answer = self._call("now", "GET", "/_harness/clock")
        return self._decode("now", ClockSetting, answer).now

    def point_simulators(self, endpoints: SimulatorEndpoints) -> SimulatorEndpoints:
        """Where the target sends mail and student changes from now on (an optional
        operation of contract 1.1: a portal without it answers 404, 405 or 501)."""
        answer = self._call("point_simulators", "PUT", "/_harness/simulators", body=endpoints)
        return self._decode("point_simulators", SimulatorEndpoints, answer)

    def set_time(self, now: datetime) -> None:
        """A clock move may send several notices: it has its own deadline (contract 1.2)."""
        deadline = max(self.timeout, CLOCK_MOVE_TIMEOUT)
        self._call("set_time", "PUT", "/_harness/clock", body=ClockSetting(now), timeout=deadline)

    def reset(self) -> None:
        self._call("reset", "POST", "/_harness/reset")

    # --- probes of the security profile ------------------------------------------------
    def probe(
        self, method: str, path: str, body: bytes, headers: dict[str, str]
    ) -> tuple[int, str]:
        """One request exactly as given (no secret, no encoding), as a hostile client would
        send it: the answer's status and problem ``code`` ("" when it has none). Only a
        link failure raises (``TargetError``); a refusal is what the probe is for."""
        url = self.base_url + path
        started = time.monotonic()
        record = _Recorder(self, "probe", method, url, body[:EVIDENCE_BODY_CHARS], False)
        try:
            response = self._http.request(
                method,
                url,
                data=body,
                headers=headers,
                timeout=(self.timeout, self.timeout),
                stream=True,
                allow_redirects=False,
            )
            try:
                raw = self._read_bounded(response)
            finally:
                response.close()
        except (requests.RequestException, _ReadFailed) as exc:
            record.done(None, started, error=str(exc))
            raise TargetError(
                TargetFault.UNREACHABLE, "probe", method, mask_text(url), _describe(exc)
            ) from None
        record.response_bytes = raw
        record.done(response.status_code, started)
        problem = _problem_of(raw) or {}
        code = problem.get("code")
        return response.status_code, code if isinstance(code, str) else ""

    # --- the exchange -------------------------------------------------------------------
    def _call(
        self,
        operation: str,
        method: str,
        path: str,
        *,
        body: object = None,
        session: str | None = None,
        params: dict[str, str] | None = None,
        error_cls: type[TargetError] = TargetError,
        timeout: float | None = None,
    ) -> Any:
        """One exchange: the decoded JSON of a 2xx answer (None when it has no body)."""
        timeout = timeout or self.timeout
        url = self.base_url + path
        if params:
            url += "?" + "&".join(f"{k}={quote(v, safe='')}" for k, v in params.items())
        headers = {"Accept": ACCEPT}
        payload: bytes | None = None
        sent_passwords: list[str] = []
        if body is not None:
            wire = to_wire(body)
            _remember_secrets_of(wire)
            if isinstance(wire, dict):
                sent_passwords = [
                    v for k, v in wire.items() if "password" in k and isinstance(v, str) and v
                ]
            payload = json.dumps(wire, ensure_ascii=False).encode("utf-8")
            headers["Content-Type"] = "application/json"
        if session is not None and session != "":
            remember_secret(session)
            headers["Authorization"] = f"Bearer {session}"
        if self.secrets is not None:
            if path.startswith("/_harness/"):
                headers[CONTROL_SECRET_HEADER] = self.secrets.control
            elif path == "/sevis/transmissions":
                headers[SEVIS_SECRET_HEADER] = self.secrets.sevis
        started = time.monotonic()
        record = _Recorder(self, operation, method, url, payload, "Authorization" in headers)

        def fail(fault: TargetFault, reason: str, status: int | None = None) -> TargetError:
            record.done(status, started, error=f"{fault.value}: {reason}")
            return error_cls(fault, operation, method, mask_text(url), mask_text(reason), status)

        late = f"no complete answer within {timeout}s"
        with _bounded(timeout) as watch:
            try:
                response = self._http.request(
                    method,
                    url,
                    data=payload,
                    headers=headers,
                    timeout=(self.timeout, timeout),
                    stream=True,
                    allow_redirects=False,
                )
            except requests.Timeout:
                raise fail(TargetFault.TIMEOUT, late) from None
            except requests.RequestException as exc:
                if watch.cut:
                    raise fail(TargetFault.TIMEOUT, late) from None
                raise fail(*_classify(exc)) from None
            try:
                raw = self._read_bounded(response, timeout)
            except _ReadFailed as exc:
                if watch.cut:
                    raise fail(TargetFault.TIMEOUT, late, response.status_code) from None
                raise fail(exc.fault, exc.reason, response.status_code) from None
            finally:
                response.close()
            if watch.cut:  # the cut ended the headers or the body early: no answer
                raise fail(TargetFault.TIMEOUT, late, response.status_code)
        status = response.status_code
        record.response_bytes = raw
        if any(password.encode("utf-8") in raw for password in sent_passwords):
            self.echoed_passwords.append(f"the {operation} answer ({status})")
        media_type = response.headers.get("content-type", "").split(";")[0].strip().lower()

        if 200 <= status < 300:
            try:
                answer = json.loads(raw) if raw.strip() else None
            except (UnicodeDecodeError, json.JSONDecodeError):
                raise fail(
                    TargetFault.NOT_JSON,
                    f"a {status} answer that is not JSON ({media_type})",
                    status,
                ) from None
            record.done(status, started)
            return answer
        if 300 <= status < 400:
            where = response.headers.get("location", "?")
            raise fail(TargetFault.CONTRACT_VIOLATION, f"redirected ({status}) to {where}", status)
        problem = _problem_of(raw)
        if status >= 500:
            summary = f"{problem.get('code')}: {problem.get('detail', '')}" if problem else ""
            raise fail(TargetFault.SERVER_ERROR, f"answered {status} {summary}".strip(), status)
        if problem is None:
            raise fail(
                TargetFault.NOT_JSON,
                f"a {status} answer that is not a problem+json object ({media_type or 'no type'})",
                status,
            )
        code = problem.get("code")
        detail = str(problem.get("detail") or "")
        if isinstance(code, str) and code in _ERROR_CODES:
            error_code = _ERROR_CODES[code]
            if HTTP_STATUS[error_code] != status:
                raise fail(
                    TargetFault.CONTRACT_VIOLATION,
                    f"answered {status} with code {code}; the contract gives that code "
                    f"{HTTP_STATUS[error_code]}",
                    status,
                )
            record.done(status, started)
            raise PortalError(error_code, detail)
        if isinstance(code, str) and code in _WIRE_CODES:
            raise fail(
                TargetFault.CONTRACT_VIOLATION,
                f"refused a request the contract allows: {status} {code}: {detail}",
                status,
            )
        raise fail(
            TargetFault.CONTRACT_VIOLATION,
            f"a {status} problem with an unknown code {code!r}: {detail}",
            status,
        )

    def _read_bounded(self, response: requests.Response, timeout: float | None = None) -> bytes:
        """The whole body, or _ReadFailed: past the deadline, too large, or cut off.

        Reads what has arrived (``read1``) rather than fixed-size chunks, so a target
        that trickles a byte at a time still meets the deadline.
        """
        timeout = timeout or self.timeout
        deadline = time.monotonic() + timeout
        stream = response.raw
        read_some = getattr(stream, "read1", None)  # urllib3 2; 1.26 has only read()
        chunks: list[bytes] = []
        size = 0
        try:
            while True:
                if read_some is not None:
                    chunk = read_some(65536, decode_content=True)
                else:
                    chunk = stream.read(1024, decode_content=True)
                if not chunk:
                    break
                size += len(chunk)
                if size > MAX_ANSWER_BYTES:
                    raise _ReadFailed(TargetFault.TOO_LARGE, f"more than {MAX_ANSWER_BYTES} bytes")
                if time.monotonic() > deadline:
                    raise _ReadFailed(
                        TargetFault.TIMEOUT, f"the answer took more than {timeout}s to arrive"
                    )
                chunks.append(chunk)
        except (TimeoutError, urllib3.exceptions.TimeoutError):
            raise _ReadFailed(TargetFault.TIMEOUT, f"the answer stalled for {timeout}s") from None
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            raise _ReadFailed(TargetFault.UNREACHABLE, _describe(exc)) from None
        return b"".join(chunks)

    def _decode(self, operation: str, cls: type[T], answer: Any) -> T:
        try:
            return from_wire(cls, answer, ignore_unknown=True)
        except WireError as error:
            raise self._violation(
                operation, f"the answer does not match the contract: {error}"
            ) from None

    def _decode_list(self, operation: str, cls: type[T], answer: Any) -> list[T]:
        try:
            return from_wire_list(cls, answer, ignore_unknown=True)
        except WireError as error:
            raise self._violation(
                operation, f"the answer does not match the contract: {error}"
            ) from None

    def _violation(
        self, operation: str, reason: str, *, error_cls: type[TargetError] = TargetError
    ) -> TargetError:
        last = self.exchanges[-1] if self.exchanges else None
        method, url = (last.method, last.url) if last else ("?", self.base_url)
        if last is not None:
            self.exchanges[-1] = _with_error(last, f"contract-violation: {reason}")
            self._heard(self.exchanges[-1])
        return error_cls(TargetFault.CONTRACT_VIOLATION, operation, method, url, reason)

    def _heard(self, exchange: Exchange) -> None:
        if self.on_exchange is not None:
            self.on_exchange(exchange)


class _ReadFailed(Exception):
    def __init__(self, fault: TargetFault, reason: str) -> None:
        super().__init__(reason)
        self.fault = fault
        self.reason = reason


class _Recorder:
    """Builds the ``Exchange`` of one call, masking as it goes; appended exactly once."""

    def __init__(
        self,
        portal: HttpPortal,
        operation: str,
        method: str,
        url: str,
        payload: bytes | None,
        authorized: bool,
    ) -> None:
        self.portal = portal
        self.operation = operation
        self.method = method
        self.url = url
        self.payload = payload
        self.authorized = authorized
        self.response_bytes = b""
        self.recorded = False

    def done(self, status: int | None, started: float, *, error: str = "") -> None:
        if self.recorded:
            return
        self.recorded = True
        exchange = Exchange(
            operation=self.operation,
            method=self.method,
            url=mask_text(self.url),
            status=status,
            elapsed_ms=round((time.monotonic() - started) * 1000, 3),
            request_body=mask_body(self.payload or b""),
            response_body=mask_body(self.response_bytes),
            authorization=f"Bearer {MASK}" if self.authorized else "",
            error=error,
        )
        self.portal.exchanges.append(exchange)
        self.portal._heard(exchange)


def _with_error(exchange: Exchange, error: str) -> Exchange:
    return replace(exchange, error=error)


def _problem_of(raw: bytes) -> dict[str, Any] | None:
    try:
        parsed = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
    return parsed if isinstance(parsed, dict) else None


def _classify(exc: BaseException) -> tuple[TargetFault, str]:
    """An exchange that got no usable answer: what the target did, in its words."""
    text = str(exc)
    if "got more than" in text and "headers" in text:
        return TargetFault.CONTRACT_VIOLATION, "answered with more than 100 header lines"
    if "without response" in text or "RemoteDisconnected" in text:
        return TargetFault.UNREACHABLE, "closed the connection without an answer"
    return TargetFault.UNREACHABLE, _describe(exc)


def _describe(exc: BaseException) -> str:
    """The innermost reason of a requests failure, without the noise of its wrappers."""
    text = str(exc)
    for marker in ("Connection refused", "Connection reset", "Name or service not known"):
        if marker in text:
            return marker.lower()
    return f"{type(exc).__name__}: {text}"[:300]


# --- deadlines ----------------------------------------------------------------------------

_CURRENT = threading.local()  # the exchange in flight on this thread


class _InFlight:
    """The connection one exchange uses, told by the adapter when the pool hands it out."""

    connection: Any = None

    def socket(self) -> socket.socket | None:
        return getattr(self.connection, "sock", None)


@contextlib.contextmanager
def _bounded(seconds: float) -> Iterator[ConversationDeadline]:
    """The exchange's total deadline: its connection is shut down when it runs out."""
    in_flight = _CURRENT.exchange = _InFlight()
    try:
        with ConversationDeadline(seconds, in_flight.socket) as deadline:
            yield deadline
    finally:
        _CURRENT.exchange = None


class _DeadlineAdapter(HTTPAdapter):
    """Tells the exchange in flight which connection it uses, for its deadline."""

    def get_connection_with_tls_context(self, *args: Any, **kwargs: Any) -> Any:
        return _tracked(super().get_connection_with_tls_context(*args, **kwargs))

    def get_connection(self, *args: Any, **kwargs: Any) -> Any:  # requests < 2.32.2
        return _tracked(super().get_connection(*args, **kwargs))


def _tracked(pool: Any) -> Any:
    if getattr(pool, "_harness_deadlines", False):
        return pool
    take = pool._get_conn

    def get_conn(timeout: float | None = None) -> Any:
        connection = take(timeout)
        in_flight = getattr(_CURRENT, "exchange", None)
        if in_flight is not None:
            in_flight.connection = connection
        return connection

    pool._get_conn = get_conn
    pool._harness_deadlines = True
    return pool


def _with_deadlines(session: requests.Session) -> None:
    if not isinstance(session.get_adapter("http://"), _DeadlineAdapter):
        session.mount("http://", _DeadlineAdapter())
        session.mount("https://", _DeadlineAdapter())


# --- masking ------------------------------------------------------------------------------
# By shape, as an exchange is recorded: secret members, link tokens, Bearer values, even
# ones the harness never saw. harness/evidence.py masks by value, as evidence is read,
# every secret the harness knows (wherever a portal echoes it). Both write ``MASK``.

_SECRET_PARTS = ("password", "token", "secret", "session", "authorization", "cookie")
_SECRET_KEYS = frozenset({"link", "reset_link", "registration_link"})
_LINK_TOKEN = re.compile(r"(?i)([?&;](?:token|session|code)=)[^&#\s\"'<>]+")
_BEARER = re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._~+/=\-]+")
_JSON_SECRET = re.compile(
    r"(?i)(\"[a-z_\-]*(?:password|token|secret|session)[a-z_\-]*\"\s*:\s*)\"(?:[^\"\\]|\\.)*\""
)


def _remember_secrets_of(value: Any) -> None:
    """The passwords, tokens and sessions the harness sends: masked wherever they appear."""
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, str) and is_secret_key(str(key)):
                remember_secret(item)
            else:
                _remember_secrets_of(item)
    elif isinstance(value, list):
        for item in value:
            _remember_secrets_of(item)


@lru_cache(maxsize=1024)  # a contract has few keys, asked about at every exchange
def is_secret_key(key: str) -> bool:
    """Keys whose values are never recorded: passwords, tokens, sessions, links."""
    name = key.lower().replace("-", "_")
    return name in _SECRET_KEYS or any(part in name for part in _SECRET_PARTS)


def mask_value(value: Any) -> Any:
    """``value`` (decoded JSON) with secret members and link tokens replaced by ``MASK``."""
    if isinstance(value, dict):
        return {
            key: (MASK if is_secret_key(str(key)) and item not in (None, "") else mask_value(item))
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [mask_value(item) for item in value]
    if isinstance(value, str):
        return mask_text(value)
    return value


def mask_text(text: str) -> str:
    """Free text (a URL, an HTML page) with link tokens, Bearer values and JSON secrets masked."""
    if "=" not in text and '"' not in text and "earer" not in text.lower():
        return text  # nothing any pattern could match: most values of an answer
    text = _LINK_TOKEN.sub(rf"\1{MASK}", text)
    text = _BEARER.sub(rf"\1{MASK}", text)
    return _JSON_SECRET.sub(rf'\1"{MASK}"', text)


def mask_body(raw: bytes) -> str:
    """A body as evidence: masked, and cut to ``EVIDENCE_BODY_CHARS``."""
    if not raw:
        return ""
    text = raw.decode("utf-8", errors="replace")
    if "\\u" in text or "=" in text or _MAY_HOLD_A_SECRET.search(text):
        masked = _mask_structured(text)
    else:
        masked = text  # no secret key, link parameter or bearer value can be in it
    if len(masked) > EVIDENCE_BODY_CHARS:
        return masked[:EVIDENCE_BODY_CHARS] + f"... ({len(masked)} characters)"
    return masked


#: A body has something to mask only if it has a secret key (as a JSON key, quoted and
#: followed by a colon, also inside a JSON string), a "=" (a link's token), a Bearer
#: value or a JSON \u escape (which could spell any of these). A problem document that
#: speaks of sessions in its values has none: it is kept as it came, without a parse.
_MAY_HOLD_A_SECRET = re.compile(
    r'(?i)bearer|"[^"]*(?:' + "|".join((*_SECRET_PARTS, *_SECRET_KEYS)) + r')[^"]*"\s*:'
)


def _mask_structured(text: str) -> str:
    try:
        return json.dumps(mask_value(json.loads(text)), ensure_ascii=False)
    except (json.JSONDecodeError, RecursionError):
        return mask_text(text)


__all__ = [
    "Exchange",
    "HttpPortal",
    "TargetError",
    "TargetFault",
    "TransmissionNotDelivered",
    "is_secret_key",
    "mask_body",
    "mask_text",
    "mask_value",
]
