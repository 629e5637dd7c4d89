"""docs/fuzzing.md's example against a seeded bug finds that bug: the documented command,
run as written (its seed repeats the run), writes a finding that reproduces."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest

from harness.cli import main

DOC = Path(__file__).resolve().parents[2] / "docs" / "fuzzing.md"


def _documented_command() -> list[str]:
    (line,) = [ln for ln in DOC.read_text(encoding="utf-8").splitlines() if "buggy_portals:" in ln]
    words = shlex.split(line.split("#", 1)[0])
    assert words[:2] == ["portal-harness", "fuzz"], line
    return words[1:]


def test_the_documented_fuzz_command_finds_the_seeded_bug(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    command = _documented_command()
    assert main([*command, "-q", "--out", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "failures written: 1" in out, out
    assert "(target; reproduced)" in out, out
    (finding,) = tmp_path.glob("*.feature")
    assert main(["replay", str(finding), "--portal", command[command.index("--portal") + 1]]) == 1
    assert main(["replay", str(finding)]) == 0  # the reference passes it
