"""The reference served over HTTP for a test: the harness's SMTP and SEVIS servers started,
a portal app built against them, served on 127.0.0.1, connected; all of it stopped after.
One home for what the over-HTTP scenario modules, the security tests, the wire bugs and the
specificity variants each need, with only the app differing."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from starlette.applications import Starlette

from harness.drivers.memory import HARNESS_OPTIONS
from harness.targets import HttpSettings, HttpTarget, Simulators, connect
from simulators.common.domain import PortalSettings
from simulators.common.serving import serve_in_thread
from simulators.common.wire import SimulatorEndpoints, SmtpEndpoint
from simulators.portal.options import ReferenceOptions
from simulators.portal.server import reference_app

#: Builds the portal app from where the simulators listen (mail, SEVIS).
AppBuilder = Callable[[SmtpEndpoint, str], Starlette]


@contextmanager
def served_reference(
    settings: HttpSettings,
    *,
    options: ReferenceOptions = HARNESS_OPTIONS,
    portal_settings: PortalSettings | None = None,
    app: AppBuilder | None = None,
) -> Iterator[HttpTarget]:
    """The reference with ``options`` and ``portal_settings`` (or the app ``app`` builds)
    served and connected."""
    simulators = Simulators(secrets=settings.secrets).start()
    try:
        smtp, sevis_url = _wired(simulators.endpoints)
        build = app or (
            lambda smtp, sevis_url: reference_app(
                smtp,
                sevis_url,
                secrets=settings.secrets,
                options=options,
                portal_settings=portal_settings,
            )
        )
        with serve_in_thread(build(smtp, sevis_url)) as server:
            target = connect(server.url, simulators, settings)
            try:
                yield target
            finally:
                target.close()
    finally:
        simulators.stop()


def _wired(endpoints: SimulatorEndpoints) -> tuple[SmtpEndpoint, str]:
    assert endpoints.smtp is not None and endpoints.sevis_url is not None
    return endpoints.smtp, endpoints.sevis_url
