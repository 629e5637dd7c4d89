"""Builds the world of one scenario around a target portal: in memory, or on the wire.

On the wire a test session has one ``HttpTarget``: the portal's URL (attached to, or
launched from a command), one SMTP server and one SEVIS server of the harness, both on
loopback and both routed to the world of the scenario running now (scenarios in one
process run one at a time). ``preflight`` says plainly what is wrong before any scenario.
An attached portal whose reported ports are taken is re-pointed at the harness's
simulators for the session (PUT /_harness/simulators) and pointed back at the end.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shlex
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime
from typing import IO
from urllib.parse import urlsplit

import requests

from fixtures.factories import DataFactory
from harness.drivers.errors import TargetError, TargetFault
from harness.drivers.http import Exchange, HttpPortal
from harness.drivers.memory import PortalFactory, reference_portal
from harness.evidence import Evidence
from harness.world import World
from simulators.common.clock import Clock, SimulatedClock
from simulators.common.contract import CONTRACT_VERSION, PortalError
from simulators.common.http_client import session_for
from simulators.common.launch import (
    ENV_PORT,
    ENV_SEVIS_URL,
    ENV_SMTP_HOST,
    ENV_SMTP_PORT,
    launch_environ,
)
from simulators.common.seams import StudentChange
from simulators.common.serving import ServedApp, serve_in_thread
from simulators.common.wire import HarnessInfo, SimulatorEndpoints, SmtpEndpoint
from simulators.mail import LOOPBACK, InMemoryMailer, MailStore, SmtpServer
from simulators.sevis import SevisService, UnknownStudent
from simulators.sevis.app import create_app as sevis_app
from simulators.sevis.transport import FaultyTransport

_LOOPBACK_NAMES = {"127.0.0.1", "localhost", "::1"}
_STDERR_TAIL = 2000


def in_memory_world(data: DataFactory, portal_factory: PortalFactory = reference_portal) -> World:
    """Clock, SEVIS, mail and a portal wired in one process: every seam a call."""
    clock = SimulatedClock()
    mail = MailStore(clock)
    sevis = SevisService(clock)
    portal = portal_factory(clock, InMemoryMailer(mail), sevis)
    transport = FaultyTransport(portal)
    sevis.transport = transport
    return World(clock=clock, sevis=sevis, transport=transport, mail=mail, portal=portal, data=data)


# --- settings and errors ------------------------------------------------------------------


@dataclass(frozen=True)
class HttpSettings:
    """How patient the harness is with a target on the wire (seconds)."""

    timeout: float = 5.0  # each HTTP exchange (connect, first byte, whole answer)
    mail_wait: float = 1.0  # how long a student waits for an email before reading the mailbox
    launch_timeout: float = 30.0  # a launched portal must answer GET /_harness/info by then
    stop_timeout: float = 5.0  # a launched portal gets this long after SIGTERM, then SIGKILL


class PreflightError(Exception):
    """The target cannot be tested; the message says what is wrong and what to do."""


class SimulatorPortsTaken(PreflightError):
    """A simulator could not listen on the port it was given: something else holds it."""


# --- the session's simulators, routed to the current scenario -----------------------------


class CurrentScenario:
    """What the session's SMTP and SEVIS servers deliver to: the running scenario's clock
    and SEVIS. Between scenarios SEVIS refuses every change (no student is known)."""

    def __init__(self) -> None:
        self._clock: Clock = SimulatedClock()
        self._sevis: SevisService | None = None

    def now(self) -> datetime:
        return self._clock.now()

    def switch_to(self, clock: Clock, sevis: SevisService) -> None:
        self._clock, self._sevis = clock, sevis

    def receive_student_change(self, change: StudentChange) -> None:
        if self._sevis is None:
            raise UnknownStudent(f"no scenario is running: {change.sevis_id} is unknown")
        self._sevis.receive_student_change(change)


class Simulators:
    """The harness's SMTP server (into one ``MailStore``) and SEVIS server, on loopback.

    Ports default to free ones; an attached portal that was told fixed ports gets them.
    """

    def __init__(self, *, smtp_port: int | None = None, sevis_port: int = 0) -> None:
        self.current = CurrentScenario()
        self.mail = MailStore(self.current)
        self._smtp = SmtpServer(self.mail, port=smtp_port, stop_timeout=2.0)
        self._sevis_port = sevis_port
        self._sevis: ServedApp | None = None

    def __repr__(self) -> str:
        return f"Simulators({self.endpoints})"

    def start(self) -> Simulators:
        try:
            self._smtp.start()
            self._sevis = serve_in_thread(sevis_app(self.current), port=self._sevis_port)
        except Exception as error:
            self.stop()
            if isinstance(error, OSError) and error.errno == errno.EADDRINUSE:
                raise SimulatorPortsTaken(
                    f"the harness's simulators could not start: {error}"
                ) from error
            raise PreflightError(f"the harness's simulators could not start: {error}") from error
        return self

    def stop(self) -> None:
        sevis, self._sevis = self._sevis, None
        if sevis is not None:
            sevis.stop(timeout=2.0)
        self._smtp.stop()

    @property
    def endpoints(self) -> SimulatorEndpoints:
        sevis_url = self._sevis.url if self._sevis else None
        return SimulatorEndpoints(SmtpEndpoint(LOOPBACK, self._smtp.port), sevis_url)

    def environ(self, port: int) -> dict[str, str]:
        """The variables a launched portal reads: where mail and SEVIS listen, its port."""
        return launch_environ(self.endpoints, port)

    def switch_to(self, clock: Clock, sevis: SevisService) -> None:
        """Route mail and student changes to a new scenario; its mailboxes start empty."""
        self.mail.reset()
        self.current.switch_to(clock, sevis)


# --- the target -------------------------------------------------------------------------


class HttpTarget:
    """A portal on the wire and the simulators it sends to, for one test session."""

    def __init__(
        self,
        url: str,
        info: HarnessInfo,
        simulators: Simulators,
        settings: HttpSettings,
        *,
        process: subprocess.Popen[bytes] | None = None,
        stderr: IO[bytes] | None = None,
        owns_simulators: bool = True,
        restore: SimulatorEndpoints | None = None,
    ) -> None:
        self.url = url.rstrip("/")
        self.info = info
        self.simulators = simulators
        self.settings = settings
        self.process = process
        self._stderr = stderr
        self._owns_simulators = owns_simulators
        #: Where the portal sent things before the harness re-pointed it (None: not re-pointed).
        self.restore = restore
        self._http = session_for(self.url)

    def __repr__(self) -> str:
        launched = f", pid {self.process.pid}" if self.process else ""
        return f"HttpTarget({self.url!r}, {self.info.implementation!r}{launched})"

    @property
    def clock_control(self) -> bool:
        return self.info.clock_control

    def world(self, data: DataFactory) -> World:
        """A fresh world: the portal reset and set to the world's start time, SEVIS
        transmitting over HTTP, the mail store fed over SMTP; exchanges become evidence."""
        self._check_alive()
        clock = SimulatedClock()
        sevis = SevisService(clock)
        evidence = Evidence()
        portal = HttpPortal(
            self.url,
            timeout=self.settings.timeout,
            session=self._http,
            on_exchange=lambda exchange: evidence.note(describe_exchange(exchange)),
        )
        self.simulators.switch_to(clock, sevis)
        portal.reset()
        if self.clock_control:
            portal.set_time(clock.now())
        transport = FaultyTransport(portal)
        sevis.transport = transport
        world = World(
            clock=clock,
            sevis=sevis,
            transport=transport,
            mail=self.simulators.mail,
            portal=portal,
            data=data,
            evidence=evidence,
        )
        world.mail_wait = self.settings.mail_wait
        return world

    def _check_alive(self) -> None:
        if self.process is None or self._stderr is None:
            return
        status = self.process.poll()
        if status is not None:
            raise TargetError(
                TargetFault.UNREACHABLE,
                "launch",
                "-",
                self.url,
                f"the launched portal (pid {self.process.pid}) exited with status {status}; "
                f"its stderr ends with:\n{_tail(self._stderr)}",
            )

    def close(self) -> None:
        """Put a re-pointed portal's wiring back, stop what the harness started (the launched
        portal: SIGTERM, then SIGKILL after ``stop_timeout``; the simulators). Always
        returns, within bounded time."""
        self._http.close()
        restore, self.restore = self.restore, None
        if restore is not None:
            try:
                point_simulators(self.url, restore, self.settings)
            except PreflightError as error:
                print(
                    f"sevp-harness: could not point the portal back at its own simulators: {error}",
                    file=sys.stderr,
                )
        if self.process is not None:
            stop_process(self.process, self.settings.stop_timeout)
        if self._stderr is not None:
            self._stderr.close()
        if self._owns_simulators:
            self.simulators.stop()


def describe_exchange(exchange: Exchange) -> str:
    line = f"http {exchange.operation}: {exchange}"
    if exchange.error:
        line += f" [{exchange.error}]"
    if exchange.status is not None and not 200 <= exchange.status < 300:
        line += f" body: {exchange.response_body[:300]}"
    return line


# --- preflight ----------------------------------------------------------------------------


def preflight(url: str, settings: HttpSettings) -> HarnessInfo:
    """``GET /_harness/info``, then the contract's major version: a PreflightError that
    says plainly what is wrong, or the target's self-description."""
    with HttpPortal(url, timeout=settings.timeout) as portal:
        try:
            info = portal.harness_info()
        except TargetError as error:
            raise PreflightError(_unanswered(url, error, settings)) from None
    major, wanted = _major(info.contract_version), _major(CONTRACT_VERSION)
    if major is None or major != wanted:
        raise PreflightError(
            f"the portal at {url} ({info.implementation!r}) speaks contract version "
            f"{info.contract_version!r}; this harness speaks {CONTRACT_VERSION} and accepts "
            f"any {wanted}.x.y (GET /_harness/info, contract_version)"
        )
    return info


