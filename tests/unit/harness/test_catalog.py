"""Traceability: every catalog rule has a scenario, and every scenario names known rules,
its profile and its FAQ items, consistently with the catalog."""

from __future__ import annotations

import pytest

from harness.catalog import PROFILES, RULES, RULES_BY_ID
from harness.gherkin import read_scenarios

SCENARIOS = read_scenarios()


def test_the_features_hold_scenarios() -> None:
    assert len(SCENARIOS) >= len(RULES)


def test_rule_ids_are_unique_and_tag_safe() -> None:
    ids = [rule.rule_id for rule in RULES]
    assert len(ids) == len(set(ids))
    assert all(rule_id.replace("-", "").isalnum() and rule_id.islower() for rule_id in ids)


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.rule_id)
def test_every_rule_has_a_scenario(rule) -> None:  # type: ignore[no-untyped-def]
    assert any(rule.rule_id in s.rules for s in SCENARIOS), f"no scenario carries @{rule.tag}"


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: f"{s.path}:{s.line}")
def test_every_scenario_names_known_rules_profiles_and_faq_items(scenario) -> None:  # type: ignore[no-untyped-def]
    assert scenario.rules, f"{scenario.name!r} names no rule"
    unknown = [r for r in scenario.rules if r not in RULES_BY_ID]
    assert not unknown, f"{scenario.name!r} names unknown rules {unknown}"
    rules = [RULES_BY_ID[r] for r in scenario.rules]
    profiles = {tag for tag in scenario.tags if tag in PROFILES}
    assert profiles == {rule.profile.value for rule in rules}, (
        f"{scenario.name!r} is tagged {sorted(profiles)}; its rules are "
        f"{sorted({rule.profile.value for rule in rules})}"
    )
    faq_tags = {int(tag[4:]) for tag in scenario.tags if tag.startswith("faq-")}
    rule_faqs = {item for rule in rules for item in rule.faq}
    assert faq_tags <= rule_faqs and bool(faq_tags) == bool(rule_faqs), (
        f"{scenario.name!r} is tagged FAQ {sorted(faq_tags)}; its rules say {sorted(rule_faqs)}"
    )


def test_every_faq_item_is_encoded() -> None:
    covered = {
        item
        for s in SCENARIOS
        for tag in s.tags
        if tag.startswith("faq-")
        for item in [int(tag[4:])]
    }
    assert covered == set(range(1, 11))
