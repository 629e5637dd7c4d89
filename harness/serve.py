"""``portal-harness serve``: the reference portal with the SEVIS and mail simulators on
loopback, in one process, for exploring by hand. Runs until Ctrl-C or SIGTERM.

Wiring, as in a run over the wire: SEVIS transmits to the portal over HTTP, the portal
mails the SMTP simulator and POSTs student changes to SEVIS; all three read one clock
(the portal's, which ``PUT /_harness/clock`` moves). A suite attached to the portal
re-points it at the harness's own simulators for the run and back afterwards.
"""

from __future__ import annotations

import errno
import signal
import sys
import threading
from dataclasses import dataclass
from types import FrameType
from typing import TextIO

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from harness.contract import OPENAPI_PATH, load_contract
from harness.contract.page import render_contract_page
from harness.drivers.http import HttpPortal
from simulators.common.adapter import LoopbackHostOnly, http_exception_problem
from simulators.common.domain import PortalSettings
from simulators.common.launch import (
    CONTROL_SECRET_HEADER,
    ENV_CONTROL_SECRET,
    ENV_SEVIS_SECRET,
    SEVIS_SECRET_HEADER,
    ChannelSecrets,
)
from simulators.common.loopback import LOOPBACK
from simulators.common.serving import ServedApp, serve_in_thread
from simulators.common.wire import SmtpEndpoint
from simulators.mail import MailStore, SmtpServer
from simulators.mail.app import create_app as mail_viewer_app
from simulators.portal.server import RestartableClock, reference_app
from simulators.sevis import SevisService
from simulators.sevis.app import create_app as sevis_app

#: Where the portal listens unless told otherwise (the contract's example server).
DEFAULT_PORT = 8000
#: Exit status of a port in use or a bad argument (as argparse uses for usage errors).
USAGE_EXIT = 2
#: Bounds, in seconds: each server's stop, and each HTTP exchange between the three.
STOP_TIMEOUT = 2.0
HTTP_TIMEOUT = 5.0


class PortInUse(Exception):
    """The portal's port is taken; nothing was left running."""


@dataclass(frozen=True)
class ServedEndpoints:
    """Where each part listens."""

    portal_url: str
    smtp: SmtpEndpoint
    sevis_url: str
    mail_viewer_url: str
    secrets: ChannelSecrets
    contract_url: str = ""

    def describe(self) -> str:
        """Everything a hand-driven session needs, the secrets of this session included
        (fresh on every start; they open only these loopback servers)."""
        return "\n".join(
            [
                "SEVP reference portal with its simulators, on loopback:",
                f"  portal       {self.portal_url}",
                f"  SMTP         {self.smtp.host}:{self.smtp.port}  (the mail simulator)",
                f"  SEVIS        {self.sevis_url}",
                f"  mail viewer  {self.mail_viewer_url}/messages",
                f"  contract     {self.contract_url}/  (readable; the OpenAPI file: "
                f"{self.contract_url}/openapi.yaml)",
                "Secrets of this session (send them as headers):",
                f"  the control API's     {CONTROL_SECRET_HEADER}: {self.secrets.control}",
                f"  the SEVIS channel's   {SEVIS_SECRET_HEADER}: {self.secrets.sevis}",
                f"  e.g. curl -H '{CONTROL_SECRET_HEADER}: {self.secrets.control}' "
                f"{self.portal_url}/_harness/info",
                "Run the suite against it:",
                f"  {ENV_SEVIS_SECRET}={self.secrets.sevis} "
                f"{ENV_CONTROL_SECRET}={self.secrets.control} \\",
                f"  portal-harness run --target {self.portal_url}",
                "Stop with Ctrl-C.",
            ]
        )


