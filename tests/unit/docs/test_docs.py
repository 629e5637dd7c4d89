"""The docs a newcomer follows: every document the repo names is one it ships, and the
domain facts the rules rest on are in docs/domain.md with their rule ids."""

from __future__ import annotations

import re
from pathlib import Path

from harness.catalog import RULES
from harness.reports.writers import REPORT_FILES

REPO = Path(__file__).resolve().parents[3]
SEARCHED = ("README.md", "docs", "harness", "simulators", "fixtures", "features", "benchmarks")
SUFFIXES = {".md", ".py", ".yaml", ".feature", ".ini", ".toml"}
MENTION = re.compile(r"(?<![\w/.-])([\w./-]*[\w-]+\.md)\b")


def _texts() -> list[Path]:
    found = []
    for name in SEARCHED:
        path = REPO / name
        found += [path] if path.is_file() else sorted(path.rglob("*"))
    return [p for p in found if p.is_file() and p.suffix in SUFFIXES and "_features" not in p.parts]


def test_every_document_named_is_one_the_repo_ships() -> None:
    generated = set(REPORT_FILES.values())
    missing = []
    for path in _texts():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for name in MENTION.findall(line):
                if name in generated or "://" in line.split(name)[0].rsplit(" ", 1)[-1]:
                    continue
                if not ((REPO / name).is_file() or (path.parent / name).is_file()):
                    missing.append(f"{path.relative_to(REPO)}:{number}: {name}")
    assert not missing, "documents the repo does not ship:\n" + "\n".join(missing)


def test_the_domain_page_names_every_rule_beside_its_facts() -> None:
    text = (REPO / "docs" / "domain.md").read_text(encoding="utf-8")
    assert [r.rule_id for r in RULES if f"`{r.rule_id}`" not in text] == []
    assert "Sept. 25, 2019" in text
