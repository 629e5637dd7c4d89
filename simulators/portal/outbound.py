"""The portal's outbound wiring on the wire: every student change POSTed to the SEVIS
simulator's ``/portal/student-changes`` within a total deadline, and
``OutboundWiring``, which re-points mail and student changes (PUT /_harness/simulators)."""

from __future__ import annotations

import http.client
import json
from urllib.parse import urlsplit

from simulators.common.contract import ErrorCode, PortalError
from simulators.common.deadline import ConversationDeadline
from simulators.common.domain import SECURITY_LIMITS
from simulators.common.launch import SEVIS_SECRET_HEADER
from simulators.common.loopback import is_loopback
from simulators.common.seams import StudentChange
from simulators.common.wire import SimulatorEndpoints, SmtpEndpoint, to_wire
from simulators.mail.smtp import SmtpMailer

#: The path under ``sevis_url`` where SEVIS takes student changes (the contract's webhook).
STUDENT_CHANGES_PATH = "/portal/student-changes"


class StudentChangeNotAccepted(Exception):
    """SEVIS refused the change (a 4xx problem) or could not be reached in time.

    ``code`` is the problem's ``code`` when SEVIS answered with one, else "" (no answer,
    a 5xx, or an answer that is not a problem).
    """

    def __init__(self, reason: str, *, code: str = "", status: int | None = None) -> None:
        super().__init__(reason)
        self.code = code
        self.status = status


class HttpStudentChangeSink:
    """A ``StudentChangeSink`` that POSTs each change to ``{sevis_url}/portal/student-changes``.

    Each carries the SEVIS channel's ``secret`` (when given), which SEVIS checks. A 2xx
    means SEVIS applied it; anything else raises ``StudentChangeNotAccepted``, which
    the portal turns into "nothing was saved". No call is retried: the portal tells the
    student instead, and SEVIS applies a ``change_id`` once anyway.

    ``timeout`` bounds each read; ``deadline`` the whole conversation (connect, send,
    status line, headers and body), so a SEVIS that trickles its answer a byte at a time
    is cut off too (``SecurityLimits.peer_deadline_seconds`` unless given). One connection
    per change: changes are rare, and calls from several requests may overlap.
    """

    def __init__(
        self,
        sevis_url: str,
        timeout: float = 5.0,
        *,
        secret: str | None = None,
        deadline: float | None = None,
    ) -> None:
        self._headers = {"Content-Type": "application/json", "Accept": "application/problem+json"}
        if secret is not None:
            self._headers[SEVIS_SECRET_HEADER] = secret
        self.timeout = timeout
        self.deadline = deadline if deadline is not None else SECURITY_LIMITS.peer_deadline_seconds
        self.point_to(sevis_url)

    def point_to(self, sevis_url: str) -> None:
        """Send from now on to ``sevis_url``."""
        self.sevis_url = sevis_url.rstrip("/")
        self.url = self.sevis_url + STUDENT_CHANGES_PATH

    def __repr__(self) -> str:
        return f"HttpStudentChangeSink({self.url!r}, timeout={self.timeout})"

    def close(self) -> None:
        """Nothing is kept open between changes; here for the callers that close sinks."""

    def receive_student_change(self, change: StudentChange) -> None:
        body = json.dumps(to_wire(change), ensure_ascii=False).encode("utf-8")
        parts = urlsplit(self.url)
        connection_class = (
            http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
        )
        connection = connection_class(parts.hostname or "", parts.port, timeout=self.timeout)
        deadline = ConversationDeadline(self.deadline, lambda: connection.sock)
        try:
            with deadline:
                connection.request("POST", parts.path, body=body, headers=self._headers)
                answer = connection.getresponse()
                status, text = answer.status, answer.read(SECURITY_LIMITS.max_body_bytes)
        except (OSError, http.client.HTTPException) as error:
            if deadline.cut:
                raise StudentChangeNotAccepted(
                    f"the conversation with SEVIS took more than {self.deadline}s"
                ) from None
            if isinstance(error, TimeoutError):
                raise StudentChangeNotAccepted(
                    f"SEVIS did not answer within {self.timeout}s"
                ) from None
            raise StudentChangeNotAccepted(
                f"SEVIS could not be reached at {self.url}: {type(error).__name__}"
            ) from None
        finally:
            connection.close()
        if 200 <= status < 300:
            return
        code, detail = _problem_of(text)
        raise StudentChangeNotAccepted(
            f"SEVIS answered {status} {code}: {detail}".strip(), code=code, status=status
        )


