"""portal-harness fuzz and replay: budgets, seed, summary, findings, clear errors."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from harness.cli import main

BUGGY = "tests.quality.buggy_portals:NotIdempotent"


def test_fuzz_prints_a_summary_with_the_seed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["fuzz", "--steps", "120", "--seed", "11", "--out", str(tmp_path)])
    out, err = capsys.readouterr()
    assert code == 0, out + err
    assert "seed 11" in out and "steps run:" in out and "rules exercised:" in out
    assert "model states visited:" in out and "failures written: 0" in out
    assert "fuzz: " in err  # the progress display


def test_fuzz_with_bad_input_and_quiet(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["fuzz", "--seconds", "0.3", "--seed", "2", "-q", "--out", str(tmp_path),
                 "--bad-input", "5"])  # fmt: skip
    out, err = capsys.readouterr()
    assert "bad input: 5 cases" in out
    assert err == ""
    assert code in (0, 1)  # a C1 control character may be drawn: a known reference gap


def test_an_unknown_portal_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fuzz", "--portal", "no.such.module:Portal", "--steps", "1"]) == 2
    assert "portal-harness fuzz:" in capsys.readouterr().err


def test_replay_of_a_missing_file_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["replay", str(tmp_path / "nothing.feature")]) == 2
    assert "no such feature file" in capsys.readouterr().err


def test_replay_runs_a_feature_against_the_reference(tmp_path: Path) -> None:
    feature = tmp_path / "one.feature"
    feature.write_text(
        "@core @faq-7 @rule-approval-sends-creation-email\n"
        "Feature: One\n"
        "  Scenario: One approval, one email\n"
        "    Given a student whose post-completion OPT request is pending with USCIS\n"
        "    And the next transmission to the portal is delivered twice\n"
        "    When USCIS approves the OPT request\n"
        '    Then the student receives exactly one "account creation" email\n',
        encoding="utf-8",
    )
    assert main(["replay", str(feature)]) == 0
    assert main(["replay", str(feature), "--portal",
                 "tests.quality.buggy_portals:NotIdempotent"]) == 1  # fmt: skip


def test_a_short_live_run_against_the_reference_launched_over_http(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    command = f"{sys.executable} -m simulators.portal"
    code = main(["fuzz", "--target-cmd", command, "--steps", "15", "--seed", "3", "-q",
                 "--max-failures", "1", "--out", str(tmp_path)])  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0, out
    assert "target launched:" in out and "steps run:" in out


ONE = (
    "@core @faq-7 @rule-approval-sends-creation-email\n"
    "Feature: One\n"
    "  Scenario: One approval, one email\n"
    "    Given a student whose post-completion OPT request is pending with USCIS\n"
    "    And the next transmission to the portal is delivered twice\n"
    "    When USCIS approves the OPT request\n"
    '    Then the student receives exactly one "account creation" email\n'
)


def test_replay_verbose_lists_every_step_with_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    feature = tmp_path / "one.feature"
    feature.write_text(ONE, encoding="utf-8")
    assert main(["replay", str(feature), "-v"]) == 0
    out = capsys.readouterr().out
    assert "one.feature:3: Scenario: One approval, one email (passed)" in out
    for line in (4, 5, 6):
        assert f"one.feature:{line}  " in out
    assert 'one.feature:7  Then the student receives exactly one "account creation" email' \
        "  [passed]" in out  # fmt: skip


def test_a_replayed_failure_names_the_feature_file_and_the_step_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    feature = tmp_path / "one.feature"
    feature.write_text(ONE, encoding="utf-8")
    assert main(["replay", str(feature), "--portal", BUGGY]) == 1
    out = capsys.readouterr().out
    assert "one.feature:3: Scenario: One approval, one email (failed)" in out
    assert " > " in out and "one.feature:7  Then the student receives exactly one" in out
    assert "expected exactly one 'account creation' email" in out
    assert "test_replay_" not in out and "<bindings of" not in out  # no temporary module
    assert "one.feature:4" not in out  # without -v, only the failing step


@pytest.mark.parametrize(
    "portal", ["no.such.module:Portal", "tests.quality.buggy_portals:Nope", "no-colon"]
)
def test_a_bad_portal_for_replay_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], portal: str
) -> None:
    feature = tmp_path / "one.feature"
    feature.write_text(ONE, encoding="utf-8")
    assert main(["replay", str(feature), "--portal", portal]) == 2
    captured = capsys.readouterr()
    assert f"--portal {portal}" in captured.err + captured.out
    assert "Traceback" not in captured.err + captured.out
