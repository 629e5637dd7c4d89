"""How the harness tells a portal it launches where the simulators listen: four
environment variables, one source of truth for the harness and the reference server."""

from __future__ import annotations

from simulators.common.wire import SimulatorEndpoints

ENV_SMTP_HOST = "SEVP_HARNESS_SMTP_HOST"  # the mail simulator's host (127.0.0.1)
ENV_SMTP_PORT = "SEVP_HARNESS_SMTP_PORT"  # ... and port
ENV_SEVIS_URL = "SEVP_HARNESS_SEVIS_URL"  # base URL; changes go to {url}/portal/student-changes
ENV_PORT = "SEVP_HARNESS_PORT"  # where the portal listens on 127.0.0.1


def launch_environ(endpoints: SimulatorEndpoints, port: int) -> dict[str, str]:
    """The four variables for a portal that sends to ``endpoints`` and listens on ``port``."""
    if endpoints.smtp is None or endpoints.sevis_url is None:
        raise ValueError(f"a launched portal needs both simulators, not {endpoints}")
    return {
        ENV_SMTP_HOST: endpoints.smtp.host,
        ENV_SMTP_PORT: str(endpoints.smtp.port),
        ENV_SEVIS_URL: endpoints.sevis_url,
        ENV_PORT: str(port),
    }


__all__ = ["ENV_PORT", "ENV_SEVIS_URL", "ENV_SMTP_HOST", "ENV_SMTP_PORT", "launch_environ"]
