"""``portal-harness check``: lints feature files without a portal, so a QA engineer learns
of a typo'd step, a sentence under the wrong keyword or a missing rule tag before a run.
Each problem names its file and line, and says what would fix it."""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pytest_bdd.exceptions import GherkinParseError
from pytest_bdd.feature import get_features
from pytest_bdd.parser import Feature, ScenarioTemplate, Step

from harness.catalog import FAQ_ITEMS, PROFILES, RULES, RULES_BY_ID

if TYPE_CHECKING:
    from harness.glossary import GlossaryEntry

#: How many glossary sentences a "did you mean" offers.
SUGGESTIONS = 3


@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    message: str
    blocks_run: bool = False  # a run would refuse the file (not Gherkin, a tag it cannot take)

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass(frozen=True)
class CheckResult:
    problems: tuple[Problem, ...]
    files: int
    scenarios: int

    def render(self) -> str:
        lines = [str(problem) for problem in self.problems]
        where = f"{self.scenarios} scenario(s) in {self.files} file(s)"
        if self.problems:
            lines.append(f"{len(self.problems)} problem(s) in {where}")
        else:
            lines.append(f"ok: {where}")
        return "\n".join(lines)


def check_features(paths: Sequence[str], *, steps: bool = True) -> CheckResult:
    """Every problem of the feature files ``paths``, in file order. With ``steps=False``
    only what needs no step library (tags, syntax): a run checks that much before it
    starts, without importing the steps ahead of pytest's assertion rewriting."""
    sentences = []
    if steps:
        from harness.glossary import glossary

        sentences = glossary()
    problems: list[Problem] = []
    scenarios = 0
    for path in paths:
        try:
            feature = get_features([path])[0]
        except GherkinParseError as error:
            problems.append(Problem(path, error.line, f"not Gherkin: {error.message}", True))
            continue
        if not feature.scenarios:
            problems.append(Problem(path, feature.line_number, "no scenario in this file", True))
        for template in feature.scenarios.values():
            scenarios += 1
            problems += _tag_problems(path, feature, template)
            if steps:
                problems += _step_problems(path, template, sentences)
    unique = sorted(set(problems), key=lambda p: (paths.index(p.path), p.line, p.message))
    return CheckResult(tuple(unique), len(paths), scenarios)


def _tag_problems(path: str, feature: Feature, template: ScenarioTemplate) -> list[Problem]:
    tags = template.tags | feature.tags
    line = template.line_number
    where = f"scenario {template.name!r}"
    if not tags:
        return [
            Problem(
                path,
                line,
                f"{where} is untagged: give it @rule-<id> (portal-harness rules) and a "
                f"profile ({', '.join(PROFILES)}); untagged, it runs counted for no rule",
            )
        ]
    problems = []
    rule_tags = sorted(t for t in tags if t.startswith("rule-"))
    for tag in rule_tags:
        if tag.removeprefix("rule-") not in RULES_BY_ID:
            close = difflib.get_close_matches(tag, [r.tag for r in RULES], n=SUGGESTIONS)
            hint = f"; did you mean {' or '.join('@' + c for c in close)}?" if close else ""
            problems.append(
                Problem(
                    path,
                    line,
                    f"{where}: unknown rule tag @{tag}{hint} (portal-harness rules)",
                    blocks_run=True,
                )
            )
    if not rule_tags:
        problems.append(
            Problem(path, line, f"{where} has no @rule- tag: it would run counted for no rule")
        )
    if not tags.intersection(PROFILES):
        problems.append(
            Problem(
                path,
                line,
                f"{where} has no profile tag ({', '.join(PROFILES)}): no run would take it",
            )
        )
    known = {f"faq-{item}" for item in FAQ_ITEMS} | {t for r in RULES for t in r.asvs_tags}
    for tag in sorted(tags):
        if tag.startswith("rule-") or tag in PROFILES or tag in known:
            continue
        problems.append(
            Problem(
                path,
                line,
                f"{where}: unknown tag @{tag}; a run takes rule, FAQ (faq-1 to faq-10), "
                f"ASVS (the catalog's asvs- ids) and profile tags only",
                True,
            )
        )
    return problems


def _step_problems(
    path: str, template: ScenarioTemplate, sentences: list[GlossaryEntry]
) -> list[Problem]:
    from harness.glossary import library_steps

    problems = []
    if len(template.steps) == len(template.all_background_steps):  # a misspelt keyword: text
        said = f": is {template.description.strip()!r} a step?" if template.description else ""
        problems.append(
            Problem(path, template.line_number, f"scenario {template.name!r} has no steps{said}")
        )
    for step in _rendered_steps(template):
        matching = [c for c in library_steps() if c.parser.is_matching(step.name)]
        said = f"{step.keyword.strip()} {step.name}"
        if not matching:
            problems.append(
                Problem(
                    path,
                    step.line_number,
                    f"undefined step: {said!r}{_did_you_mean(step, sentences)}",
                )
            )
            continue
        kinds = {c.type for c in matching}
        if step.type not in kinds and None not in kinds:
            right = " or ".join(sorted(str(k).capitalize() for k in kinds))
            problems.append(
                Problem(
                    path,
                    step.line_number,
                    f"{said!r} is a {right} sentence, here under {step.type.capitalize()}: "
                    f"move it, or start it with {right}",
                )
            )
    return problems


def _rendered_steps(template: ScenarioTemplate) -> list[Step]:
    """The steps as they run: background first, every example of an outline filled in."""
    contexts = [c for examples in template.examples for c in examples.as_contexts()] or [{}]
    return [step for context in contexts for step in template.render(context).steps]


def _did_you_mean(step: Step, sentences: list[GlossaryEntry]) -> str:
    def likeness(entry: GlossaryEntry) -> float:
        return max(
            difflib.SequenceMatcher(None, step.name, text).ratio()
            for text in (entry.sentence, entry.example)
            if text
        )

    close = sorted(sentences, key=likeness, reverse=True)[:SUGGESTIONS]
    if not close:
        return ""
    shown = "; ".join(
        f"{'/'.join(t.capitalize() for t in e.types)} {e.example or e.sentence}" for e in close
    )
    return f"; did you mean: {shown}"


def check_paths(paths: Sequence[str]) -> CheckResult:
    """``check_features`` over the files that files and folders name (see ``expand_feature_paths``)."""
    from harness.feature_files import expand_feature_paths

    return check_features(expand_feature_paths(paths))
