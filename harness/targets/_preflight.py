"""What the harness asks of a portal before any scenario: ``preflight`` (GET
/_harness/info and the contract version), ``check_endpoints`` (it sends where the
harness listens) and ``point_simulators`` (re-pointing it there)."""

from __future__ import annotations

from urllib.parse import urlsplit

from harness.drivers.errors import TargetError, TargetFault
from harness.drivers.http import HttpPortal
from harness.targets._errors import PreflightError, RepointNotOffered
from harness.targets._settings import HttpSettings
from harness.targets._simulators import Simulators
from simulators.common.contract import CONTRACT_VERSION, PortalError
from simulators.common.launch import (
    ENV_SEVIS_URL,
    ENV_SMTP_HOST,
    ENV_SMTP_PORT,
)
from simulators.common.loopback import LOOPBACK_NAMES
from simulators.common.wire import HarnessInfo, SimulatorEndpoints


def preflight(url: str, settings: HttpSettings) -> HarnessInfo:
    """``GET /_harness/info``, then the contract's major version: a PreflightError that
    says plainly what is wrong, or the target's self-description."""
    with HttpPortal(url, timeout=settings.timeout, secrets=settings.secrets) as portal:
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
    if error.fault is TargetFault.UNREACHABLE and "without an answer" in error.reason:
        return (
            f"the portal at {url} accepted the connection and closed it without an answer "
            "to GET /_harness/info"
        )
    if error.fault is TargetFault.UNREACHABLE:
        return (
            f"nothing is listening at {url} ({error.reason}): start the portal first, or "
            "let the harness start it with --harness-target-cmd"
        )
    if error.status == 401:
        return (
            f"the portal at {url} refuses the control API without its secret: give "
            "--harness-control-secret and --harness-sevis-secret (the values the portal was "
            "started with), or let the harness start it with --harness-target-cmd"
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
        reported.smtp.port != expected.smtp.port or reported.smtp.host not in LOOPBACK_NAMES
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
        and (a.hostname in LOOPBACK_NAMES) == (b.hostname in LOOPBACK_NAMES)
        and a.path.rstrip("/") == b.path.rstrip("/")
    )


_NOT_OFFERED = {404, 405, 501}


def point_simulators(url: str, endpoints: SimulatorEndpoints, settings: HttpSettings) -> None:
    """``PUT /_harness/simulators``, through the driver: the portal sends mail and student
    changes to ``endpoints`` from now on. ``RepointNotOffered`` for a portal without the
    optional operation, a ``PreflightError`` for any other refusal or no answer."""
    with HttpPortal(url, timeout=settings.timeout, secrets=settings.secrets) as portal:
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
