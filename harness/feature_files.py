"""Lets pytest collect a ``.feature`` file named on its command line, so a written finding
(or any feature) runs with plain ``pytest FILE.feature``: its scenarios are bound in a
module made on the fly, as a ``scenarios(FILE)`` test module would bind them."""

from __future__ import annotations

import hashlib
import types
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

_BIND = "from pytest_bdd import scenarios\nscenarios(__file__, features_base_dir=_base_dir)\n"


class FeatureFile(pytest.Module):
    """A feature file as a test module: one test per scenario."""

    def _getobj(self) -> Any:
        path = Path(self.path)
        digest = hashlib.sha1(str(path).encode("utf-8")).hexdigest()[:12]
        module = types.ModuleType(f"feature_{path.stem.replace('-', '_')}_{digest}")
        module.__file__ = str(path)
        module.__dict__["_base_dir"] = str(path.parent)
        exec(compile(_BIND, f"<bindings of {path.name}>", "exec"), module.__dict__)
        return module


def collect_named_feature(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    """A ``FeatureFile`` for a ``.feature`` path given on the command line, else None (a
    folder's feature files are left to its binding module, so nothing runs twice)."""
    if file_path.suffix != ".feature" or not parent.session.isinitpath(file_path):
        return None
    return FeatureFile.from_parent(parent, path=file_path)


class FeaturePathError(ValueError):
    """A path given to run or check that is not a feature file or a folder holding some."""


def expand_feature_paths(paths: Sequence[str]) -> list[str]:
    """Every ``.feature`` file the paths name, folders searched recursively, in order, each
    once (a folder is expanded here, so its files are collected as named files)."""
    found: list[str] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            inside = sorted(str(p) for p in path.rglob("*.feature"))
            if not inside:
                raise FeaturePathError(f"{given}: a folder with no .feature file in it")
            found += inside
        elif path.is_file() and path.suffix == ".feature":
            found.append(given)
        elif path.exists():
            raise FeaturePathError(f"{given}: not a .feature file")
        else:
            raise FeaturePathError(f"{given}: no such file or folder")
    return list(dict.fromkeys(found))


def named_feature_files(arguments: Sequence[str]) -> list[str]:
    """The feature files among a pytest command line's arguments (for the rerun command)."""
    return [a for a in arguments if a.split("::", 1)[0].endswith(".feature")]
