"""The step glossary is current and every sentence of the library is used by a feature."""

from __future__ import annotations

from pathlib import Path

from harness.glossary import glossary, render_markdown

GLOSSARY = Path(__file__).resolve().parents[3] / "docs" / "steps.md"


def test_every_step_sentence_has_an_example_in_the_features() -> None:
    unused = [entry.sentence for entry in glossary() if not entry.example]
    assert not unused, f"step sentences no feature uses: {unused}"


def test_the_committed_glossary_is_current() -> None:
    assert GLOSSARY.read_text(encoding="utf-8") == render_markdown(glossary()), (
        "docs/steps.md is stale: run `portal-harness steps > docs/steps.md`"
    )
