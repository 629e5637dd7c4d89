"""A launched portal's process: waiting until it answers, its stderr's last words, stopping
it with what it spawned; and a free loopback port to give it."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from typing import IO
from urllib.parse import urlsplit

import requests

from harness.targets._errors import PreflightError
from harness.targets._settings import HttpSettings
from simulators.common.launch import (
    ENV_PORT,
)
from simulators.common.loopback import LOOPBACK

_STDERR_TAIL = 2000


def wait_until_answering(
    url: str,
    process: subprocess.Popen[bytes],
    stderr: IO[bytes],
    command: str,
    settings: HttpSettings,
) -> None:
    deadline = time.monotonic() + settings.launch_timeout
    probe = min(1.0, settings.timeout)
    print(
        f"sevp-harness: waiting up to {settings.launch_timeout:g}s for the launched portal "
        f"(pid {process.pid}) to answer GET {url}/_harness/info "
        "(--harness-launch-timeout sets the limit)",
        file=sys.stderr,
        flush=True,
    )
    with requests.Session() as http:
        while True:
            status = process.poll()
            if status is not None:
                raise PreflightError(
                    f"the target command {command!r} exited with status {status} before "
                    f"answering GET {url}/_harness/info; its stderr ends with:\n{stderr_tail(stderr)}"
                )
            try:
                http.get(url + "/_harness/info", timeout=(probe, probe))
                return  # any answer: the preflight judges it
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                raise PreflightError(
                    f"the target command {command!r} (pid {process.pid}) did not answer GET "
                    f"{url}/_harness/info within {settings.launch_timeout}s (raise "
                    f"--harness-launch-timeout if it starts slowly); it was given "
                    f"{ENV_PORT}={urlsplit(url).port}. Its stderr ends with:\n{stderr_tail(stderr)}"
                )
            time.sleep(0.05)


def stderr_tail(stderr: IO[bytes] | None) -> str:
    if stderr is None:
        return "    (not kept)"
    try:
        stderr.seek(0, os.SEEK_END)
        size = stderr.tell()
        stderr.seek(max(0, size - _STDERR_TAIL))
        text = stderr.read().decode("utf-8", errors="replace").rstrip()
    except (OSError, ValueError):
        return "    (unreadable)"
    return "\n".join(f"    {line}" for line in text.splitlines()) or "    (nothing)"


def stop_process(process: subprocess.Popen[bytes], timeout: float) -> None:
    """SIGTERM to the process group the harness started, SIGKILL after ``timeout``."""
    if process.poll() is not None:
        return
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(process.pid, sig)
        except (ProcessLookupError, PermissionError):
            process.send_signal(sig)
        try:
            process.wait(timeout)
            return
        except subprocess.TimeoutExpired:
            continue


def free_loopback_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((LOOPBACK, 0))
        port: int = probe.getsockname()[1]
        return port
