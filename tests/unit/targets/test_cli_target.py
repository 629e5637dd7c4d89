"""``portal-harness run --target/--target-cmd`` hands the target to the plugin's options."""

from __future__ import annotations

import pytest

from harness.cli import main
from simulators.common.launch import ChannelSecrets

pytest_plugins = ["pytester"]


def forwarded(monkeypatch: pytest.MonkeyPatch, *cli_args: str) -> list[str]:
    """The arguments ``portal-harness run`` gives pytest for ``cli_args``."""
    seen: list[list[str]] = []

    def fake_main(args: list[str]) -> int:
        seen.append(args)
        return 0

    monkeypatch.setattr(pytest, "main", fake_main)
    assert main(["run", *cli_args]) == 0
    (args,) = seen
    return args


def test_the_target_options_reach_pytest(
    monkeypatch: pytest.MonkeyPatch, pytester: pytest.Pytester
) -> None:
    first = pytester.parseconfig(
        *forwarded(monkeypatch, "--target", "http://127.0.0.1:9", "--http-timeout", "2")
    )
    second = pytester.parseconfig(
        *forwarded(monkeypatch, "--target-cmd", "my-portal --serve", "--mail-wait", "0")
    )
    assert first.getoption("--harness-target") == "http://127.0.0.1:9"
    assert first.getoption("--harness-http-timeout") == 2.0
    assert second.getoption("--harness-target-cmd") == "my-portal --serve"
    assert second.getoption("--harness-mail-wait") == 0.0
    assert second.getoption("--harness-target") is None


def test_a_secret_that_begins_with_a_dash_reaches_pytest_whole(
    monkeypatch: pytest.MonkeyPatch, pytester: pytest.Pytester
) -> None:
    """A vendor's secret may begin with "-"; forwarded as two arguments, pytest read it as
    its own options (``-lnqK...`` is ``-l`` with a value) and the run was a usage error."""
    args = forwarded(
        monkeypatch,
        "--target",
        "http://127.0.0.1:9",
        "--sevis-secret=-lnqK37",
        "--control-secret=-x",
    )
    config = pytester.parseconfig(*args)
    assert config.getoption("--harness-sevis-secret") == "-lnqK37"
    assert config.getoption("--harness-control-secret") == "-x"


def test_generated_secrets_never_begin_with_a_dash() -> None:
    """serve prints its secrets for a command line; one in 64 URL-safe tokens began with "-"."""
    for _ in range(500):
        secrets = ChannelSecrets.generate()
        assert not secrets.sevis.startswith("-") and not secrets.control.startswith("-")
        assert len(secrets.sevis) >= 43  # 256 bits
