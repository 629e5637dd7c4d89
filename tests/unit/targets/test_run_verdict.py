"""The verdict a release gates on, from misbehaving targets and signals: every output
(console, report.json, summary.md, report.html, junit.xml, cucumber.json) and ``diff``
say the same, and none says "passed" for a portal the run did not test."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from harness.cli import main
from harness.diff import CANNOT_COMPARE
from harness.reports import RunInfo, build_report
from harness.results import Outcome, ScenarioResult
from harness.targets import free_loopback_port
from harness.verdict import EXIT_ERROR

REPO_ROOT = Path(__file__).resolve().parents[3]
FAQ_2 = ("--tag", "faq-2", "--http-timeout", "2", "--mail-wait", "0.5")


def harness(*args: str, **popen: object) -> subprocess.Popen[str]:
    """``portal-harness`` in a child process, as a CI job runs it."""
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    return subprocess.Popen(  # type: ignore[call-overload, no-any-return]
        [sys.executable, "-m", "harness.cli", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
        **popen,
    )


def finished(process: subprocess.Popen[str], timeout: float = 120) -> tuple[int, str]:
    """The run's exit status and console; a run still going at ``timeout`` is killed (its
    launched portal stops with it: the harness's cleanup or, failing that, the test's)."""
    try:
        out, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        raise
    return process.returncode, out


def assert_verdict_everywhere(folder: Path, console: str, verdict: str, cause: str) -> dict:  # type: ignore[type-arg]
    """The same verdict and cause in the console and every report file."""
    report = json.loads((folder / "report.json").read_text())
    assert report["verdict"]["verdict"] == verdict, report["verdict"]
    assert cause in report["verdict"]["reason"]
    assert f"{verdict.upper()}: " in console and cause in console
    summary = (folder / "summary.md").read_text()
    assert f"**{verdict.upper()}: " in summary and cause in summary
    assert "PASSED" not in summary or verdict == "passed"
    page = (folder / "report.html").read_text()
    assert f'data-verdict="{verdict}"' in page
    junit = ET.parse(folder / "junit.xml").getroot()
    properties = {p.get("name"): p.get("value") for p in junit.iter("property")}
    assert properties["sevp-harness-verdict"] == verdict
    assert cause in (properties["sevp-harness-verdict-reason"] or "")
    broken = junit.findall(".//testcase/error") + junit.findall(".//testcase/failure")
    if verdict in ("error", "interrupted"):  # a reader who counts errors sees one
        assert junit.findall(".//testcase/error"), "the JUnit file shows no error"
    elif verdict == "passed":
        assert not broken
    cucumber = json.loads((folder / "cucumber.json").read_text())
    run_feature = cucumber[-1]
    assert run_feature["name"] == "SEVP Portal conformance run"
    assert run_feature["elements"][0]["name"] == f"verdict: {verdict}"
    step = run_feature["elements"][0]["steps"][0]["result"]
    if verdict == "passed":
        assert step["status"] == "passed"
    else:
        assert step["status"] in ("failed", "skipped") and cause in step["error_message"]
    return report  # type: ignore[no-any-return]


def a_good_report(tmp_path: Path) -> Path:
    """The report of a complete, passing run of the FAQ 2 rules."""
    info = RunInfo("reference", "1.1.0", "in memory", 1, "2026-01-01", "2026-01-01", ("core",))
    results = [
        ScenarioResult(f"n{i}", "f", "s", (rule,), (2,), "core", Outcome.PASSED)
        for i, rule in enumerate(
            [
                "delete-needs-confirmation",
                "delete-recorded",
                "dso-restores-employer",
                "readd-is-not-restore",
            ]
        )
    ]
    path = tmp_path / "good.json"
    path.write_text(json.dumps(build_report(info, results).to_json()))
    return path


def assert_diff_refuses(tmp_path: Path, folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = a_good_report(tmp_path)
    assert main(["diff", str(good), str(folder / "report.json")]) == CANNOT_COMPARE
    out = capsys.readouterr().out
    assert "cannot gate: the later run is not a complete run" in out
    assert "no regression" not in out


def test_a_target_that_is_not_reached_is_an_error_everywhere(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"http://127.0.0.1:{free_loopback_port()}"
    status, console = finished(
        harness("run", "--target", url, "--report-dir", str(tmp_path / "D"), *FAQ_2)
    )
    assert status == EXIT_ERROR, console
    report = assert_verdict_everywhere(tmp_path / "D", console, "error", "nothing is listening")
    assert report["verdict"]["scenarios_run"] == 0
    assert report["run"]["implementation"].startswith("unknown")
    assert {r["status"] for r in report["rules"]} <= {"not run", "not selected"}
    assert "--target-cmd" in console and "--harness-target-cmd" not in console  # CLI spelling
    assert "Traceback" not in console
    junit = ET.parse(tmp_path / "D" / "junit.xml").getroot()
    assert junit.find(".//testcase/error") is not None  # not tests="0"
    assert_diff_refuses(tmp_path, tmp_path / "D", capsys)


def test_a_launch_that_fails_is_an_error_everywhere(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, console = finished(
        harness("run", "--target-cmd", "false", "--report-dir", str(tmp_path / "D"), *FAQ_2)
    )
    assert status == EXIT_ERROR, console
    assert_verdict_everywhere(tmp_path / "D", console, "error", "exited with status 1")
    assert "waiting up to 30s for the launched portal" in console  # the progress line
    assert_diff_refuses(tmp_path, tmp_path / "D", capsys)


DYING_PORTAL = """\
import asyncio, os, sys
from simulators.portal import server

