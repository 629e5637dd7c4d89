"""The reference portal as a real server: real SMTP to the mail simulator, HTTP to the SEVIS
simulator, and the contract served by uvicorn on 127.0.0.1.

    SEVP_HARNESS_SMTP_HOST=127.0.0.1 SEVP_HARNESS_SMTP_PORT=2525 \\
    SEVP_HARNESS_SEVIS_URL=http://127.0.0.1:8081 SEVP_HARNESS_PORT=8000 \\
    SEVP_HARNESS_SEVIS_SECRET=... SEVP_HARNESS_CONTROL_SECRET=... \\
    python -m simulators.portal

Two optional variables give its sessions the limits many real portals have (the sources give
none, so by default a session lives until logout or a password reset), in whole minutes:
SEVP_HARNESS_SESSION_IDLE_MINUTES (idle timeout) and SEVP_HARNESS_SESSION_LIFETIME_MINUTES
(absolute lifetime from the login).
"""

from __future__ import annotations

import ipaddress
import os
import socket
import sys
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TextIO

from starlette.applications import Starlette

from simulators.common.clock import DEFAULT_START, SimulatedClock
from simulators.common.domain import PortalSettings
from simulators.common.launch import (
    ENV_CONTROL_SECRET,
    ENV_PORT,
    ENV_SEVIS_SECRET,
    ENV_SEVIS_URL,
    ENV_SMTP_HOST,
    ENV_SMTP_PORT,
    ChannelSecrets,
    launch_environ,
)
from simulators.common.loopback import LOOPBACK
from simulators.common.readings import REFERENCE_READINGS
from simulators.common.wire import SimulatorEndpoints, SmtpEndpoint
from simulators.mail.smtp import SmtpMailer
from simulators.portal.app import create_app
from simulators.portal.options import ReferenceOptions
from simulators.portal.outbound import (
    HttpStudentChangeSink,
    OutboundWiring,
    sevis_url_problems,
    smtp_problems,
)
from simulators.portal.service import PortalService

#: The exit status of a launch with a missing or bad variable (as argparse uses for usage).
USAGE_EXIT = 2
ENV_SESSION_IDLE_MINUTES = "SEVP_HARNESS_SESSION_IDLE_MINUTES"
ENV_SESSION_LIFETIME_MINUTES = "SEVP_HARNESS_SESSION_LIFETIME_MINUTES"


class SettingsError(ValueError):
    """A launch variable is missing or malformed; the message says which and why."""


@dataclass(frozen=True)
class ServerSettings:
    smtp: SmtpEndpoint
    sevis_url: str
    port: int
    secrets: ChannelSecrets

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> ServerSettings:
        """Read the six variables; every problem is reported at once, not the first only."""
        problems: list[str] = []

        def need(name: str) -> str:
            value = environ.get(name, "").strip()
            if not value:
                problems.append(f"{name} is not set")
            return value

        host = need(ENV_SMTP_HOST)
        smtp_port = _port(need(ENV_SMTP_PORT), ENV_SMTP_PORT, problems, allow_zero=False)
        sevis_url = need(ENV_SEVIS_URL)
        port = _port(need(ENV_PORT), ENV_PORT, problems, allow_zero=True)
        sevis_secret, control_secret = need(ENV_SEVIS_SECRET), need(ENV_CONTROL_SECRET)
        # where it sends: the same check as PUT /_harness/simulators (loopback only)
        if sevis_url:
            problems.extend(f"{ENV_SEVIS_URL}: {p}" for p in sevis_url_problems(sevis_url))
        if host and not _is_host(host):
            problems.append(f"{ENV_SMTP_HOST} is not a host name or address: {host!r}")
        elif host and smtp_port:
            smtp = SmtpEndpoint(host, smtp_port)
            problems.extend(f"{ENV_SMTP_HOST}: {p}" for p in smtp_problems(smtp))
        if problems:
            raise SettingsError("; ".join(problems))
        secrets = ChannelSecrets(sevis_secret, control_secret)
        return cls(SmtpEndpoint(host, smtp_port), sevis_url.rstrip("/"), port, secrets)

    def as_environ(self) -> dict[str, str]:
        endpoints = SimulatorEndpoints(self.smtp, self.sevis_url)
        return launch_environ(endpoints, self.port, self.secrets)


def portal_settings_from_environ(environ: Mapping[str, str]) -> PortalSettings:
    """The reference's settings with the session limits (readings) of their optional
    variables (unset: no limit)."""
    problems: list[str] = []

    def minutes(name: str) -> int | None:
        text = environ.get(name, "").strip()
        if not text:
            return None
        if not text.isdigit() or int(text) == 0:
            problems.append(f"{name} must be a whole number of minutes (1 or more), not {text!r}")
            return None
        return int(text)

    readings = replace(
        REFERENCE_READINGS,
        session_idle_timeout_minutes=minutes(ENV_SESSION_IDLE_MINUTES),
        session_absolute_lifetime_minutes=minutes(ENV_SESSION_LIFETIME_MINUTES),
    )
    if problems:
        raise SettingsError("; ".join(problems))
    return PortalSettings(readings=readings)