class OutboundWiring:
    """Where the served reference sends mail and student changes, changeable while it runs.

    The harness re-points a running portal at its own simulators for one session and
    back afterwards (PUT /_harness/simulators). Only loopback endpoints are accepted: the
    reference is a test double and must never relay mail or changes off the machine.
    """

    def __init__(self, mailer: SmtpMailer, sink: HttpStudentChangeSink) -> None:
        self.mailer = mailer
        self.sink = sink

    def __repr__(self) -> str:
        return f"OutboundWiring({self.mailer!r}, {self.sink!r})"

    @property
    def endpoints(self) -> SimulatorEndpoints:
        return SimulatorEndpoints(
            SmtpEndpoint(self.mailer.host, self.mailer.port), self.sink.sevis_url
        )

    def repoint(self, endpoints: SimulatorEndpoints) -> SimulatorEndpoints:
        """Send mail and student changes to ``endpoints`` from the next message on; a
        refusal (``validation-failed``) changes nothing."""
        problems = endpoint_problems(endpoints)
        if problems:
            raise PortalError(ErrorCode.VALIDATION_FAILED, "; ".join(problems))
        assert endpoints.smtp is not None and endpoints.sevis_url is not None  # checked
        self.mailer.host, self.mailer.port = endpoints.smtp.host, endpoints.smtp.port
        self.sink.point_to(endpoints.sevis_url)
        return self.endpoints


def endpoint_problems(endpoints: SimulatorEndpoints) -> list[str]:
    """Why the reference would not send to ``endpoints`` (empty: it would)."""
    problems = []
    if endpoints.smtp is None:
        problems.append("smtp is required")
    else:
        problems.extend(smtp_problems(endpoints.smtp))
    if endpoints.sevis_url is None:
        problems.append("sevis_url is required")
    else:
        problems.extend(sevis_url_problems(endpoints.sevis_url))
    return problems


def smtp_problems(smtp: SmtpEndpoint) -> list[str]:
    """Why the reference would not send mail to ``smtp`` (a loopback host and a port)."""
    problems = []
    if not is_loopback(smtp.host):
        problems.append(f"smtp.host must be a loopback address, not {smtp.host!r}")
    if not 1 <= smtp.port <= 65535:
        problems.append(f"smtp.port must be 1-65535, not {smtp.port}")
    return problems


def sevis_url_problems(sevis_url: str) -> list[str]:
    """Why the reference would not post student changes to ``sevis_url`` (an http(s) base
    URL on a loopback host)."""
    try:
        parts = urlsplit(sevis_url)
        port = parts.port
    except ValueError:
        parts, port = None, None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        return [f"sevis_url must be an http:// URL, not {sevis_url!r}"]
    if not is_loopback(parts.hostname):
        return [f"sevis_url must name a loopback host, not {parts.hostname!r}"]
    if port == 0 or parts.query or parts.fragment:
        return [f"sevis_url must be a base URL with a port, not {sevis_url!r}"]
    return []


def _problem_of(text: bytes) -> tuple[str, str]:
    try:
        body = json.loads(text)
    except ValueError:
        return "", text[:200].decode("utf-8", errors="replace")
    if not isinstance(body, dict):
        return "", ""
    return str(body.get("code") or ""), str(body.get("detail") or "")


__all__ = [
    "STUDENT_CHANGES_PATH",
    "HttpStudentChangeSink",
    "OutboundWiring",
    "StudentChangeNotAccepted",
    "endpoint_problems",
    "sevis_url_problems",
    "smtp_problems",
]