made = server.reference_app
resets = 0


def misbehaving(*args, **kwargs):
    app = made(*args, **kwargs)

    async def wrapped(scope, receive, send):
        global resets
        if scope["type"] == "http" and scope["path"] == "/_harness/reset":
            resets += 1
            if resets > {after}:
                if {hang}:
                    open({marker!r}, "w").close()
                    await asyncio.sleep(120)
                sys.stderr.write("dying: out of memory\\n")
                sys.stderr.flush()
                os._exit(7)
        await app(scope, receive, send)

    return wrapped


server.reference_app = misbehaving
with open({pidfile!r}, "w") as out:
    out.write(str(os.getpid()))
raise SystemExit(server.main())
"""


def portal_script(tmp_path: Path, *, after: int, hang: bool = False) -> tuple[str, Path, Path]:
    """A reference portal that dies (or hangs) at the reset of scenario ``after + 1``."""
    pidfile, marker = tmp_path / "portal.pid", tmp_path / "hanging"
    script = tmp_path / "portal.py"
    script.write_text(
        DYING_PORTAL.format(after=after, hang=hang, marker=str(marker), pidfile=str(pidfile))
    )
    return f"{sys.executable} {script}", pidfile, marker


def test_a_launched_portal_that_dies_stops_the_run_with_one_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    command, _, _ = portal_script(tmp_path, after=2)
    folder = tmp_path / "D"
    status, console = finished(
        harness("run", "--target-cmd", command, "--report-dir", str(folder), *FAQ_2)
    )
    assert status == EXIT_ERROR, console
    report = assert_verdict_everywhere(folder, console, "error", "exited with status 7")
    assert "dying: out of memory" in report["verdict"]["reason"]  # the stderr tail, once
    outcomes = [s["outcome"] for s in report["scenarios"]]
    assert outcomes[:2] == ["passed", "passed"] and outcomes[2] == "error"
    assert set(outcomes[3:]) <= {"not run"} and outcomes[3:]
    assert report["verdict"]["scenarios_run"] == 2
    # in the errored scenario (and its summary line, when the scenario had begun) and the
    # verdict; never once per scenario that did not run
    assert console.count("dying: out of memory") <= 3
    junit = ET.parse(folder / "junit.xml").getroot()
    assert len(junit.findall(".//testcase/error")) == 1
    assert not junit.findall(".//testcase/failure")
    assert "to accept a failure" not in console  # never an expected-failure entry for it
    assert_diff_refuses(tmp_path, folder, capsys)


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP])
def test_a_signal_interrupts_the_run_stops_the_portal_and_writes_the_reports(
    tmp_path: Path, stop: signal.Signals, capsys: pytest.CaptureFixture[str]
) -> None:
    command, pidfile, marker = portal_script(tmp_path, after=1, hang=True)
    folder = tmp_path / "D"
    process = harness(
        "run",
        "--target-cmd",
        command,
        "--report-dir",
        str(folder),
        "--tag",
        "faq-2",
        "--http-timeout",
        "60",
    )
    portal_pid = 0
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():  # the second scenario is in flight
            assert process.poll() is None and time.monotonic() < deadline, process.stdout
            time.sleep(0.1)
        portal_pid = int(pidfile.read_text())
        ports = [int(line.split(":")[-1]) for line in _portal_ports(portal_pid)]
        assert ports, "the launched portal's listening ports were not found"
        process.send_signal(stop)
        status, console = finished(process, timeout=60)
        assert status == 128 + stop, console
        report = assert_verdict_everywhere(
            folder, console, "interrupted", f"interrupted by {stop.name}"
        )
        outcomes = [s["outcome"] for s in report["scenarios"]]
        assert outcomes[0] == "passed" and set(outcomes[1:]) == {"not run"}
        assert not _alive(portal_pid), "the launched portal outlived the run"
        assert not any(_listening(port) for port in ports)
        assert_diff_refuses(tmp_path, folder, capsys)
    finally:  # after the checks, whatever failed: nothing this test started outlives it
        if process.poll() is None:
            process.kill()
            process.communicate()
        if portal_pid and _alive(portal_pid):
            os.kill(portal_pid, signal.SIGKILL)


def _portal_ports(pid: int) -> list[str]:
    """The portal's listening sockets, from /proc (Linux), as "127.0.0.1:PORT"."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    found = []
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if fields[3] == "0A" and fields[9] in inodes:  # LISTEN
            found.append(f"127.0.0.1:{int(fields[1].split(':')[1], 16)}")
    return found


def test_the_version_is_printed(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out.startswith("portal-harness ")


def test_parallel_workers_whose_launch_fails_never_fall_back_to_memory(tmp_path: Path) -> None:
    folder = tmp_path / "D"
    status, console = finished(
        harness("run", "--target-cmd", "false", "-n", "2", "--report-dir", str(folder), *FAQ_2)
    )
    assert status == EXIT_ERROR, console
    report = json.loads((folder / "report.json").read_text())
    assert report["verdict"]["verdict"] == "error"
    assert "exited with status 1" in report["verdict"]["reason"]
    assert not [s for s in report["scenarios"] if s["outcome"] == "passed"]
