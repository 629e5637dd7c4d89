"""Which scenarios a run takes, by the words people read: scenario and feature titles as
written, tags and rule ids checked against the catalog, the failures of the last run. An
unknown tag or an empty selection is an error that says what exists."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from harness.catalog import FAQ_ITEMS, PROFILES, RULES, RULES_BY_ID
from harness.verdict import Outcome, Verdict

#: Tags a scenario may carry: its rules, its FAQ items, its profile.
CATALOG_TAGS = (
    *PROFILES,
    *(f"faq-{item}" for item in FAQ_ITEMS),
    *(rule.tag for rule in RULES),
)


class SelectionError(ValueError):
    """A selection that names nothing that exists, or selects nothing; the message says
    what does exist."""


@dataclass(frozen=True)
class Selection:
    """What the runner asked for. Within a kind any one suffices; every kind must hold."""

    names: tuple[str, ...] = ()  # words of a scenario's or feature's title
    tags: tuple[str, ...] = ()
    rules: tuple[str, ...] = ()
    only: frozenset[tuple[str, str]] | None = None  # (feature, scenario): last run's failures

    @property
    def filters(self) -> bool:
        return bool(self.names or self.tags or self.rules or self.only is not None)

    def describe(self) -> str:
        parts = [f"--name {name!r}" for name in self.names]
        parts += [f"--tag {tag}" for tag in self.tags]
        parts += [f"--rule {rule}" for rule in self.rules]
        if self.only is not None:
            parts.append("--last-failed")
        return " ".join(parts)


@dataclass(frozen=True)
class Candidate:
    """What selection sees of one collected scenario."""

    feature: str
    scenario: str
    test_name: str  # the bound test's name, as older rerun commands spell it
    tags: frozenset[str]


def words(text: str) -> str:
    """Lower case, punctuation as spaces: "never-worked", "Never worked" and "never worked"
    read alike."""
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text.lower()).split())


def _normal_tag(tag: str) -> str:
    return tag.strip().removeprefix("@")


def check_selection(selection: Selection, candidates: Sequence[Candidate]) -> None:
    """Refuse a tag or a rule that exists nowhere, listing the valid ones."""
    known = set(CATALOG_TAGS).union(*(c.tags for c in candidates))
    for tag in map(_normal_tag, selection.tags):
        if tag not in known:
            raise SelectionError(_unknown("tag", tag, sorted(known, key=_tag_order)))
    for rule in selection.rules:
        if rule not in RULES_BY_ID:
            raise SelectionError(_unknown("rule", rule, [r.rule_id for r in RULES]))


def _tag_order(tag: str) -> tuple[int, int, str]:
    kinds = ("faq-", "rule-")
    kind = next((i + 1 for i, prefix in enumerate(kinds) if tag.startswith(prefix)), 0)
    number = int(tag[4:]) if tag.startswith("faq-") and tag[4:].isdigit() else 0
    return kind, number, tag


def _unknown(kind: str, given: str, valid: list[str]) -> str:
    close = difflib.get_close_matches(given, valid, n=3, cutoff=0.6)
    hint = f"; did you mean {' or '.join(close)}?" if close else ""
    return f"unknown {kind} {given!r}{hint}\nvalid {kind}s: {', '.join(valid)}"


def matches(selection: Selection, candidate: Candidate) -> bool:
    if selection.only is not None and (candidate.feature, candidate.scenario) not in selection.only:
        return False
    if selection.names:
        titles = " | ".join(
            words(text) for text in (candidate.feature, candidate.scenario, candidate.test_name)
        )
        if not any(words(name) in titles for name in selection.names):
            return False
    if selection.tags and not any(_normal_tag(t) in candidate.tags for t in selection.tags):
        return False
    return not selection.rules or any(
        RULES_BY_ID[rule].tag in candidate.tags for rule in selection.rules
    )


def select(selection: Selection, candidates: Sequence[Candidate]) -> list[Candidate]:
    """The candidates the selection takes, in order; an error when it takes none."""
    check_selection(selection, candidates)
    chosen = [c for c in candidates if matches(selection, c)]
    if not chosen and candidates and selection.filters:
        raise SelectionError(explain_empty(selection, candidates))
    return chosen


def explain_empty(selection: Selection, candidates: Sequence[Candidate]) -> str:
    """Why nothing was selected, and what there is to select."""
    features: dict[str, int] = {}
    for candidate in candidates:
        features[candidate.feature] = features.get(candidate.feature, 0) + 1
    lines = [f"no scenario matches {selection.describe()}, among {len(candidates)} scenarios:"]
    if selection.names:
        titles = sorted({c.scenario for c in candidates} | set(features))
        close = [
            title
            for name in selection.names
            for title in difflib.get_close_matches(name, titles, n=3, cutoff=0.4)
        ]
        if close:
            lines.append("closest titles: " + "; ".join(dict.fromkeys(close)))
    if selection.only is not None:
        failed = "; ".join(f"{feature}: {scenario}" for feature, scenario in sorted(selection.only))
        lines.append(f"the previous run's failures are not among them: {failed}")
    lines += [f"  {feature} ({count})" for feature, count in sorted(features.items())]
    if selection.names:
        lines.append("--name matches words of these feature titles or of a scenario title.")
    lines.append("portal-harness run --list prints every scenario with its rules.")
    return "\n".join(lines)


#: What --last-failed runs again: every scenario the previous run did not see pass.
_RERUN = frozenset({Outcome.FAILED, Outcome.ERROR, Outcome.NOT_RUN})


def failed_last_time(report_dir: Path) -> frozenset[tuple[str, str]]:
    """The scenarios (feature, title) that failed, erred or never finished in the run
    reported in ``report_dir``; empty only after a run that passed (any other run with
    nothing to take again is an error: it was not a passed run)."""
    from harness.reports import ReportError, load_report
    from harness.reports.writers import REPORT_FILES

    path = report_dir / REPORT_FILES["json"]
    if not path.is_file():
        raise SelectionError(
            f"--last-failed: no previous run in {report_dir} ({path.name} is missing); "
            "run once with --report-dir first"
        )
    try:
        report = load_report(path)
    except ReportError as error:
        raise SelectionError(f"--last-failed: {error}") from None
    again = frozenset(
        (s.result.feature, s.result.scenario)
        for s in report.scenarios
        if s.result.outcome in _RERUN
    )
    if not again and report.verdict.verdict is not Verdict.PASSED:
        raise SelectionError(
            f"--last-failed: the previous run in {report_dir} did not pass and left no "
            f"scenario to run again ({report.verdict.headline()}); run the suite whole"
        )
    return again


def listing(rows: Iterable[tuple[Candidate, str]]) -> str:
    """What a run would take, one scenario a line: rules, feature, scenario (and why a
    listed scenario would not run, e.g. its profile is not selected)."""
    lines = []
    for candidate, note in rows:
        rules = ",".join(
            sorted(t.removeprefix("rule-") for t in candidate.tags if t.startswith("rule-"))
        )
        line = f"{rules or '(unclassified)'}  |  {candidate.feature}  |  {candidate.scenario}"
        lines.append(line + (f"  [{note}]" if note else ""))
    return "\n".join(lines)


# --- the same selection on the feature files (the CLI, before a run) and on pytest items ---


def candidates_in(paths: Sequence[Path]) -> list[Candidate]:
    """Every scenario of these feature files or folders, read without running anything."""
    from pytest_bdd.scenario import make_python_name

    from harness.gherkin import read_scenarios

    return [
        Candidate(spec.feature, spec.name, f"test_{make_python_name(spec.name)}", spec.tags)
        for path in paths
        for spec in read_scenarios(path)
    ]


def profile_note(candidate: Candidate, profiles: Iterable[str]) -> str:
    """Why a selected scenario would not run: its profile is not among ``profiles``."""
    own = [p for p in PROFILES if p in candidate.tags]
    if not own or set(own).intersection(profiles):
        return ""
    return f"not run: profile {', '.join(own)} not selected"


_PYTEST_MARKS = frozenset(
    {"parametrize", "skip", "skipif", "xfail", "usefixtures", "filterwarnings"}
)


def add_options(group: pytest.OptionGroup) -> None:
    group.addoption(
        "--harness-name",
        action="append",
        default=[],
        metavar="TEXT",
        help="only scenarios whose title or feature title has these words (repeatable)",
    )
    group.addoption(
        "--harness-tag", action="append", default=[], help="only scenarios with this tag"
    )
    group.addoption(
        "--harness-rule", action="append", default=[], help="only scenarios of this rule"
    )
    group.addoption(
        "--harness-last-failed",
        action="store_true",
        help="only the scenarios that failed, erred or did not finish in the run in --harness-report-dir",
    )


def selection_from_options(config: pytest.Config) -> Selection:
    only = None
    if config.getoption("--harness-last-failed"):
        folder = config.getoption("--harness-report-dir") or config.getini("harness_report_dir")
        if not folder:
            raise pytest.UsageError(
                "--harness-last-failed reads the last run's --harness-report-dir"
            )
        try:
            only = failed_last_time(Path(folder))
        except SelectionError as error:
            raise pytest.UsageError(str(error)) from None
    return Selection(
        names=tuple(config.getoption("--harness-name")),
        tags=tuple(config.getoption("--harness-tag")),
        rules=tuple(config.getoption("--harness-rule")),
        only=only,
    )


def apply_selection(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Deselect (as pytest's -k does) what the selection does not take; a usage error,
    saying what exists, when it takes nothing."""
    chosen = selection_from_options(config)
    if not chosen.filters or not items:
        return
    candidates = [_candidate_of(item) for item in items]
    try:
        kept = set(map(id, select(chosen, candidates)))
    except SelectionError as error:
        raise pytest.UsageError(str(error)) from None
    pairs = list(zip(items, candidates, strict=True))
    deselected = [item for item, c in pairs if id(c) not in kept]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item, c in pairs if id(c) in kept]


def _candidate_of(item: pytest.Item) -> Candidate:
    from harness.gherkin import scenario_names

    feature, scenario = scenario_names(item)
    tags = frozenset(m.name for m in item.iter_markers()) - _PYTEST_MARKS
    return Candidate(feature, scenario, item.name, tags)