def _port(text: str, name: str, problems: list[str], *, allow_zero: bool) -> int:
    if not text:
        return 0
    lowest = 0 if allow_zero else 1
    if not text.isdigit() or not lowest <= int(text) <= 65535:
        problems.append(f"{name} must be a port number ({lowest}-65535), not {text!r}")
        return 0
    return int(text)


def _is_host(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        labels = host.rstrip(".").split(".")
        return all(label and label.replace("-", "").isalnum() for label in labels)
    return True


class RestartableClock(SimulatedClock):
    """The served reference's clock: a reset starts a new timeline at ``start``, so the
    harness may set the next scenario's (earlier) time. It keeps no listeners across a
    restart; the portal registers none."""

    def __init__(self, start: datetime = DEFAULT_START) -> None:
        super().__init__(start)
        self.start = start

    def restart(self) -> None:
        SimulatedClock.__init__(self, self.start)


class ServedReferencePortal(PortalService):
    """``PortalService`` whose reset also restarts its clock (POST /_harness/reset)."""

    def reset(self) -> None:
        if isinstance(self.clock, RestartableClock):
            self.clock.restart()
        super().reset()


def reference_app(
    smtp: SmtpEndpoint,
    sevis_url: str,
    *,
    secrets: ChannelSecrets | None,
    clock: RestartableClock | None = None,
    options: ReferenceOptions | None = None,
    portal_settings: PortalSettings | None = None,
    timeout: float = 5.0,
) -> Starlette:
    """The reference portal wired to real SMTP and to SEVIS over HTTP, behind the contract.

    ``timeout`` bounds each SMTP conversation and each POST to SEVIS. Where both go can
    be changed while it runs (PUT /_harness/simulators); a reset keeps the wiring.
    ``secrets`` authenticate the SEVIS channel (both ways) and the control API; ``None``
    serves an open portal, for tests of other things only.
    """
    clock = clock or RestartableClock()
    sevis_secret = secrets.sevis if secrets is not None else None
    wiring = OutboundWiring(
        SmtpMailer(smtp.host, smtp.port, timeout=timeout),
        HttpStudentChangeSink(sevis_url, timeout=timeout, secret=sevis_secret),
    )
    service = ServedReferencePortal(
        clock,
        wiring.mailer,
        wiring.sink,
        portal_settings or PortalSettings(),
        options=options or ReferenceOptions(),
    )
    return create_app(service, clock=clock, wiring=wiring, secrets=secrets)


def main(
    environ: Mapping[str, str] | None = None,
    *,
    err: TextIO | None = None,
    options: ReferenceOptions | None = None,
) -> int:
    """Serve the reference on 127.0.0.1 until interrupted; 2 for a missing or bad variable.
    ``options`` are the reference's own (its hash cost; a benchmark serves it cheap)."""
    err = err or sys.stderr
    try:
        environ = os.environ if environ is None else environ
        settings = ServerSettings.from_environ(environ)
        portal_settings = portal_settings_from_environ(environ)
    except SettingsError as problem:
        print(f"simulators.portal: cannot start: {problem}", file=err)
        print(
            f"  set {ENV_SMTP_HOST}, {ENV_SMTP_PORT} (the mail simulator), {ENV_SEVIS_URL} "
            f"(the SEVIS simulator), {ENV_PORT} (where to listen, 0 for any free port), "
            f"{ENV_SEVIS_SECRET} and {ENV_CONTROL_SECRET} (the secrets of the SEVIS channel "
            "and of the control API)",
            file=err,
        )
        return USAGE_EXIT
    import uvicorn  # here: the variables are checked before the server's import cost

    # proto=IPPROTO_TCP: asyncio then sets TCP_NODELAY on accepted connections (see serving.py)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((LOOPBACK, settings.port))
        sock.listen(128)
    except OSError as error:
        sock.close()
        print(f"simulators.portal: cannot listen on {LOOPBACK}:{settings.port}: {error}", file=err)
        return 1
    port = sock.getsockname()[1]
    app = reference_app(
        settings.smtp,
        settings.sevis_url,
        secrets=settings.secrets,
        options=options,
        portal_settings=portal_settings,
    )
    config = uvicorn.Config(app, log_level="warning", access_log=False, timeout_graceful_shutdown=2)
    print(f"SEVP reference portal listening on http://{LOOPBACK}:{port}", flush=True)
    try:
        uvicorn.Server(config).run(sockets=[sock])  # returns on SIGINT or SIGTERM
    finally:
        sock.close()
    return 0


__all__ = [
    "ENV_PORT",
    "ENV_SESSION_IDLE_MINUTES",
    "ENV_SESSION_LIFETIME_MINUTES",
    "ENV_SEVIS_URL",
    "ENV_SMTP_HOST",
    "ENV_SMTP_PORT",
    "RestartableClock",
    "ServedReferencePortal",
    "ServerSettings",
    "SettingsError",
    "main",
    "portal_settings_from_environ",
    "reference_app",
]
