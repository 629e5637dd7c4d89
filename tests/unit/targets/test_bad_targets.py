"""A bad target never hangs or crashes the harness: each misbehaviour gives a clear
preflight error, or a failed scenario whose message and evidence say what went wrong,
within bounded time."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from typing import Any

import pytest

from harness.targets import free_loopback_port
from harness.verdict import EXIT_ERROR
from simulators.common.contract import CONTRACT_VERSION
from tests.unit.targets.conftest import ONE_SCENARIO

pytest_plugins = ["pytester"]

FAST = ("--harness-http-timeout", "0.5", "--harness-mail-wait", "0.3")
#: A hang detector, not a speed target: with the short timeouts above each of these runs
#: takes a few seconds; one that waited on the stalled peer would take minutes (or never end).
HANG = 90.0


def _no_traceback(result: pytest.RunResult) -> str:
    text = result.stderr.str() + result.stdout.str()
    assert "Traceback" not in text, text
    return text


@pytest.fixture
def silent_listener() -> Iterator[str]:
    """Accepts connections (the kernel does) and never answers a byte."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"


# --- preflight errors ---------------------------------------------------------------------


def test_nothing_listening_is_a_preflight_error(run_suite: Any) -> None:
    url = f"http://127.0.0.1:{free_loopback_port()}"
    run = run_suite("--harness-target", url, *FAST)
    assert run.result.ret == EXIT_ERROR
    text = _no_traceback(run.result)
    assert f"sevp-harness preflight: nothing is listening at {url}" in text
    assert "--harness-target-cmd" in text  # pytest users read pytest's spelling


def test_a_portal_that_never_answers_is_a_preflight_error(
    run_suite: Any, silent_listener: str
) -> None:
    started = time.monotonic()
    run = run_suite("--harness-target", silent_listener, *FAST)
    assert run.result.ret == EXIT_ERROR
    assert "did not answer GET /_harness/info within 0.5s" in _no_traceback(run.result)
    assert time.monotonic() - started < HANG


def test_html_instead_of_the_info_is_a_preflight_error(run_suite: Any, serve_portal: Any) -> None:
    portal = serve_portal(misbehave=("GET", "/_harness/info", "html"))
    run = run_suite("--harness-target", portal.url, *FAST)
    assert run.result.ret == EXIT_ERROR
    text = _no_traceback(run.result)
    assert "does not answer GET /_harness/info as the contract says (not-json" in text


def test_another_contract_major_version_is_a_preflight_error(
    run_suite: Any, serve_portal: Any
) -> None:
    portal = serve_portal(info_override={"contract_version": "2.1.0"})
    run = run_suite("--harness-target", portal.url, *FAST)
    assert run.result.ret == EXIT_ERROR
    text = _no_traceback(run.result)
    assert f"speaks contract version '2.1.0'; this harness speaks {CONTRACT_VERSION}" in text


def test_a_portal_that_does_not_say_where_it_sends_mail_is_a_preflight_error(
    run_suite: Any, serve_portal: Any
) -> None:
    portal = serve_portal(info_override={"simulators": {"smtp": None, "sevis_url": None}})
    run = run_suite("--harness-target", portal.url, *FAST)
    assert run.result.ret == EXIT_ERROR
    assert "does not say where it sends mail" in _no_traceback(run.result)


# --- failed scenarios with evidence -----------------------------------------------------------


def _failed_with(run: Any, words: str, evidence: str) -> dict[str, Any]:
    run.result.assert_outcomes(failed=1)
    scenario = run.scenario()
    assert scenario["outcome"] == "failed"
    assert words in run.result.stdout.str(), run.result.stdout.str()[-3000:]
    assert any(evidence in line for line in scenario["evidence"]), scenario["evidence"]
    return scenario


def test_a_500_fails_the_scenario_with_the_exchange_as_evidence(
    run_suite: Any, serve_portal: Any
) -> None:
    portal = serve_portal(misbehave=("POST", "/me/employers", "500"))
    run = run_suite("--harness-target", portal.url, *FAST, "-m", "faq-2", "-k", "neverworked")
    _failed_with(
        run,
        "add_employer: POST",
        "http add_employer: POST",
    )
    assert "server-error: answered 500" in run.result.stdout.str()


