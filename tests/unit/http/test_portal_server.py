"""``python -m simulators.portal``: a missing or bad variable is a plain message and exit
status 2, never a traceback; the reference's reset starts a new timeline."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from simulators.portal.server import (
    RestartableClock,
    ServedReferencePortal,
    ServerSettings,
    SettingsError,
    main,
    portal_settings_from_environ,
)

REPO_ROOT = Path(__file__).resolve().parents[3]
GOOD = {
    "SEVP_HARNESS_SMTP_HOST": "127.0.0.1",
    "SEVP_HARNESS_SMTP_PORT": "2525",
    "SEVP_HARNESS_SEVIS_URL": "http://127.0.0.1:8081/",
    "SEVP_HARNESS_PORT": "0",
    "SEVP_HARNESS_SEVIS_SECRET": "channel-secret",
    "SEVP_HARNESS_CONTROL_SECRET": "control-secret",
}


def test_good_variables_are_read() -> None:
    settings = ServerSettings.from_environ(GOOD)
    assert (settings.smtp.port, settings.sevis_url, settings.port) == (
        2525,
        "http://127.0.0.1:8081",
        0,
    )
    assert ServerSettings.from_environ(settings.as_environ()) == settings


@pytest.mark.parametrize(
    ("name", "value", "words"),
    [
        ("SEVP_HARNESS_SMTP_HOST", "", "SEVP_HARNESS_SMTP_HOST is not set"),
        ("SEVP_HARNESS_SMTP_HOST", "no such host!", "is not a host name"),
        ("SEVP_HARNESS_SMTP_PORT", "0", "must be a port number (1-65535)"),
        ("SEVP_HARNESS_SMTP_PORT", "smtp", "must be a port number"),
        ("SEVP_HARNESS_SEVIS_URL", "127.0.0.1:8081", "must be an http:// URL"),
        ("SEVP_HARNESS_PORT", "70000", "must be a port number (0-65535)"),
        ("SEVP_HARNESS_SEVIS_SECRET", "", "SEVP_HARNESS_SEVIS_SECRET is not set"),
        ("SEVP_HARNESS_CONTROL_SECRET", " ", "SEVP_HARNESS_CONTROL_SECRET is not set"),
    ],
)
def test_a_bad_variable_is_named(name: str, value: str, words: str) -> None:
    with pytest.raises(SettingsError, match=re.escape(words)):
        ServerSettings.from_environ(GOOD | {name: value})
    err = io.StringIO()
    assert main(GOOD | {name: value}, err=err) == 2
    assert words in err.getvalue()


@pytest.mark.parametrize(
    ("name", "value", "words"),
    [
        ("SEVP_HARNESS_SMTP_HOST", "mail.example.com", "smtp.host must be a loopback address"),
        ("SEVP_HARNESS_SMTP_HOST", "10.0.0.1", "smtp.host must be a loopback address"),
        ("SEVP_HARNESS_SEVIS_URL", "http://sevis.example.com:8081", "must name a loopback host"),
        ("SEVP_HARNESS_SEVIS_URL", "http://127.0.0.1:0", "must be a base URL with a port"),
        ("SEVP_HARNESS_SEVIS_URL", "http://127.0.0.1:99999", "must be an http:// URL"),
    ],
)
def test_the_simulators_must_be_on_loopback_as_for_a_repoint(
    name: str, value: str, words: str
) -> None:
    """The same check as PUT /_harness/simulators: a reference must not send elsewhere."""
    with pytest.raises(SettingsError, match=re.escape(f"{name}: ")):
        ServerSettings.from_environ(GOOD | {name: value})
    err = io.StringIO()
    assert main(GOOD | {name: value}, err=err) == 2
    assert words in err.getvalue()
    assert "Traceback" not in err.getvalue()


def test_loopback_names_are_accepted() -> None:
    environ = GOOD | {
        "SEVP_HARNESS_SMTP_HOST": "localhost",
        "SEVP_HARNESS_SEVIS_URL": "http://[::1]:8081",
    }
    assert ServerSettings.from_environ(environ).sevis_url == "http://[::1]:8081"


def test_session_limits_are_optional_variables_in_minutes() -> None:
    unset = portal_settings_from_environ(GOOD).readings
    assert unset.session_idle_timeout_minutes is None
    assert unset.session_absolute_lifetime_minutes is None
    readings = portal_settings_from_environ(
        GOOD
        | {
            "SEVP_HARNESS_SESSION_IDLE_MINUTES": "30",
            "SEVP_HARNESS_SESSION_LIFETIME_MINUTES": "720",
        }
    ).readings
    assert readings.session_idle_timeout_minutes == 30
    assert readings.session_absolute_lifetime_minutes == 720


@pytest.mark.parametrize("value", ["0", "-5", "half an hour", "1.5"])
def test_a_bad_session_limit_is_named(value: str) -> None:
    environ = GOOD | {"SEVP_HARNESS_SESSION_IDLE_MINUTES": value}
    err = io.StringIO()
    assert main(environ, err=err) == 2
    assert "SEVP_HARNESS_SESSION_IDLE_MINUTES must be a whole number of minutes" in err.getvalue()


def test_the_command_exits_2_without_a_traceback() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "simulators.portal"],
        cwd=REPO_ROOT,
        env={"PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert "SEVP_HARNESS_SMTP_HOST is not set" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_reset_starts_a_new_timeline() -> None:
    clock = RestartableClock()
    portal = ServedReferencePortal(clock, mailer=None, sevis=None)  # type: ignore[arg-type]
    portal.set_time(clock.start + timedelta(days=400))
    assert clock.now() == clock.start + timedelta(days=400)
    portal.reset()
    assert clock.now() == clock.start
    portal.set_time(clock.start + timedelta(days=1))
    assert clock.now() == clock.start + timedelta(days=1)
