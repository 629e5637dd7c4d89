"""No two step sentences match the same text (behave's ambiguous-step rule).

pytest-bdd silently takes one of several matching definitions, so an ambiguous pair
would run whichever registered first; every step text of every feature, and every
example of the glossary, must be matched by exactly one definition of its kind.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from pytest_bdd import parsers
from pytest_bdd.steps import StepFunctionContext

from harness.gherkin import read_scenarios
from harness.glossary import glossary, library_steps

StepKind = Literal["given", "when", "then"]


@dataclass(frozen=True)
class Ambiguity:
    kind: str
    text: str
    sentences: tuple[str, ...]  # every definition that matches: none, or two and more


def ambiguities(
    definitions: Iterable[StepFunctionContext], texts: Iterable[tuple[str, str]]
) -> list[Ambiguity]:
    """The (kind, text) pairs that do not have exactly one matching definition.

    A definition of no kind (``@step``) answers every kind, as it does in pytest-bdd.
    """
    definitions = list(definitions)
    found = []
    for kind, text in sorted(set(texts)):
        sentences = tuple(
            sorted(
                d.parser.name
                for d in definitions
                if d.type in (None, kind) and d.parser.is_matching(text)
            )
        )
        if len(sentences) != 1:
            found.append(Ambiguity(kind, text, sentences))
    return found


def _definition(kind: StepKind | None, parser: parsers.StepParser) -> StepFunctionContext:
    return StepFunctionContext(type=kind, step_func=lambda: None, parser=parser)


def test_every_feature_step_has_exactly_one_definition() -> None:
    texts = [step for scenario in read_scenarios() for step in scenario.steps]
    assert texts
    assert ambiguities(library_steps(), texts) == []


def test_every_glossary_example_has_exactly_one_definition() -> None:
    """The sentences docs/steps.md shows, one example each, whatever their kind."""
    examples = [entry for entry in glossary() if entry.example]
    assert examples
    texts = [(kind, entry.example) for entry in examples for kind in entry.types if kind != "step"]
    assert ambiguities(library_steps(), texts) == []


def test_a_pair_that_matches_the_same_text_is_found() -> None:
    works_for = _definition("given", parsers.parse('the student works for "{employer}"'))
    works_for_acme = _definition("given", parsers.re(r'the student works for "Acme.*"'))
    found = ambiguities([works_for, works_for_acme], [("given", 'the student works for "Acme"')])
    assert found == [
        Ambiguity(
            "given",
            'the student works for "Acme"',
            ('the student works for "Acme.*"', 'the student works for "{employer}"'),
        )
    ]


def test_a_generic_step_clashes_with_every_kind_and_a_text_without_definition_is_named() -> None:
    logged_in = _definition("given", parsers.parse("a logged-in student"))
    any_kind = _definition(None, parsers.parse("a logged-in {who}"))
    found = ambiguities([logged_in, any_kind], [("given", "a logged-in student")])
    assert [a.sentences for a in found] == [("a logged-in student", "a logged-in {who}")]
    assert ambiguities([logged_in], [("then", "a logged-in student")]) == [
        Ambiguity("then", "a logged-in student", ())
    ]


def test_the_same_sentence_under_two_kinds_is_not_ambiguous() -> None:
    given = _definition("given", parsers.parse("the clock reads {when}"))
    then = _definition("then", parsers.parse("the clock reads {when}"))
    assert ambiguities([given, then], [("given", "the clock reads noon")]) == []