def test_html_instead_of_json_fails_the_scenario(run_suite: Any, serve_portal: Any) -> None:
    portal = serve_portal(misbehave=("GET", "/me/employers", "html"))
    run = run_suite("--harness-target", portal.url, *FAST, "-m", "faq-2", "-k", "neverworked")
    _failed_with(run, "not-json: a 200 answer that is not JSON (text/html)", "[not-json")


def test_a_route_that_hangs_fails_the_scenario_within_the_timeout(
    run_suite: Any, serve_portal: Any
) -> None:
    portal = serve_portal(misbehave=("POST", "/me/employers", "hang"))
    started = time.monotonic()
    run = run_suite("--harness-target", portal.url, *FAST, "-m", "faq-2", "-k", "neverworked")
    _failed_with(run, "timeout: no complete answer within 0.5s", "-> no answer")
    assert time.monotonic() - started < HANG


def test_a_portal_that_never_sends_the_email_fails_the_scenario(
    run_suite: Any, serve_portal: Any
) -> None:
    portal = serve_portal(mailer="drop")
    run = run_suite("--harness-target", portal.url, *FAST, "-m", "faq-2", "-k", "neverworked")
    _failed_with(run, "no 'account-creation' email", "http deliver: POST")


def test_an_smtp_conversation_that_stalls_fails_the_scenario_and_the_run_ends(
    run_suite: Any, serve_portal: Any
) -> None:
    portal = serve_portal(mailer="stall")
    started = time.monotonic()
    run = run_suite("--harness-target", portal.url, *FAST, "-m", "faq-2", "-k", "neverworked")
    scenario = _failed_with(run, "no 'account-creation' email", "http deliver: POST")
    assert "a stalled SMTP conversation (RCPT TO accepted" in scenario["reason"]
    assert "mailbox holds: nothing" not in scenario["reason"]
    assert time.monotonic() - started < HANG  # the SMTP server stops despite the open session


def test_a_password_echoed_with_terminal_escapes_is_masked_and_neutralised_everywhere(
    run_suite: Any, serve_portal: Any, pytester: pytest.Pytester
) -> None:
    from harness.world import FIRST_PASSWORD_WORD, harness_password

    portal = serve_portal(misbehave=("POST", "/sessions", "echo-password"))
    run = run_suite("--harness-target", portal.url, *FAST, *ONE_SCENARIO)
    run.result.assert_outcomes(failed=1)
    scenario = run.scenario()
    assert "the email or password **** is wrong" in scenario["reason"]  # words stay
    folder = pytester.path / "reports"
    outputs = {
        "console": run.result.stdout.str() + run.result.stderr.str(),
        **{name: (folder / name).read_text() for name in _REPORT_FILES},
    }
    for name, text in outputs.items():
        assert harness_password(FIRST_PASSWORD_WORD) not in text, name
        if name in ("console", "summary.md", "report.html", "junit.xml"):
            assert "\x1b" not in text and "\x07" not in text, name
    assert "\\x1b[31m" in outputs["summary.md"]  # shown, not obeyed


_REPORT_FILES = ("report.json", "summary.md", "report.html", "junit.xml", "cucumber.json")


def test_a_portal_that_echoes_a_password_fails_the_rule_that_forbids_it(
    run_suite: Any, serve_portal: Any
) -> None:
    portal = serve_portal(misbehave=("POST", "/sessions", "echo-password-on-refusal"))
    run = run_suite("--harness-target", portal.url, *FAST, "-k", "No_password_in_any_email")
    scenario = run.scenario()
    assert scenario["outcome"] == "failed" and scenario["rules"] == ["no-secret-exposed"]
    assert (
        "a password appears in" in scenario["reason"]
        and "the login answer (401)" in scenario["reason"]
    )
    assert "Wrong-0-Password!" not in run.result.stdout.str()  # and it stays masked


def test_the_reference_passes_the_rule_with_its_wrong_password_step(
    run_suite: Any, serve_portal: Any
) -> None:
    portal = serve_portal()
    run = run_suite("--harness-target", portal.url, *FAST, "-k", "No_password_in_any_email")
    assert run.scenario()["outcome"] == "passed"
