"""The session's simulators on loopback (one SMTP server, one SEVIS server), routed to
the scenario running now."""

from __future__ import annotations

import errno
from datetime import datetime

from harness.targets._errors import PreflightError, SimulatorPortsTaken
from simulators.common.clock import Clock, SimulatedClock
from simulators.common.launch import (
    ChannelSecrets,
    launch_environ,
)
from simulators.common.loopback import LOOPBACK
from simulators.common.seams import StudentChange
from simulators.common.serving import ServedApp, serve_in_thread
from simulators.common.wire import SimulatorEndpoints, SmtpEndpoint
from simulators.mail import MailStore, SmtpServer
from simulators.sevis import SevisService, UnknownStudent
from simulators.sevis.app import create_app as sevis_app


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

    def __init__(
        self,
        *,
        smtp_port: int | None = None,
        sevis_port: int = 0,
        secrets: ChannelSecrets | None = None,
    ) -> None:
        self.secrets = secrets
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
            channel_secret = self.secrets.sevis if self.secrets else None
            app = sevis_app(self.current, channel_secret=channel_secret)
            self._sevis = serve_in_thread(app, port=self._sevis_port)
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
        return launch_environ(self.endpoints, port, self.secrets)

    def switch_to(self, clock: Clock, sevis: SevisService) -> None:
        """Route mail and student changes to a new scenario; its mailboxes start empty."""
        self.mail.reset()
        self.current.switch_to(clock, sevis)
