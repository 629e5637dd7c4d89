"""Specificity: the suite passes every reference variant that reads the sources another
allowed way, given only its declaration, in memory and over HTTP; and a variant whose
declaration is withheld fails, so the declaration is what the harness holds it to."""

from __future__ import annotations

import json

import pytest

from harness.suite import FEATURES_DIR
from tests.specificity.variants import VARIANTS, Variant

pytest_plugins = ["pytester"]

IN_MEMORY = """
import pytest
from tests.specificity.variants import VARIANTS_BY_NAME, in_memory_factory

pytest_plugins = ["harness.plugin"]

@pytest.fixture
def portal_factory():
    return in_memory_factory(VARIANTS_BY_NAME[{name!r}])
"""
OVER_HTTP = """
import pytest
from tests.specificity.variants import VARIANTS_BY_NAME, served

pytest_plugins = ["harness.plugin"]

@pytest.fixture(scope="session")
def harness_target():
    with served(VARIANTS_BY_NAME[{name!r}]) as target:
        yield target
"""
SUITE = f"""
from pytest_bdd import scenarios
scenarios({str(FEATURES_DIR)!r})
"""
#: The suite had 73 scenarios in the default profiles when this was written; it only grows.
WHOLE_SUITE = 73
#: The variants whose mail comes with the answer.
ON_TIME = [variant for variant in VARIANTS if not variant.mail_delay]
#: Where withholding a declaration shows: notices, links and their lifetimes.
WITHHELD_AREAS = "faq-1 or faq-3 or faq-7 or security"


def run_variant(
    pytester: pytest.Pytester,
    variant: Variant,
    conftest: str,
    *args: str,
    declare: bool = True,
) -> pytest.RunResult:
    pytester.makeconftest(conftest.format(name=variant.name))
    pytester.makepyfile(test_suite=SUITE)
    options = ["-p", "no:cacheprovider", "-q", *args]
    if declare and variant.profile:
        path = pytester.makefile(".json", profile=json.dumps(variant.profile))
        options += ["--harness-portal-profile", str(path)]
    return pytester.runpytest_inprocess(*options)


def _failures(result: pytest.RunResult) -> str:
    return "\n".join(line for line in result.outlines if "FAILED" in line or "Error" in line)


@pytest.mark.parametrize("variant", ON_TIME, ids=lambda v: v.name)
def test_the_suite_passes_the_variant_in_memory(
    pytester: pytest.Pytester, variant: Variant
) -> None:
    """The whole suite. A variant whose mail comes late runs over HTTP only, where its mail
    really is late through SMTP (in memory every lookup waits out the same delay for no
    more evidence; the withheld declaration below still runs one in memory)."""
    result = run_variant(pytester, variant, IN_MEMORY)
    outcome = result.parseoutcomes()
    assert outcome.get("failed", 0) == 0, f"{variant.why}:\n{_failures(result)}"
    assert outcome.get("errors", 0) == 0, outcome
    assert outcome.get("passed", 0) >= WHOLE_SUITE, outcome


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda v: v.name)
def test_the_suite_passes_the_variant_over_http(
    pytester: pytest.Pytester, variant: Variant
) -> None:
    """The areas where the variant's reading shows (the whole suite passed it in memory;
    over the wire the declaration travels in GET /_harness/info or the profile file, and
    the mail through SMTP)."""
    selection = ["-m", variant.areas] if variant.areas else []
    result = run_variant(pytester, variant, OVER_HTTP, *selection)
    outcome = result.parseoutcomes()
    assert outcome.get("failed", 0) == 0, f"{variant.why}:\n{_failures(result)}"
    assert outcome.get("errors", 0) == 0, outcome
    assert outcome.get("passed", 0) >= (10 if selection else WHOLE_SUITE), outcome


@pytest.mark.parametrize("name", ["queued-mail-at-the-wait", "reset-link-48h", "other-subjects"])
def test_without_its_declaration_the_variant_fails(pytester: pytest.Pytester, name: str) -> None:
    variant = next(v for v in VARIANTS if v.name == name)
    conftest = IN_MEMORY.replace(
        "in_memory_factory(VARIANTS_BY_NAME[{name!r}])",
        "in_memory_factory(VARIANTS_BY_NAME[{name!r}], withhold=True)",
    )
    result = run_variant(pytester, variant, conftest, "-m", WITHHELD_AREAS, declare=False)
    assert result.parseoutcomes().get("failed", 0) >= 1
