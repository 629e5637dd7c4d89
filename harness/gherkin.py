"""Reads the features as data: every scenario with its tags and rendered steps, for the
catalog checks, the step glossary and the reports."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from pytest_bdd.feature import get_features
from pytest_bdd.scenario import scenario_wrapper_template_registry

from harness.suite import FEATURES_DIR


@dataclass(frozen=True)
class ScenarioSpec:
    feature: str
    name: str
    path: str
    line: int
    tags: frozenset[str]
    steps: tuple[tuple[str, str], ...]  # (type, text), every example rendered

    @property
    def rules(self) -> tuple[str, ...]:
        return tuple(sorted(t[len("rule-") :] for t in self.tags if t.startswith("rule-")))


def read_scenarios(features_dir: Path = FEATURES_DIR) -> list[ScenarioSpec]:
    specs = []
    for feature in get_features([str(features_dir)]):
        for template in feature.scenarios.values():
            contexts = [c for examples in template.examples for c in examples.as_contexts()] or [{}]
            steps: list[tuple[str, str]] = []
            for context in contexts:
                rendered = template.render(context)
                steps.extend((step.type, step.name) for step in rendered.steps)
            specs.append(
                ScenarioSpec(
                    feature=feature.name,
                    name=template.name,
                    path=Path(feature.filename).name,
                    line=template.line_number,
                    tags=frozenset(template.tags | feature.tags),
                    steps=tuple(dict.fromkeys(steps)),
                )
            )
    return specs


def scenario_names(item: pytest.Item) -> tuple[str, str]:
    """The feature's and the scenario's names of a collected pytest-bdd test."""
    function = getattr(getattr(item, "obj", None), "__wrapped__", None) or getattr(
        item, "obj", None
    )
    template = scenario_wrapper_template_registry.get(function) if function is not None else None
    if template is None:
        return "", item.name
    return template.feature.name, template.name
