"""Tiny portals for the target tests: the reference served in a thread, wired to free ports
where the harness's simulators will listen, optionally misbehaving on one route; and a
runner for a throwaway suite project (pytester) that attaches to them."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

import pytest

from harness.drivers.memory import HARNESS_OPTIONS
from harness.suite import FEATURES_DIR
from harness.targets import free_loopback_port
from simulators.common.seams import Mailer
from simulators.common.serving import ServedApp, serve_in_thread
from simulators.common.wire import SimulatorEndpoints, SmtpEndpoint
from simulators.mail import SmtpMailer
from simulators.portal.app import create_app
from simulators.portal.outbound import HttpStudentChangeSink
from simulators.portal.server import RestartableClock, ServedReferencePortal

#: One short scenario that logs in, adds an employer and reads the list: every seam once.
ONE_SCENARIO = ("-m", "faq-2", "-k", "without_the_neverworked")

CONFTEST = 'pytest_plugins = ["harness.plugin"]\n'
SUITE = f"from pytest_bdd import scenarios\n\nscenarios({str(FEATURES_DIR)!r})\n"


Asgi = Callable[..., Any]


@dataclass
class Portal:
    url: str
    endpoints: SimulatorEndpoints
    served: ServedApp


class Misbehave:
    """ASGI wrapper: ``method path`` answers ``how`` (500, html, hang, not-json-info)
    instead of the reference; every other route is the reference's."""

    def __init__(self, app: Asgi, method: str, path: str, how: str) -> None:
        self.app, self.method, self.path, self.how = app, method, path, how

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        hit = scope["type"] == "http" and scope["method"] == self.method
        if not (hit and scope["path"].startswith(self.path)):
            await self.app(scope, receive, send)
            return
        if self.how == "hang":
            await asyncio.sleep(10)
            return
        if self.how == "echo-password":
            await self._echo_password(receive, send)
            return
        if self.how == "echo-password-on-refusal":
            await self._echo_password_on_refusal(scope, receive, send)
            return
        status, media, body = {
            "500": (500, "text/plain", b"Internal Server Error"),
            "html": (200, "text/html", b"<html><body>Welcome to our portal</body></html>"),
        }[self.how]
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [(b"content-type", media.encode())],
            }
        )
        await send({"type": "http.response.body", "body": body})

    async def _echo_password_on_refusal(self, scope: Any, receive: Any, send: Any) -> None:
        """The reference's answer, except that a refusal's detail echoes the password."""
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        sent = [{"type": "http.request", "body": body, "more_body": False}]

        async def replay() -> Any:
            return sent.pop() if sent else {"type": "http.disconnect"}

        answer: list[dict[str, Any]] = []

        async def keep(message: dict[str, Any]) -> None:
            answer.append(message)

        await self.app(scope, replay, keep)
        if answer[0]["status"] < 400:
            for message in answer:
                await send(message)
            return
        password = json.loads(body or b"{}").get("password", "")
        problem = json.loads(b"".join(m.get("body", b"") for m in answer[1:]))
        problem["detail"] = f"the email or password {password} is wrong"
        payload = json.dumps(problem).encode()
        headers = [(b"content-type", b"application/problem+json")]
        await send(
            {"type": "http.response.start", "status": answer[0]["status"], "headers": headers}
        )
        await send({"type": "http.response.body", "body": payload})

    @staticmethod
    async def _echo_password(receive: Any, send: Any) -> None:
        """A refusal whose detail echoes the password typed, in red (terminal escapes)."""
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        password = json.loads(body or b"{}").get("password", "")
        detail = f"\x1b[31mthe email or password {password} is wrong\x1b[0m\x1b]0;pwned\x07"
        problem = {"type": "about:blank", "code": "invalid-credentials", "detail": detail}
        await send(
            {
                "type": "http.response.start",
                "status": 401,
                "headers": [(b"content-type", b"application/problem+json")],
            }
        )
        await send({"type": "http.response.body", "body": json.dumps(problem).encode()})


class DroppingMailer:
    """A portal that never sends its email (says it did)."""

    def send(self, message: EmailMessage) -> None:
        return None


