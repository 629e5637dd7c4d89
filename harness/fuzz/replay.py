"""Replays a written finding (any ``.feature`` file) through pytest and the harness plugin,
against the reference, an in-process portal (``module:Name``) or a target on the wire."""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path

_BINDING = """from pytest_bdd import scenarios

scenarios({path!r})
"""
_CONFTEST = """import pytest

from harness.fuzz import portal_factory_from


@pytest.fixture
def portal_factory():
    return portal_factory_from({spec!r})
"""
_INI = """[pytest]
addopts = -p harness.plugin -p no:cacheprovider --strict-markers
xfail_strict = true
"""


class ReplayError(RuntimeError):
    """The replay cannot start (missing file, a target this checkout cannot reach)."""


def replay_arguments(
    feature: Path,
    workdir: Path,
    *,
    target_url: str | None = None,
    target_cmd: str | None = None,
    portal: str | None = None,
    seed: int | None = None,
    extra: Sequence[str] = (),
) -> list[str]:
    """Write the binding module (and a conftest for an in-process portal) into ``workdir``;
    return the arguments for ``pytest.main``."""
    feature = feature.resolve()
    if not feature.is_file():
        raise ReplayError(f"no such feature file: {feature}")
    (workdir / "pytest.ini").write_text(_INI, encoding="utf-8")
    # A name of its own: replays in one process must not meet a cached module of the same name.
    module = f"test_replay_{workdir.name.replace('-', '_')}.py"
    (workdir / module).write_text(_BINDING.format(path=str(feature)), encoding="utf-8")
    if portal:
        (workdir / "conftest.py").write_text(_CONFTEST.format(spec=portal), encoding="utf-8")
    arguments = [str(workdir), "-c", str(workdir / "pytest.ini"), "--rootdir", str(workdir)]
    arguments += ["--import-mode=importlib"]
    if seed is not None:
        arguments += ["--harness-seed", str(seed)]
    if target_url:
        arguments += ["--harness-target", target_url]
    if target_cmd:
        arguments += ["--harness-target-cmd", target_cmd]
    return arguments + list(extra)


def replay(
    feature: Path,
    *,
    target_url: str | None = None,
    target_cmd: str | None = None,
    portal: str | None = None,
    seed: int | None = None,
    extra: Sequence[str] = ("-q",),
) -> int:
    """Run ``feature`` with pytest; the exit code is pytest's (0: every scenario passed)."""
    import pytest

    with tempfile.TemporaryDirectory(prefix="portal-harness-replay-") as workdir:
        arguments = replay_arguments(
            feature,
            Path(workdir),
            target_url=target_url,
            target_cmd=target_cmd,
            portal=portal,
            seed=seed,
            extra=extra,
        )
        return int(pytest.main(arguments))
