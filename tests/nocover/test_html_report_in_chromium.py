"""The HTML report as a person sees it: opened in headless Chromium, it shows the rule
matrix and a failure's evidence. The screenshot is kept as a test artifact."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.quality.test_seeded_bugs import CONFTEST, SUITE

pytest_plugins = ["pytester"]

ARTIFACTS = Path(
    os.environ.get("HARNESS_ARTIFACTS", Path(__file__).resolve().parents[2] / "artifacts")
)
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium() -> str:
    found = (
        shutil.which("chromium")
        or shutil.which("chromium-browser")
        or shutil.which("google-chrome")
    )
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("CI must have Chromium for the HTML report test (.ci/run installs it)")
        pytest.skip("no Chromium on this machine (apt-get install chromium)")
    return found


def test_the_html_report_shows_the_matrix_and_a_failures_evidence(
    pytester: pytest.Pytester, tmp_path: Path
) -> None:
    browser = chromium()
    pytester.makeconftest(
        CONFTEST.format(module="tests.quality.buggy_portals", name="DeletesWithoutConfirmation")
    )
    pytester.makepyfile(test_suite=SUITE)
    reports = tmp_path / "reports"
    result = pytester.runpytest_inprocess(
        "-p", "no:cacheprovider", "-m", "faq-2", "--harness-report-dir", str(reports)
    )
    result.assert_outcomes(passed=3, failed=1)
    page = (reports / "report.html").as_uri()
    profile = ["--user-data-dir=" + str(tmp_path / "chromium-profile")]

    dom = subprocess.run(
        [browser, *CHROMIUM_FLAGS, *profile, "--dump-dom", page],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    assert '<table id="matrix">' in dom
    assert "delete-needs-confirmation" in dom and 'class="failed"' in dom
    assert '<section class="failure">' in dom and "step: When the student deletes" in dom

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    screenshot = ARTIFACTS / "html-report.png"
    screenshot.unlink(missing_ok=True)
    subprocess.run(
        [
            browser,
            *CHROMIUM_FLAGS,
            *profile,
            f"--screenshot={screenshot}",
            "--window-size=1280,2200",
            page,
        ],
        capture_output=True,
        timeout=120,
        check=True,
    )
    assert screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
