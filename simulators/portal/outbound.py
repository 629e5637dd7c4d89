"""The portal -> SEVIS seam on the wire: every student change POSTed to the SEVIS
simulator's ``/portal/student-changes``, on one keep-alive session with a timeout."""

from __future__ import annotations

import json

import requests

from simulators.common.seams import StudentChange
from simulators.common.wire import to_wire

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

    A 2xx means SEVIS applied it; anything else raises ``StudentChangeNotAccepted``, which
    the portal turns into "nothing was saved". No call is retried: the portal tells the
    student instead, and SEVIS applies a ``change_id`` once anyway.
    """

    def __init__(self, sevis_url: str, timeout: float = 5.0) -> None:
        self.url = sevis_url.rstrip("/") + STUDENT_CHANGES_PATH
        self.timeout = timeout
        self._http = requests.Session()

    def __repr__(self) -> str:
        return f"HttpStudentChangeSink({self.url!r}, timeout={self.timeout})"

    def close(self) -> None:
        self._http.close()

    def receive_student_change(self, change: StudentChange) -> None:
        body = json.dumps(to_wire(change), ensure_ascii=False).encode("utf-8")
        try:
            answer = self._http.post(
                self.url,
                data=body,
                headers={"Content-Type": "application/json", "Accept": "application/problem+json"},
                timeout=(self.timeout, self.timeout),
                allow_redirects=False,
            )
        except requests.Timeout:
            raise StudentChangeNotAccepted(f"SEVIS did not answer within {self.timeout}s") from None
        except requests.RequestException as error:
            raise StudentChangeNotAccepted(
                f"SEVIS could not be reached at {self.url}: {type(error).__name__}"
            ) from None
        if 200 <= answer.status_code < 300:
            return
        code, detail = _problem_of(answer)
        raise StudentChangeNotAccepted(
            f"SEVIS answered {answer.status_code} {code}: {detail}".strip(),
            code=code,
            status=answer.status_code,
        )


def _problem_of(answer: requests.Response) -> tuple[str, str]:
    try:
        body = answer.json()
    except ValueError:
        return "", answer.text[:200]
    if not isinstance(body, dict):
        return "", ""
    return str(body.get("code") or ""), str(body.get("detail") or "")


__all__ = ["STUDENT_CHANGES_PATH", "HttpStudentChangeSink", "StudentChangeNotAccepted"]
