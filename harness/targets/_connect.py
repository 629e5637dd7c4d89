"""How a session gets its target: ``connect`` to a portal already wired to given
simulators, ``attach`` to a running one (re-pointing it when its ports are taken), or
``launch`` it from a command; ``target_from_options`` picks one from the plugin's options."""

from __future__ import annotations

import contextlib
import errno
import os
import shlex
import socket
import subprocess
import tempfile
from dataclasses import replace
from urllib.parse import urlsplit

from harness.targets._errors import PreflightError, RepointNotOffered, SimulatorPortsTaken
from harness.targets._preflight import check_endpoints, point_simulators, preflight
from harness.targets._process import (
    free_loopback_port,
    stderr_tail,
    stop_process,
    wait_until_answering,
)
from harness.targets._settings import HttpSettings
from harness.targets._simulators import Simulators
from harness.targets._target import HttpTarget
from simulators.common.launch import (
    ENV_SEVIS_URL,
    ENV_SMTP_HOST,
    ENV_SMTP_PORT,
    ChannelSecrets,
)
from simulators.common.loopback import LOOPBACK, LOOPBACK_NAMES
from simulators.common.wire import HarnessInfo


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
        if host not in LOOPBACK_NAMES
    ]
    if not_local or sevis.port is None:
        raise PreflightError(
            f"the portal at {url} sends {' and '.join(not_local) or 'SEVIS'} to "
            f"{reported.smtp.host}:{reported.smtp.port} / {reported.sevis_url}; the harness's "
            f"simulators listen on {LOOPBACK} with an explicit port only"
        )
    # Probed first: aiosmtpd notices a taken port only after its whole ready timeout.
    taken_ports = [port for port in (reported.smtp.port, sevis.port) if _port_taken(port)]
    if taken_ports:
        return _attach_repointed(url, info, settings, taken_ports)
    simulators = Simulators(
        smtp_port=reported.smtp.port, sevis_port=sevis.port, secrets=settings.secrets
    )
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
    simulators = Simulators(secrets=settings.secrets).start()
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


def launch(command: str, settings: HttpSettings = HttpSettings()) -> HttpTarget:
    """Start the simulators, run ``command`` with the SEVP_HARNESS_* variables set, wait
    (at most ``launch_timeout``) until it answers GET /_harness/info, then preflight it."""
    argv = shlex.split(command)
    if not argv:
        raise PreflightError("--harness-target-cmd is empty")
    settings = replace(settings, secrets=settings.secrets or ChannelSecrets.generate())
    simulators = Simulators(secrets=settings.secrets).start()
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
        wait_until_answering(url, process, stderr, command, settings)
        info = preflight(url, settings)
        check_endpoints(url, info, simulators)
    except BaseException as error:
        stop_process(process, settings.stop_timeout)
        simulators.stop()
        tail = stderr_tail(stderr)
        stderr.close()
        if isinstance(error, PreflightError) and tail and "stderr" not in str(error):
            raise PreflightError(f"{error}\n  its stderr ends with:\n{tail}") from None
        raise
    return HttpTarget(url, info, simulators, settings, process=process, stderr=stderr)


def target_from_options(
    url: str | None, command: str | None, settings: HttpSettings
) -> HttpTarget | None:
    """The session's target from the plugin's options; None means in memory."""
    if url and command:
        raise PreflightError("give --harness-target or --harness-target-cmd, not both")
    if url and urlsplit(url).scheme not in ("http", "https"):
        raise PreflightError(
            f"the target URL {url!r} has no scheme (http:// or https://): "
            f"write http://{url.split('://', 1)[-1]}"
        )
    if command:
        return launch(command, settings)
    if url:
        return attach(url, settings)
    return None
