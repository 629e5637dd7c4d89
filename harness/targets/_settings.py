"""How patient the harness is with a target on the wire."""

from __future__ import annotations

from dataclasses import dataclass

from simulators.common.launch import (
    ChannelSecrets,
)


@dataclass(frozen=True)
class HttpSettings:
    """How patient the harness is with a target on the wire (seconds)."""

    timeout: float = 5.0  # each HTTP exchange (connect, first byte, whole answer)
    mail_wait: float = 1.0  # how long a student waits for an email before reading the mailbox
    launch_timeout: float = 30.0  # a launched portal must answer GET /_harness/info by then
    stop_timeout: float = 5.0  # a launched portal gets this long after SIGTERM, then SIGKILL
    secrets: ChannelSecrets | None = None  # the channels' secrets (a launch makes fresh ones)