def _unanswered(url: str, error: TargetError, settings: HttpSettings) -> str:
    if error.fault is TargetFault.UNREACHABLE:
        return (
            f"nothing is listening at {url} ({error.reason}): start the portal first, or "
            "let the harness start it with --harness-target-cmd"
        )
    if error.fault is TargetFault.TIMEOUT:
        return (
            f"the portal at {url} did not answer GET /_harness/info within "
            f"{settings.timeout}s ({error.reason}); raise --harness-http-timeout if it is slow"
        )
    return (
        f"the portal at {url} does not answer GET /_harness/info as the contract says "
        f"({error.fault.value}: {error.reason})"
    )


def _major(version: str) -> int | None:
    head = version.split(".", 1)[0]
    return int(head) if head.isdigit() else None


def check_endpoints(url: str, info: HarnessInfo, simulators: Simulators) -> None:
    """The portal must send mail and student changes where the harness listens."""
    reported, expected = info.simulators, simulators.endpoints
    problems = []
    if reported.smtp is None:
        problems.append("it reports no SMTP server (simulators.smtp)")
    elif expected.smtp is not None and (
        reported.smtp.port != expected.smtp.port or reported.smtp.host not in _LOOPBACK_NAMES
    ):
        problems.append(
            f"it sends mail to {reported.smtp.host}:{reported.smtp.port}, the harness's SMTP "
            f"server listens on {expected.smtp.host}:{expected.smtp.port}"
        )
    if reported.sevis_url is None:
        problems.append("it reports no SEVIS URL (simulators.sevis_url)")
    elif expected.sevis_url is not None and not _same_endpoint(
        reported.sevis_url, expected.sevis_url
    ):
        problems.append(
            f"it sends student changes to {reported.sevis_url}, the harness's SEVIS listens "
            f"at {expected.sevis_url}"
        )
    if problems:
        raise PreflightError(
            f"the portal at {url} is not wired to the harness's simulators: "
            + "; ".join(problems)
            + f" (set {ENV_SMTP_HOST}, {ENV_SMTP_PORT} and {ENV_SEVIS_URL}, and report them "
            "in GET /_harness/info)"
        )


