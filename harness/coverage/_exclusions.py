"""The one list of what no scenario needs to cover, each entry with its reason."""

from __future__ import annotations

from pathlib import Path

import yaml

EXCLUSIONS_PATH = Path(__file__).with_name("exclusions.yaml")
TABLES = ("operations", "responses", "fields", "states", "faq")


class ExclusionsError(ValueError):
    """The exclusions file is not a mapping of table -> key -> reason."""


def load_exclusions(path: Path = EXCLUSIONS_PATH) -> dict[str, dict[str, str]]:
    """``{table: {key: reason}}``; every entry must give a reason."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict) or set(data) - set(TABLES):
        raise ExclusionsError(f"{path.name}: top-level keys are tables, one of {TABLES}")
    tables: dict[str, dict[str, str]] = {}
    for table, entries in data.items():
        if not isinstance(entries, dict):
            raise ExclusionsError(f"{path.name}: {table} maps a key to its reason")
        for key, reason in entries.items():
            if not isinstance(reason, str) or not reason.strip():
                raise ExclusionsError(f"{path.name}: {table} {key!r} gives no reason")
        tables[table] = {str(k): str(v).strip() for k, v in entries.items()}
    return tables
