"""``portal-harness serve``: the reference and its simulators in one process. It prints where
each listens, a suite attached to its portal passes (the harness re-points the portal at its
own simulators for the run and back), SIGTERM stops it cleanly in bounded time, and a taken
port is a clear exit 2. Attaching to a portal whose ports are taken and that cannot be
re-pointed is a clear preflight error."""

from __future__ import annotations

import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

from harness.targets import HttpSettings, PreflightError, attach
from simulators.common.clock import SimulatedClock
from simulators.mail import MailStore, SmtpServer

pytest_plugins = ["pytester"]

REPO_ROOT = Path(__file__).resolve().parents[3]
START_TIMEOUT = 15.0
STOP_TIMEOUT = 10.0
_LINE = re.compile(r"^\s+(portal|SMTP|SEVIS|mail viewer)\s+(\S+)")
_SECRET = re.compile(r"(SEVP-Control-Secret|SEVP-Channel-Secret): ([A-Za-z0-9_-]+)")


@dataclass
class Serve:
    process: subprocess.Popen[str]
    endpoints: dict[str, str]
    banner: str

    @property
    def secrets(self) -> dict[str, str]:
        """The secrets serve printed, by header name."""
        return dict(_SECRET.findall(self.banner))

    @property
    def control(self) -> dict[str, str]:
        """The header a hand-driven control request sends."""
        return {"SEVP-Control-Secret": self.secrets["SEVP-Control-Secret"]}


def _start(*args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    return subprocess.Popen(
        [sys.executable, "-m", "harness.cli", "serve", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
        env=env,
    )


def _read_banner(process: subprocess.Popen[str]) -> tuple[dict[str, str], str]:
    """The printed endpoints, read line by line until "Stop with" (bounded). A reader
    thread, not select(): a text pipe buffers several lines behind one readiness event."""
    assert process.stdout is not None
    stdout = process.stdout
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in stdout], daemon=True).start()
    deadline = time.monotonic() + START_TIMEOUT
    seen: list[str] = []
    while (left := deadline - time.monotonic()) > 0:
        try:
            line = lines.get(timeout=left)
        except queue.Empty:
            break
        seen.append(line)
        if line.startswith("Stop with"):
            found = {m.group(1): m.group(2) for m in map(_LINE.match, seen) if m}
            return found, "".join(seen)
    process.kill()
    _, err = process.communicate(timeout=STOP_TIMEOUT)
    raise AssertionError(
        f"serve printed no endpoints within {START_TIMEOUT}s: {''.join(seen)!r}; stderr: {err}"
    )


def _stop(process: subprocess.Popen[str]) -> tuple[int, float, str]:
    started = time.monotonic()
    process.send_signal(signal.SIGTERM)
    try:
        _, err = process.communicate(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate(timeout=STOP_TIMEOUT)
        raise AssertionError("serve did not stop within the bound after SIGTERM") from None
    return process.returncode, time.monotonic() - started, err


@pytest.fixture(scope="module")
def served() -> Iterator[Serve]:
    process = _start("--port", "0")
    try:
        endpoints, banner = _read_banner(process)
        yield Serve(process, endpoints, banner)
    finally:
        if process.poll() is None:
            _stop(process)


def test_serve_prints_where_each_part_listens(served: Serve) -> None:
    assert set(served.endpoints) == {"portal", "SMTP", "SEVIS", "mail viewer"}
    assert all("127.0.0.1" in where for where in served.endpoints.values())
    portal = served.endpoints["portal"]
    assert f"portal-harness run --target {portal}" in served.banner
    assert requests.get(portal + "/_harness/info", timeout=5).status_code == 401
    info = requests.get(portal + "/_harness/info", headers=served.control, timeout=5).json()
    assert info["simulators"]["sevis_url"] == served.endpoints["SEVIS"]
    smtp = info["simulators"]["smtp"]
    assert f"{smtp['host']}:{smtp['port']}" == served.endpoints["SMTP"]
    assert requests.get(served.endpoints["mail viewer"], timeout=5).json() == []
    assert requests.get(served.endpoints["SEVIS"] + "/students", timeout=5).json() == []


def test_a_suite_attached_to_serve_passes_and_leaves_it_as_it_was(
    served: Serve, run_suite: Any
) -> None:
    portal = served.endpoints["portal"]
    info = portal + "/_harness/info"
    before = requests.get(info, headers=served.control, timeout=5).json()["simulators"]
    run = run_suite(
        "--harness-target",
        portal,
        f"--harness-sevis-secret={served.secrets['SEVP-Channel-Secret']}",
        f"--harness-control-secret={served.secrets['SEVP-Control-Secret']}",
        "-m",
        "faq-2",
    )
    run.result.assert_outcomes(passed=4)
    assert all(r["outcome"] == "passed" for r in run.results)
    after = requests.get(info, headers=served.control, timeout=5).json()["simulators"]
    assert after == before, "the portal was not pointed back at serve's simulators"


def test_sigterm_stops_serve_cleanly_and_in_bounded_time() -> None:
    process = _start("--port", "0")  # its own: the module's serve may still be in use
    endpoints, _ = _read_banner(process)
    status, took, err = _stop(process)
    assert status == 0, err
    assert took < STOP_TIMEOUT
    assert "stopped" in err and "Traceback" not in err
    with pytest.raises(requests.ConnectionError):
        requests.get(endpoints["portal"] + "/_harness/info", timeout=2)


def test_a_taken_port_is_a_clear_exit_2() -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen(1)
        port = holder.getsockname()[1]
        process = _start("--port", str(port))
        out, err = process.communicate(timeout=START_TIMEOUT)
    assert process.returncode == 2
    assert f"port {port} on 127.0.0.1 is already in use" in err
    assert "--port" in err and "Traceback" not in err + out


def test_serve_listens_on_loopback_only() -> None:
    process = _start("--host", "0.0.0.0")
    _, err = process.communicate(timeout=START_TIMEOUT)
    assert process.returncode == 2
    assert "127.0.0.1 only" in err and "Traceback" not in err


def test_attaching_to_a_portal_with_taken_ports_and_no_re_point_is_a_clear_error(
    serve_portal: Any,
) -> None:
    portal = serve_portal()  # the reference app without wiring: PUT /_harness/simulators is 501
    assert portal.endpoints.smtp is not None
    holder = SmtpServer(MailStore(SimulatedClock()), port=portal.endpoints.smtp.port).start()
    try:
        started = time.monotonic()
        with pytest.raises(PreflightError) as raised:
            attach(portal.url, HttpSettings(timeout=2))
        assert time.monotonic() - started < 10
    finally:
        holder.stop()
    text = str(raised.value)
    assert f"127.0.0.1:{portal.endpoints.smtp.port}" in text
    assert "cannot be re-pointed (PUT /_harness/simulators answered 501" in text
    assert "--harness-target-cmd" in text
    # Nothing of the harness's was left listening where the portal sends student changes.
    sevis_port = int(str(portal.endpoints.sevis_url).rsplit(":", 1)[1])
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", sevis_port))