def _same_endpoint(first: str, second: str) -> bool:
    a, b = urlsplit(first), urlsplit(second)
    return (
        a.scheme == b.scheme
        and a.port == b.port
        and (a.hostname in _LOOPBACK_NAMES) == (b.hostname in _LOOPBACK_NAMES)
        and a.path.rstrip("/") == b.path.rstrip("/")
    )


# --- attaching and launching ----------------------------------------------------------------


def connect(
    url: str, simulators: Simulators, settings: HttpSettings = HttpSettings()
) -> HttpTarget:
    """A target for a portal already wired to ``simulators`` (which the caller stops)."""
    info = preflight(url, settings)
    check_endpoints(url, info, simulators)
    return HttpTarget(url, info, simulators, settings, owns_simulators=False)


def attach(url: str, settings: HttpSettings = HttpSettings()) -> HttpTarget:
    """A portal already running at ``url``: the harness starts its simulators where the
    portal says it sends mail and student changes (GET /_harness/info)."""
    info = preflight(url, settings)
    reported = info.simulators
    if reported.smtp is None or reported.sevis_url is None:
        raise PreflightError(
            f"the portal at {url} does not say where it sends mail and student changes "
            f"(simulators.smtp and simulators.sevis_url in GET /_harness/info are null); "
            f"start it with {ENV_SMTP_HOST}, {ENV_SMTP_PORT} and {ENV_SEVIS_URL} set, or let "
            "the harness launch it with --harness-target-cmd"
        )
    sevis = urlsplit(reported.sevis_url)
    not_local = [
        where
        for where, host in (("mail", reported.smtp.host), ("SEVIS", sevis.hostname or ""))
        if host not in _LOOPBACK_NAMES
    ]
    if not_local or sevis.port is None:
        raise PreflightError(
            f"the portal at {url} sends {' and '.join(not_local) or 'SEVIS'} to "
            f"{reported.smtp.host}:{reported.smtp.port} / {reported.sevis_url}; the harness's "
            "simulators listen on 127.0.0.1 with an explicit port only"
        )
    # Probed first: aiosmtpd notices a taken port only after its whole ready timeout.
    taken_ports = [port for port in (reported.smtp.port, sevis.port) if _port_taken(port)]
    if taken_ports:
        return _attach_repointed(url, info, settings, taken_ports)
    simulators = Simulators(smtp_port=reported.smtp.port, sevis_port=sevis.port)
    try:
        simulators.start()
    except SimulatorPortsTaken:  # taken between the probe and the start
        return _attach_repointed(url, info, settings, [reported.smtp.port, sevis.port])
    try:
        check_endpoints(url, info, simulators)
    except PreflightError:
        simulators.stop()
        raise
    return HttpTarget(url, info, simulators, settings)