class Exploration:
    """The reference portal, SEVIS (with its read and action endpoints), the SMTP
    simulator and the mail viewer, started together and stopped together (bounded)."""

    def __init__(
        self,
        *,
        port: int = DEFAULT_PORT,
        http_timeout: float = HTTP_TIMEOUT,
        settings: PortalSettings | None = None,
    ) -> None:
        self.port = port
        self.clock = RestartableClock()
        #: One settings object: the portal and SEVIS read the same readings.
        self.settings = settings or PortalSettings()
        self.mail = MailStore(self.clock, accept_any_address=True)
        self.sevis = SevisService(self.clock, readings=self.settings.readings)
        self.secrets = ChannelSecrets.generate()
        self._http_timeout = http_timeout
        self._smtp = SmtpServer(self.mail, stop_timeout=STOP_TIMEOUT)
        self._served: list[ServedApp] = []  # started order; stopped in reverse
        self._transport: HttpPortal | None = None
        self.endpoints: ServedEndpoints | None = None

    def __repr__(self) -> str:
        return f"Exploration({self.endpoints})"

    def start(self) -> ServedEndpoints:
        """Start everything; ``PortInUse`` when the portal's port is taken."""
        try:
            self._smtp.start()
            sevis = self._serve(sevis_app(self.sevis, channel_secret=self.secrets.sevis), 0)
            viewer = self._serve(mail_viewer_app(self.mail), 0)
            contract = self._serve(contract_app(), 0)
            smtp = SmtpEndpoint(LOOPBACK, self._smtp.port)
            portal_app = reference_app(
                smtp,
                sevis.url,
                secrets=self.secrets,
                clock=self.clock,
                portal_settings=self.settings,
                timeout=self._http_timeout,
            )
            try:
                portal = self._serve(portal_app, self.port)
            except OSError as error:
                if error.errno == errno.EADDRINUSE:
                    raise PortInUse(f"port {self.port} on {LOOPBACK} is already in use") from None
                raise
        except BaseException:
            self.stop()
            raise
        self._transport = HttpPortal(portal.url, timeout=self._http_timeout, secrets=self.secrets)
        self.sevis.connect(self._transport)
        self.endpoints = ServedEndpoints(
            portal.url, smtp, sevis.url, viewer.url, self.secrets, contract.url
        )
        return self.endpoints

    def _serve(self, app: object, port: int) -> ServedApp:
        served = serve_in_thread(app, host=LOOPBACK, port=port)
        self._served.append(served)
        return served

    def stop(self) -> None:
        """Stop every server, the portal first; returns within a few ``STOP_TIMEOUT``s."""
        for served in reversed(self._served):
            served.stop(timeout=STOP_TIMEOUT)
        self._served.clear()
        self._smtp.stop()
        if self._transport is not None:
            self._transport.close()
            self._transport = None

    def __enter__(self) -> Exploration:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def contract_app() -> Starlette:
    """The contract over HTTP: ``/`` a page to read (offline: no script, nothing fetched),
    ``/openapi.yaml`` the document itself, ``/openapi.json`` the same as JSON."""
    page = render_contract_page(load_contract())

    async def readable(request: Request) -> Response:
        return HTMLResponse(page)

    async def as_yaml(request: Request) -> Response:
        return Response(OPENAPI_PATH.read_bytes(), media_type="application/yaml")

    async def as_json(request: Request) -> Response:
        return JSONResponse(load_contract())

    return Starlette(
        routes=[
            Route("/", readable, methods=["GET"]),
            Route("/openapi.yaml", as_yaml, methods=["GET"]),
            Route("/openapi.json", as_json, methods=["GET"]),
        ],
        middleware=[Middleware(LoopbackHostOnly)],
        exception_handlers={HTTPException: http_exception_problem},
    )


def serve(port: int = DEFAULT_PORT, *, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Serve until SIGINT or SIGTERM (main thread only); 0 after a clean stop, 2 when the
    port is taken."""
    out, err = out or sys.stdout, err or sys.stderr
    stop = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    exploration = Exploration(port=port)
    try:
        endpoints = exploration.start()
    except PortInUse as error:
        print(
            f"portal-harness serve: {error}; choose another with --port (0 for any free port)",
            file=err,
        )
        return USAGE_EXIT
    previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        print(endpoints.describe(), file=out, flush=True)
        while not stop.wait(0.5):
            pass
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        print("portal-harness serve: stopping", file=err, flush=True)
        exploration.stop()
    print("portal-harness serve: stopped", file=err, flush=True)
    return 0


__all__ = [
    "DEFAULT_PORT",
    "Exploration",
    "PortInUse",
    "ServedEndpoints",
    "contract_app",
    "serve",
]