class StallingMailer:
    """A portal whose SMTP conversation stalls after DATA: connected, never finished."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.open: list[socket.socket] = []

    def send(self, message: EmailMessage) -> None:
        connection = socket.create_connection((self.host, self.port), timeout=2)
        self.open.append(connection)
        recipient = str(message["To"])
        connection.sendall(
            b"EHLO portal\r\nMAIL FROM:<portal@example.gov>\r\n"
            + f"RCPT TO:<{recipient}>\r\n".encode()
            + b"DATA\r\nSubject: half a message\r\n"
        )

    def close(self) -> None:
        for connection in self.open:
            connection.close()


@pytest.fixture
def serve_portal() -> Iterator[Callable[..., Portal]]:
    """Serve the reference (cheap hashing) told to send to free ports where the harness's
    simulators are expected; ``misbehave=(method, path, how)`` and ``mailer`` break it."""
    started: list[ServedApp] = []
    mailers: list[StallingMailer] = []

    def serve(
        *,
        misbehave: tuple[str, str, str] | None = None,
        mailer: str = "smtp",
        clock_control: bool = True,
        info_override: dict[str, Any] | None = None,
    ) -> Portal:
        smtp = SmtpEndpoint("127.0.0.1", free_loopback_port())
        sevis_url = f"http://127.0.0.1:{free_loopback_port()}"
        endpoints = SimulatorEndpoints(smtp, sevis_url)
        chosen: Mailer
        if mailer == "drop":
            chosen = DroppingMailer()
        elif mailer == "stall":
            stalling = StallingMailer(smtp.host, smtp.port)
            mailers.append(stalling)
            chosen = stalling
        else:
            chosen = SmtpMailer(smtp.host, smtp.port, timeout=2)
        clock = RestartableClock()
        service = ServedReferencePortal(
            clock, chosen, HttpStudentChangeSink(sevis_url, timeout=2), options=HARNESS_OPTIONS
        )
        if not clock_control:
            service.info = _without_clock_control(service.info)  # type: ignore[method-assign]
        app: Asgi = create_app(service, clock=clock, simulators=endpoints, secrets=None)
        if info_override is not None:
            app = _InfoOverride(app, info_override)
        if misbehave is not None:
            app = Misbehave(app, *misbehave)
        served = serve_in_thread(app)
        started.append(served)
        return Portal(served.url, endpoints, served)

    yield serve
    for mailer_ in mailers:
        mailer_.close()
    for served in started:
        served.stop(timeout=3)


def _without_clock_control(info: Callable[[], Any]) -> Callable[[], Any]:
    def reduced() -> Any:
        from dataclasses import replace

        return replace(info(), clock_control=False)

    return reduced


class _InfoOverride:
    """``GET /_harness/info`` answered with the reference's info changed by ``changes``."""

    def __init__(self, app: Asgi, changes: dict[str, Any]) -> None:
        self.app, self.changes = app, changes

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["path"] != "/_harness/info":
            await self.app(scope, receive, send)
            return
        chunks: list[dict[str, Any]] = []

        async def keep(message: dict[str, Any]) -> None:
            chunks.append(message)

        await self.app(scope, receive, keep)
        body = json.loads(b"".join(m.get("body", b"") for m in chunks[1:]))
        payload = json.dumps(body | self.changes).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"application/json")],
            }
        )
        await send({"type": "http.response.body", "body": payload})


@dataclass
class SuiteRun:
    result: pytest.RunResult
    results: list[dict[str, Any]]

    def scenario(self) -> dict[str, Any]:
        assert len(self.results) == 1, [r["id"] for r in self.results]
        return self.results[0]


@pytest.fixture
def run_suite(pytester: pytest.Pytester) -> Callable[..., SuiteRun]:
    """Run the conformance suite in a throwaway project (in process) with ``args``."""

    def run(*args: str) -> SuiteRun:
        pytester.makeconftest(CONFTEST)
        pytester.makepyfile(test_suite=SUITE)
        reports = pytester.path / "reports"
        result = pytester.runpytest_inprocess(
            "-p", "no:cacheprovider", "-q", "--harness-report-dir", str(reports), *args
        )
        found = reports / "report.json"
        results = json.loads(found.read_text())["scenarios"] if found.exists() else []
        return SuiteRun(result, results)

    return run
