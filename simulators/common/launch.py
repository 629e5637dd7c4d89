"""How the harness tells a portal it launches where the simulators listen and which secrets
authenticate its channels: environment variables, one source of truth for the harness and
the reference server, and the headers that carry the secrets."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field

from simulators.common.wire import SimulatorEndpoints

ENV_SMTP_HOST = "SEVP_HARNESS_SMTP_HOST"  # the mail simulator's host (127.0.0.1)
ENV_SMTP_PORT = "SEVP_HARNESS_SMTP_PORT"  # ... and port
ENV_SEVIS_URL = "SEVP_HARNESS_SEVIS_URL"  # base URL; changes go to {url}/portal/student-changes
ENV_PORT = "SEVP_HARNESS_PORT"  # where the portal listens on 127.0.0.1
ENV_SEVIS_SECRET = "SEVP_HARNESS_SEVIS_SECRET"  # the SEVIS channel's secret, both ways
ENV_CONTROL_SECRET = "SEVP_HARNESS_CONTROL_SECRET"  # the control API's (/_harness/) secret

#: Carries the SEVIS channel's secret: SEVIS -> portal transmissions, portal -> SEVIS changes.
SEVIS_SECRET_HEADER = "SEVP-Channel-Secret"
#: Carries the control API's secret on every /_harness/ request.
CONTROL_SECRET_HEADER = "SEVP-Control-Secret"


@dataclass(frozen=True)
class ChannelSecrets:
    """The two shared secrets of a run: one per channel, so a leak of one opens only it."""

    sevis: str = field(repr=False)
    control: str = field(repr=False)

    def __post_init__(self) -> None:
        if not self.sevis or not self.control:
            raise ValueError("both channel secrets must be non-empty")

    def __repr__(self) -> str:
        return "ChannelSecrets(sevis=***, control=***)"

    @classmethod
    def generate(cls) -> ChannelSecrets:
        """Fresh secrets from the OS (256 bits each), for one run or one served session.

        Hexadecimal, so a secret never begins with "-": a command line that carries one
        (``--harness-sevis-secret X``) must not read it as an option."""
        return cls(secrets.token_hex(32), secrets.token_hex(32))

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> ChannelSecrets | None:
        """The secrets in ``environ`` (the variables a launched portal reads), or None when
        neither is set; one without the other is a ``ValueError``."""
        sevis, control = environ.get(ENV_SEVIS_SECRET, ""), environ.get(ENV_CONTROL_SECRET, "")
        if not sevis and not control:
            return None
        if not (sevis and control):
            raise ValueError(f"set both {ENV_SEVIS_SECRET} and {ENV_CONTROL_SECRET}, or neither")
        return cls(sevis, control)

    def as_environ(self) -> dict[str, str]:
        return {ENV_SEVIS_SECRET: self.sevis, ENV_CONTROL_SECRET: self.control}


def launch_environ(
    endpoints: SimulatorEndpoints, port: int, channel_secrets: ChannelSecrets | None = None
) -> dict[str, str]:
    """The variables for a portal that sends to ``endpoints``, listens on ``port`` and,
    given ``channel_secrets``, authenticates its channels with them."""
    if endpoints.smtp is None or endpoints.sevis_url is None:
        raise ValueError(f"a launched portal needs both simulators, not {endpoints}")
    environ = {
        ENV_SMTP_HOST: endpoints.smtp.host,
        ENV_SMTP_PORT: str(endpoints.smtp.port),
        ENV_SEVIS_URL: endpoints.sevis_url,
        ENV_PORT: str(port),
    }
    if channel_secrets is not None:
        environ.update(channel_secrets.as_environ())
    return environ


__all__ = [
    "CONTROL_SECRET_HEADER",
    "ENV_CONTROL_SECRET",
    "ENV_PORT",
    "ENV_SEVIS_SECRET",
    "ENV_SEVIS_URL",
    "ENV_SMTP_HOST",
    "ENV_SMTP_PORT",
    "SEVIS_SECRET_HEADER",
    "ChannelSecrets",
    "launch_environ",
]
