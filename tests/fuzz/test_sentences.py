"""Every sentence the fuzzer plays or writes is a sentence of the step library, under the
keyword pytest-bdd registered it with: a written finding only uses steps that exist."""

from __future__ import annotations

import pytest
from pytest_bdd.steps import step_function_context_registry

from harness import steps
from harness.fuzz import SENTENCES, PlayedStep, Sentence
from harness.fuzz._machine import RULE_SENTENCES
from harness.fuzz._model import StudentModel
from harness.fuzz._sentences import DSO_RESTORES

EXAMPLE_ARGUMENTS = {
    "opt": "post-completion",
    "name": "Acme Robotics",
    "title": "Data Engineer",
    "days": 13,
    "times": "3",
    "notice": "account creation",
    "status": "Approved",
    "problem": "a ZIP code of 4 digits",
    "side": "after",
    "which": "authorized OPT end",
    "label": "STEM OPT",
    "code": "access-closed",
    "used": 3,
    "allowed": 90,
}


def _library() -> list[tuple[str, object, str]]:
    modules = {m.__name__ for m in steps.MODULES}
    return [
        (c.type or "", c.parser, c.step_func.__name__)
        for c in step_function_context_registry.values()
        if c.step_func.__module__ in modules
    ]


@pytest.mark.parametrize("sentence", SENTENCES, ids=lambda s: s.template[:50])
def test_the_sentence_is_in_the_step_library_under_its_keyword(sentence: Sentence) -> None:
    arguments = {k: v for k, v in EXAMPLE_ARGUMENTS.items() if "{" + k + "}" in sentence.template}
    if sentence.plural:
        arguments[sentence.plural] = EXAMPLE_ARGUMENTS[sentence.plural]
    text = PlayedStep(sentence, arguments).text
    matches = [
        (kind, name)
        for kind, parser, name in _library()
        if parser.is_matching(text)  # type: ignore[attr-defined]
    ]
    assert (sentence.keyword.lower(), sentence.function.__name__) in matches, (text, matches)


def test_the_machine_plays_given_and_when_sentences_only() -> None:
    assert RULE_SENTENCES
    assert all(s.keyword in ("Given", "When") for s in RULE_SENTENCES)
    assert len(set(RULE_SENTENCES)) == len(RULE_SENTENCES)


def test_model_objects_read_well_in_a_falsifying_example() -> None:
    step = PlayedStep(DSO_RESTORES, {"name": "Acme"})
    assert (
        repr(step)
        == 'When the DSO retrieves the deleted employment "Acme" in SEVIS and restores it'
    )
    assert repr(StudentModel()).startswith("StudentModel(no-opt")


def test_the_words_come_from_the_step_library() -> None:
    """Of the step function's several sentences the plain one; format specs dropped."""
    from harness.fuzz._sentences import library_sentence
    from harness.steps import clock, student

    assert (
        library_sentence("then", student.sees_employer) == 'the student sees the employer "{name}"'
    )
    assert library_sentence("when", clock.days_pass) == "{days} days pass"  # "{days:d}" there
    with pytest.raises(LookupError, match="no given sentence in words"):
        library_sentence("given", student.sees_employer)
