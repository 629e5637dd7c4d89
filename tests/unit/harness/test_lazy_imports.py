"""A scenario run in memory loads nothing it does not need: not hypothesis, not the
fuzzer, not the HTTP client, not the servers (start-up time is a QA engineer's wait).
Plugin autoload is off so that only our plugin, pytest-bdd's and hypothesis' own (which
imports hypothesis only when a test uses it) are loaded: other installed plugins, such
as schemathesis', import these by themselves."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
NOT_NEEDED_IN_MEMORY = (
    "hypothesis",
    "harness.fuzz",
    "requests",
    "uvicorn",
    "starlette",
    "aiosmtpd",
)

FEATURE = """@core @faq-1 @rule-approval-sends-creation-email
Feature: One scenario
  Scenario: An approval sends the account creation email
    Given a student on post-completion OPT approved by USCIS
    Then the student receives exactly one "account creation" email
"""

CONFTEST = f"""import sys


def pytest_sessionfinish(session):
    loaded = [m for m in {NOT_NEEDED_IN_MEMORY!r} if m in sys.modules]
    print("LOADED:", ",".join(loaded) or "nothing")
"""


def _run_one_scenario(folder: Path, *plugins: str) -> str:
    (folder / "one.feature").write_text(FEATURE, encoding="utf-8")
    (folder / "conftest.py").write_text(CONFTEST, encoding="utf-8")
    loaded = [arg for plugin in plugins for arg in ("-p", plugin)]
    command = [sys.executable, "-m", "pytest", "-q", "-s", "-p", "no:cacheprovider", *loaded]
    environ = {**os.environ, "PYTHONPATH": str(REPO), "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
    done = subprocess.run([*command, "one.feature"], cwd=folder, env=environ,
                          capture_output=True, text=True, timeout=300, check=False)  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "1 passed" in done.stdout
    return done.stdout


def test_a_scenario_in_memory_imports_no_http_no_servers_no_hypothesis(tmp_path: Path) -> None:
    out = _run_one_scenario(
        tmp_path, "harness.plugin", "pytest_bdd.plugin", "_hypothesis_pytestplugin"
    )
    assert "LOADED: nothing" in out, out


def test_the_check_sees_an_import_when_there_is_one(tmp_path: Path) -> None:
    """The check can fail: a conftest that imports requests is seen."""
    (tmp_path / "conftest_extra.py").write_text("import requests\n", encoding="utf-8")
    out = _run_one_scenario(tmp_path, "harness.plugin", "pytest_bdd.plugin", "conftest_extra")
    assert "LOADED: requests" in out, out


def test_a_run_without_scenarios_does_not_build_the_data_factory(tmp_path: Path) -> None:
    """Loading the plugin costs no Faker: the data factory (and Faker's locale tables) load
    when a scenario makes its data, so a run of other tests does not pay for them."""
    (tmp_path / "conftest.py").write_text(
        "import sys\n\n\ndef pytest_sessionfinish(session):\n"
        "    loaded = [m for m in ('faker', 'fixtures.factories') if m in sys.modules]\n"
        "    print('LOADED:', ','.join(loaded) or 'nothing')\n",
        encoding="utf-8",
    )
    (tmp_path / "test_nothing.py").write_text("def test_nothing():\n    pass\n", encoding="utf-8")
    command = [sys.executable, "-m", "pytest", "-q", "-s", "-p", "no:cacheprovider",
               "-p", "harness.plugin", "-p", "pytest_bdd.plugin", "test_nothing.py"]  # fmt: skip
    environ = {**os.environ, "PYTHONPATH": str(REPO), "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
    done = subprocess.run(command, cwd=tmp_path, env=environ, capture_output=True, text=True,
                          timeout=300, check=False)  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "LOADED: nothing" in done.stdout, done.stdout
