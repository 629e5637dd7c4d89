"""The HTML report as a person sees it: opened in headless Chromium, it lists every
scenario with its steps (the failing one highlighted) and evidence, its filters work, it
fits 1280 px, and it shows the rule matrix. The screenshot is kept as a test artifact."""

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


#: Frames the report at 1280 px; once loaded, sets its filters and records what shows.
PROBE = """<!doctype html><html><body style="margin:0">
<iframe id="report" src="{page}" style="width:1280px;height:900px;border:0"></iframe>
<script>
document.getElementById("report").addEventListener("load", function () {{
  var doc = this.contentDocument, body = document.body;
  function shown() {{
    return Array.prototype.filter.call(
      doc.querySelectorAll(".scenario"), function (s) {{ return !s.hidden; }}).length;
  }}
  function choose(id, value) {{
    var control = doc.getElementById(id);
    control.value = value;
    control.dispatchEvent(new Event("input"));
  }}
  choose("filter-result", "failed"); body.dataset.shownFailed = shown();
  choose("filter-result", ""); choose("filter-rule", "delete-needs-confirmation");
  body.dataset.shownRule = shown();
  choose("filter-rule", ""); choose("filter-text", "no scenario says this");
  body.dataset.shownText = shown();
  choose("filter-text", ""); body.dataset.shownAll = shown();
  body.dataset.tooWide = doc.documentElement.scrollWidth > 1280;
}});
</script></body></html>
"""


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
    assert dom.count('<details class="scenario"') == 4  # every scenario, not only failures
    failing = dom.split('data-outcome="failed"', 1)[1].split("</details>", 1)[0]
    assert '<tr class="step-failed">' in failing and "the student deletes" in failing
    assert '<li class="ev-sevis">' in failing

    # the filters, as a reader uses them: set in a page that frames the report at 1280 px
    probe = tmp_path / "probe.html"
    probe.write_text(PROBE.format(page=page), encoding="utf-8")
    probed = subprocess.run(
        [
            browser,
            *CHROMIUM_FLAGS,
            *profile,
            "--allow-file-access-from-files",
            "--dump-dom",
            probe.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    assert 'data-shown-failed="1"' in probed  # result: failed
    assert 'data-shown-rule="1"' in probed  # rule: delete-needs-confirmation
    assert 'data-shown-text="0"' in probed  # text matching no scenario
    assert 'data-shown-all="4"' in probed
    assert 'data-too-wide="false"' in probed  # no sideways scrolling at 1280 px

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
