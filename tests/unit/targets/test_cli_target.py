"""``portal-harness run --target/--target-cmd`` hands the target to the plugin's options."""

from __future__ import annotations

import pytest

from harness.cli import main


def test_the_target_options_reach_pytest(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[list[str]] = []

    def fake_main(args: list[str]) -> int:
        seen.append(args)
        return 0

    monkeypatch.setattr(pytest, "main", fake_main)
    assert main(["run", "--target", "http://127.0.0.1:9", "--http-timeout", "2"]) == 0
    assert main(["run", "--target-cmd", "my-portal --serve", "--mail-wait", "0"]) == 0
    first, second = seen
    assert first[first.index("--harness-target") + 1] == "http://127.0.0.1:9"
    assert first[first.index("--harness-http-timeout") + 1] == "2.0"
    assert second[second.index("--harness-target-cmd") + 1] == "my-portal --serve"
    assert second[second.index("--harness-mail-wait") + 1] == "0.0"
    assert "--harness-target" not in second
