"""A portal on the wire and the simulators it sends to, for one test session."""

from __future__ import annotations

import subprocess
import sys
from functools import partial
from typing import IO

from fixtures.factories import DataFactory
from harness.drivers.errors import TargetError, TargetFault
from harness.drivers.http import Exchange, HttpPortal
from harness.evidence import Evidence
from harness.targets._assembly import assemble_world
from harness.targets._errors import PreflightError
from harness.targets._preflight import point_simulators
from harness.targets._process import stderr_tail, stop_process
from harness.targets._settings import HttpSettings
from harness.targets._simulators import Simulators
from harness.world import World
from simulators.common.clock import SimulatedClock
from simulators.common.contract import PortalError
from simulators.common.http_client import session_for
from simulators.common.wire import HarnessInfo, SimulatorEndpoints
from simulators.sevis import SevisService

#: Consecutive exchanges without an answer (refused, reset, timed out) after which the
#: target is taken as gone: the run stops with verdict error (docs/http-target.md).
NO_ANSWER_LIMIT = 3


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
        self._unanswered = 0  # consecutive exchanges without an answer
        self._last_unanswered = ""

    def __repr__(self) -> str:
        launched = f", pid {self.process.pid}" if self.process else ""
        return f"HttpTarget({self.url!r}, {self.info.implementation!r}{launched})"

    @property
    def clock_control(self) -> bool:
        return self.info.clock_control

    def world(self, data: DataFactory, *, mail_wait: float | None = None) -> World:
        """A fresh world: the portal reset and set to the world's start time, SEVIS
        transmitting over HTTP, the mail store fed over SMTP; exchanges become evidence.
        A student waits ``mail_wait`` seconds for an email (default: the settings')."""
        self._check_alive()
        clock = SimulatedClock()
        sevis = SevisService(clock)
        evidence = Evidence()
        portal = HttpPortal(
            self.url,
            timeout=self.settings.timeout,
            session=self._http,
            on_exchange=lambda exchange: self._heard(exchange, evidence),
            secrets=self.settings.secrets,
        )
        self.simulators.switch_to(clock, sevis)
        portal.reset()
        if self.clock_control:
            portal.set_time(clock.now())
        return assemble_world(
            clock=clock,
            sevis=sevis,
            mail=self.simulators.mail,
            portal=portal,
            data=data,
            mail_wait=self.settings.mail_wait if mail_wait is None else mail_wait,
            evidence=evidence,
        )

    def _heard(self, exchange: Exchange, evidence: Evidence) -> None:
        # Written (and masked) when the evidence is read: most exchanges' lines never are.
        evidence.note_later(partial(describe_exchange, exchange))
        if exchange.status is None:
            self._unanswered += 1
            self._last_unanswered = exchange.error
        else:
            self._unanswered = 0

    def infrastructure_fault(self) -> str | None:
        """Why this target can no longer be tested, named once (None: it still answers).

        A launched portal that exited; or ``NO_ANSWER_LIMIT`` consecutive exchanges
        without an answer, counting probes of GET /_harness/info made here after a
        scenario's last exchange went unanswered."""
        if self.process is not None and self.process.poll() is not None:
            return (
                f"the launched portal (pid {self.process.pid}) exited with status "
                f"{self.process.returncode}; its stderr ends with:\n{stderr_tail(self._stderr)}"
            )
        if self._unanswered == 0:
            return None
        with HttpPortal(self.url, timeout=self.settings.timeout, session=self._http) as probe:
            while self._unanswered < NO_ANSWER_LIMIT:
                try:
                    probe.harness_info()
                except TargetError as error:
                    if error.status is not None:
                        break
                    self._unanswered += 1
                    self._last_unanswered = f"{error.fault.value}: {error.reason}"
                    continue
                except PortalError:
                    break  # a refusal is an answer
                break
        if self._unanswered < NO_ANSWER_LIMIT:
            self._unanswered = 0
            return None
        if self.process is not None and self.process.poll() is not None:
            return self.infrastructure_fault()
        return (
            f"the portal at {self.url} stopped answering: {self._unanswered} consecutive "
            f"exchanges got no answer (the last: {self._last_unanswered})"
        )

    def _check_alive(self) -> None:
        """The scenario's error names the exit; its stderr is told once, in the verdict
        (``infrastructure_fault``), not again in each scenario's view."""
        if self.process is None or self._stderr is None:
            return
        status = self.process.poll()
        if status is not None:
            raise TargetError(
                TargetFault.UNREACHABLE,
                "launch",
                "-",
                self.url,
                f"the launched portal (pid {self.process.pid}) exited with status {status} "
                "(its stderr is in the verdict)",
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