def _port_taken(port: int) -> bool:
    """Whether something listens on 127.0.0.1:``port`` (binding as the simulators do)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((LOOPBACK, port))
        except OSError as error:
            return error.errno == errno.EADDRINUSE
    return False


def _attach_repointed(
    url: str, info: HarnessInfo, settings: HttpSettings, taken: list[int]
) -> HttpTarget:
    """The reported ports are taken (say, by ``portal-harness serve``'s own simulators):
    start the simulators on free ports and re-point the portal at them for the session."""
    original = info.simulators
    simulators = Simulators().start()
    repointed = False
    try:
        try:
            point_simulators(url, simulators.endpoints, settings)
        except RepointNotOffered as refused:
            assert original.smtp is not None  # attach checked both are reported
            raise PreflightError(
                f"the portal at {url} sends mail to {original.smtp.host}:{original.smtp.port} "
                f"and student changes to {original.sevis_url}, but something else already "
                f"listens there (port {', '.join(map(str, taken))} taken), and the portal "
                f"cannot be re-pointed ({refused}). Stop what holds those ports, restart "
                f"the portal with "
                f"{ENV_SMTP_PORT} and {ENV_SEVIS_URL} naming free ports, or let the harness "
                "launch it with --harness-target-cmd"
            ) from None
        repointed = True
        info = preflight(url, settings)
        check_endpoints(url, info, simulators)
    except BaseException:
        if repointed:
            with contextlib.suppress(PreflightError):  # the first error is the one to report
                point_simulators(url, original, settings)
        simulators.stop()
        raise
    return HttpTarget(url, info, simulators, settings, restore=original)


class RepointNotOffered(PreflightError):
    """The portal does not offer PUT /_harness/simulators (404, 405 or 501)."""


_NOT_OFFERED = {404, 405, 501}


def point_simulators(url: str, endpoints: SimulatorEndpoints, settings: HttpSettings) -> None:
    """``PUT /_harness/simulators``, through the driver: the portal sends mail and student
    changes to ``endpoints`` from now on. ``RepointNotOffered`` for a portal without the
    optional operation, a ``PreflightError`` for any other refusal or no answer."""
    with HttpPortal(url, timeout=settings.timeout) as portal:
        try:
            portal.point_simulators(endpoints)
        except TargetError as error:
            if error.status in _NOT_OFFERED:
                raise RepointNotOffered(
                    f"PUT /_harness/simulators answered {error.status}: {error.reason}"
                ) from None
            raise PreflightError(
                f"the portal at {url} refused to send to {endpoints}: {error}"
            ) from None
        except PortalError as error:
            raise PreflightError(
                f"the portal at {url} refused to send to {endpoints}: {error.code.value} "
                f"{error.detail}"
            ) from None


def launch(command: str, settings: HttpSettings = HttpSettings()) -> HttpTarget:
    """Start the simulators, run ``command`` with the SEVP_HARNESS_* variables set, wait
    (at most ``launch_timeout``) until it answers GET /_harness/info, then preflight it."""
    argv = shlex.split(command)
    if not argv:
        raise PreflightError("--harness-target-cmd is empty")
    simulators = Simulators().start()
    port = free_loopback_port()
    url = f"http://{LOOPBACK}:{port}"
    # Kept open for the session: if the portal dies mid-run, its last words explain why.
    stderr = tempfile.TemporaryFile()  # noqa: SIM115 - closed by HttpTarget.close()
    try:
        process = subprocess.Popen(
            argv,
            env={**os.environ, **simulators.environ(port)},
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            start_new_session=True,  # its own process group: stopped with what it spawned
        )
    except OSError as error:
        simulators.stop()
        stderr.close()
        raise PreflightError(f"the target command {command!r} could not start: {error}") from None
    try:
        _wait_until_answering(url, process, stderr, command, settings)
        info = preflight(url, settings)
        check_endpoints(url, info, simulators)
    except BaseException as error:
        stop_process(process, settings.stop_timeout)
        simulators.stop()
        tail = _tail(stderr)
        stderr.close()
        if isinstance(error, PreflightError) and tail and "stderr" not in str(error):
            raise PreflightError(f"{error}\n  its stderr ends with:\n{tail}") from None
        raise
    return HttpTarget(url, info, simulators, settings, process=process, stderr=stderr)


def _wait_until_answering(
    url: str,
    process: subprocess.Popen[bytes],
    stderr: IO[bytes],
    command: str,
    settings: HttpSettings,
) -> None:
    deadline = time.monotonic() + settings.launch_timeout
    probe = min(1.0, settings.timeout)
    with requests.Session() as http:
        while True:
            status = process.poll()
            if status is not None:
                raise PreflightError(
                    f"the target command {command!r} exited with status {status} before "
                    f"answering GET {url}/_harness/info; its stderr ends with:\n{_tail(stderr)}"
                )
            try:
                http.get(url + "/_harness/info", timeout=(probe, probe))
                return  # any answer: the preflight judges it
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                raise PreflightError(
                    f"the target command {command!r} (pid {process.pid}) did not answer GET "
                    f"{url}/_harness/info within {settings.launch_timeout}s; it was given "
                    f"{ENV_PORT}={urlsplit(url).port}. Its stderr ends with:\n{_tail(stderr)}"
                )
            time.sleep(0.05)


def _tail(stderr: IO[bytes]) -> str:
    try:
        stderr.seek(0, os.SEEK_END)
        size = stderr.tell()
        stderr.seek(max(0, size - _STDERR_TAIL))
        text = stderr.read().decode("utf-8", errors="replace").rstrip()
    except (OSError, ValueError):
        return "    (unreadable)"
    return "\n".join(f"    {line}" for line in text.splitlines()) or "    (nothing)"


def stop_process(process: subprocess.Popen[bytes], timeout: float) -> None:
    """SIGTERM to the process group the harness started, SIGKILL after ``timeout``."""
    if process.poll() is not None:
        return
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(process.pid, sig)
        except (ProcessLookupError, PermissionError):
            process.send_signal(sig)
        try:
            process.wait(timeout)
            return
        except subprocess.TimeoutExpired:
            continue


def free_loopback_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((LOOPBACK, 0))
        port: int = probe.getsockname()[1]
        return port


def target_from_options(
    url: str | None, command: str | None, settings: HttpSettings
) -> HttpTarget | None:
    """The session's target from the plugin's options; None means in memory."""
    if url and command:
        raise PreflightError("give --harness-target or --harness-target-cmd, not both")
    if command:
        return launch(command, settings)
    if url:
        return attach(url, settings)
    return None


__all__ = [
    "CurrentScenario",
    "HttpSettings",
    "HttpTarget",
    "PreflightError",
    "RepointNotOffered",
    "SimulatorPortsTaken",
    "Simulators",
    "attach",
    "check_endpoints",
    "connect",
    "describe_exchange",
    "free_loopback_port",
    "in_memory_world",
    "launch",
    "point_simulators",
    "preflight",
    "stop_process",
    "target_from_options",
]
