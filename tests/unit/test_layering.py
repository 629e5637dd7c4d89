"""The layering: the simulators know nothing of the harness or its fixtures.

Vendors and the reference build on ``simulators``; the harness builds on them. An
import the other way round (even one for types only) ties the product's doubles to the
test runner, so every import under simulators/ is read from the source and checked.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SIMULATORS = ROOT / "simulators"
FORBIDDEN = ("harness", "fixtures")

#: Imports the layering still tolerates, each with the one step that removes it (none left:
#: the notice catalog, product data, now lives in simulators/common/notices.py).
ALLOWED: set[tuple[str, str]] = set()


def imported_modules(source: str) -> set[str]:
    """Every module a source file imports, at any depth (TYPE_CHECKING and functions too)."""
    modules: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules.add(node.module)
    return modules


def upward_imports(package: Path, root: Path) -> set[tuple[str, str]]:
    """(file, module) for each import under ``package`` of a forbidden top-level package."""
    found = set()
    for path in sorted(package.rglob("*.py")):
        for module in imported_modules(path.read_text(encoding="utf-8")):
            if module.split(".")[0] in FORBIDDEN:
                found.add((path.relative_to(root).as_posix(), module))
    return found


def test_no_simulator_module_imports_the_harness_or_fixtures() -> None:
    unexpected = upward_imports(SIMULATORS, ROOT) - ALLOWED
    assert not unexpected, f"simulators/ must not import harness/ or fixtures/: {unexpected}"


def test_every_tolerated_import_still_exists() -> None:
    """Once an import is gone its allowance goes too, so it cannot come back unseen."""
    assert upward_imports(SIMULATORS, ROOT) >= ALLOWED


@pytest.mark.parametrize(
    "line",
    [
        "import harness.world",
        "from harness.drivers.base import PortalDriver",
        "from fixtures import notices",
        "if TYPE_CHECKING:\n    from harness import World",
        "def f():\n    import fixtures.notices",
    ],
)
def test_the_check_finds_an_upward_import_however_it_is_written(tmp_path: Path, line: str) -> None:
    package = tmp_path / "simulators"
    package.mkdir()
    (package / "leaky.py").write_text(f"from typing import TYPE_CHECKING\n{line}\n")
    (package / "clean.py").write_text("from simulators.common import clock\nimport harnessing\n")
    found = upward_imports(package, tmp_path)
    assert [file for file, _ in found] == ["simulators/leaky.py"]
