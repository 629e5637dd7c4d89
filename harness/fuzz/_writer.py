"""Turns a shrunk finding into a ``.feature`` file of existing step sentences: the minimal
sequence, then checks ("Then ...") built from what the reference showed, kept only when
the reference passes them. A replay in memory tells whether the target fails them."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from fixtures.factories import DataFactory
from harness.catalog import RULES_BY_ID
from harness.fuzz import _sentences as s
from harness.fuzz._machine import Finding, run_step
from harness.fuzz._observe import Difference, Observation, StudentView
from harness.fuzz._outcome import OutcomeKind
from harness.fuzz._sentences import PlayedStep
from harness.fuzz._targets import FuzzTarget
from harness.world import World
from simulators.common.notices import DEFAULT_CATALOG
from simulators.sevis import EventName, TransmissionOutcome

_NOTICE_WORDS = {n.subject: n.notice_id.value.replace("-", " ") for n in DEFAULT_CATALOG}
#: Rules a difference maps to when the steps name none.
_FALLBACK_RULES = {
    "emails": "notice-once-per-event",
    "employers": "employer-validation",
    "authorizations": "transfer-new-program",
    "events": "failed-transmission-escalated",
    "unemployment": "unemployment-counter",
    "profile": "contact-validation",
    "history": "delete-recorded",
}


#: The rule each notice's sending exercises: an email difference names it, not a guess.
_NOTICE_RULES = {
    "account creation": "approval-sends-creation-email",
    "account reset": "dso-reset-unlocks",
    "password reset": "self-reset-unlocks",
    "account locked": "lock-notice",
    "opt ended": "closure-notices",
    "access closing": "closure-notices",
    "access closed": "closure-notices",
}


def _notice_rules(differences: Iterable[Difference]) -> set[str]:
    """The rules of the notices whose counts differ between the target and the reference."""
    rules = set()
    for difference in differences:
        if difference.what != "emails":
            continue
        target, reference = difference.target, difference.reference
        if not isinstance(target, dict) or not isinstance(reference, dict):
            continue
        for key in set(target) | set(reference):
            if target.get(key) != reference.get(key):
                words = _NOTICE_WORDS.get(key[1]) if isinstance(key, tuple) else None
                if words in _NOTICE_RULES:
                    rules.add(_NOTICE_RULES[words])
    return rules


@dataclass(frozen=True)
class Scenario:
    """A written scenario: the steps to replay and the checks that end it."""

    steps: tuple[PlayedStep, ...]
    checks: tuple[PlayedStep, ...]
    rules: tuple[str, ...]

    @property
    def lines(self) -> list[str]:
        out, previous = [], ""
        for step in (*self.steps, *self.checks):
            keyword = "And" if step.keyword == previous else step.keyword
            previous = step.keyword
            out.append(f"{keyword} {step.text}")
        return out


@dataclass(frozen=True)
class Verdict:
    """What replaying a written scenario in memory showed."""

    reference_passes: bool
    target_fails: bool
    detail: str = ""


def checks_for(finding: Finding, student_email: str) -> list[PlayedStep]:
    """Then-steps that hold on the reference and show what the target got wrong."""
    ref, tgt = finding.reference_observation, finding.target_observation
    last = finding.trace[-1]
    checks: list[PlayedStep] = [c for v in finding.violations for c in v.checks]
    for difference in finding.differences:
        if difference.what == "outcome":
            checks += _outcome_checks(last, ref)
        elif difference.what == "view":
            checks += _view_checks(ref, tgt)
        elif difference.what == "employers":
            checks += _employer_checks(ref, tgt)
        elif difference.what == "authorizations":
            checks += _authorization_checks(ref, tgt)
        elif difference.what == "unemployment" and isinstance(ref.view, StudentView):
            used, allowed = ref.view.unemployment
            checks.append(PlayedStep(s.UNEMPLOYMENT_SHOWS, {"used": used, "allowed": allowed}))
        elif difference.what == "history" and last.sentence is s.DELETES_CONFIRMING:
            checks.append(PlayedStep(s.HISTORY_SHOWS_DELETION, dict(last.arguments)))
        elif difference.what == "emails":
            checks += _email_checks(ref, tgt, student_email)
        elif difference.what == "events":
            checks += _event_checks(ref, tgt)
    unique: dict[str, PlayedStep] = {}
    for check in checks:
        unique.setdefault(check.text, check)
    return list(unique.values())


def _outcome_checks(last: PlayedStep, ref: Observation) -> list[PlayedStep]:
    kind, code = ref.outcome.kind, ref.outcome.what
    if kind is OutcomeKind.REFUSED:
        return [PlayedStep(s.PORTAL_REFUSES, {"code": code})]
    if kind is OutcomeKind.RAISED and last.sentence is s.LOGS_IN:
        return [PlayedStep(s.CANNOT_LOG_IN, {"code": code})]
    return []


def _view_checks(ref: Observation, tgt: Observation) -> list[PlayedStep]:
    if isinstance(ref.view, StudentView):
        return [PlayedStep(s.CAN_LOG_IN), *_employer_checks(ref, tgt)]
    if ref.view == "access-closed":
        return [PlayedStep(s.CANNOT_LOG_IN, {"code": ref.view})]
    if ref.view:
        return [PlayedStep(s.VIEWING_EMPLOYERS_REFUSED, {"code": ref.view})]
    return []


def _employer_checks(ref: Observation, tgt: Observation) -> list[PlayedStep]:
    if not isinstance(ref.view, StudentView):
        return []
    theirs = set(tgt.view.employer_names) if isinstance(tgt.view, StudentView) else set()
    if not ref.view.employers:
        return [PlayedStep(s.SEES_NO_EMPLOYERS)]
    checks = [PlayedStep(s.SEES_EMPLOYER, {"name": n}) for n in ref.view.employer_names]
    extra = sorted(theirs - set(ref.view.employer_names))
    return checks + [PlayedStep(s.DOES_NOT_SEE_EMPLOYER, {"name": n}) for n in extra]


def _authorization_checks(ref: Observation, tgt: Observation) -> list[PlayedStep]:
    if not isinstance(ref.view, StudentView):
        return []
    mine = set(ref.view.authorization_labels)
    theirs = set(tgt.view.authorization_labels) if isinstance(tgt.view, StudentView) else set()
    if not ref.view.authorizations:
        return [PlayedStep(s.SEES_NO_AUTHORIZATION)]
    checks = [PlayedStep(s.STILL_SEES_AUTHORIZATION, {"label": label}) for label in sorted(mine)]
    return checks + [
        PlayedStep(s.SEES_NO_AUTHORIZATION_OF, {"label": label}) for label in sorted(theirs - mine)
    ]


def _email_checks(ref: Observation, tgt: Observation, student_email: str) -> list[PlayedStep]:
    mailbox = student_email.lower()

    def counts(seen: Observation, folder: str | None = None) -> Counter[str]:
        return Counter(
            subject
            for box, where, subject in seen.emails
            if box == mailbox and (folder is None or where == folder)
        )

    mine, theirs = counts(ref), counts(tgt)
    checks = []
    for subject in sorted(set(mine) | set(theirs)):
        words = _NOTICE_WORDS.get(subject)
        if words is None or mine[subject] == theirs[subject]:
            continue
        if mine[subject] == 0:
            checks.append(PlayedStep(s.NO_EMAIL, {"notice": words}))
        elif mine[subject] == 1:
            checks.append(PlayedStep(s.EXACTLY_ONE_EMAIL, {"notice": words}))
        else:
            # "a new one came": the Given before the last step notes how many there were
            checks.append(PlayedStep(s.DELETED_UNREAD, {"notice": words}))
            checks.append(PlayedStep(s.NEW_EMAIL, {"notice": words}))
    junk_mine, junk_theirs = counts(ref, "Junk"), counts(tgt, "Junk")
    for subject in sorted(set(junk_mine) - set(junk_theirs)):
        if subject in _NOTICE_WORDS and junk_mine[subject] == 1:
            checks.append(PlayedStep(s.EMAIL_IN_JUNK, {"notice": _NOTICE_WORDS[subject]}))
    return checks


def _event_checks(ref: Observation, tgt: Observation) -> list[PlayedStep]:
    sent = EventName.DATA_SENT_TO_PORTAL.value
    mine = [status for name, status in ref.events if name == sent]
    theirs = [status for name, status in tgt.events if name == sent]
    checks = []
    if mine and mine[-1] == TransmissionOutcome.DELIVERED.value:
        checks.append(PlayedStep(s.DATA_WENT_TO_PORTAL))
    failed = TransmissionOutcome.FAILED.value
    if failed in mine and failed not in theirs:
        checks.append(PlayedStep(s.TRANSMISSION_FAILED))
    return checks


def rules_for(finding: Finding) -> tuple[str, ...]:
    """The rules the failing comparison or invariant maps to, all from the catalog."""
    rules = set(finding.trace[-1].sentence.rules)
    rules |= {r for v in finding.violations for r in v.rules}
    rules |= _notice_rules(finding.differences)
    if not rules:
        rules = {r for step in finding.trace for r in step.sentence.rules}
    if not rules:
        rules = {_FALLBACK_RULES.get(d.what, "notice-once-per-event") for d in finding.differences}
    return tuple(sorted(r for r in rules if r in RULES_BY_ID)) or ("notice-once-per-event",)


def scenario_for(finding: Finding, student_email: str) -> Scenario:
    # A step the reference itself could not carry out changed nothing a check reads; a
    # written scenario holds only steps that pass on the reference.
    steps = [step for step in finding.trace if not step.reference_outcome.failed_on_its_own]
    checks = checks_for(finding, student_email)
    prelude = [c for c in checks if c.keyword == "Given"]  # notes taken before the last step
    if steps and prelude:
        steps[-1:-1] = prelude
    checks = [c for c in checks if c.keyword != "Given"]
    return Scenario(tuple(steps), tuple(checks), rules_for(finding))


# --- replay in memory: keep the checks the reference passes, see whether the target fails --------
def _play_all(world: World, steps: Iterable[PlayedStep]) -> tuple[int | None, str]:
    for index, step in enumerate(steps):
        outcome, detail = run_step(world, step)
        if not outcome.carried_out:
            return index, f"{step!r}: {outcome} {detail}".strip()
    return None, ""


def _fresh(target: FuzzTarget, seed: int) -> World:
    return target.build_world(DataFactory(seed=seed, namespace="replay"))


def verify(
    scenario: Scenario, target: FuzzTarget, reference: FuzzTarget, seed: int
) -> tuple[Scenario, Verdict]:
    """Drop the checks the reference fails, then replay the scenario on the target."""
    checks = list(scenario.checks)
    for _ in range(len(checks) + 1):
        candidate = Scenario(scenario.steps, tuple(checks), scenario.rules)
        failed_at, detail = _play_all(
            _fresh(reference, seed), (*candidate.steps, *candidate.checks)
        )
        if failed_at is None:
            break
        if failed_at < len(candidate.steps):
            return candidate, Verdict(False, False, f"the reference fails a step: {detail}")
        del checks[failed_at - len(candidate.steps)]
    else:  # pragma: no cover - each round removes one check
        return candidate, Verdict(False, False, "the checks never settled")
    failed_at, detail = _play_all(_fresh(target, seed), (*candidate.steps, *candidate.checks))
    return candidate, Verdict(True, failed_at is not None, detail)


# --- the file ---------------------------------------------------------------------------------------
def render_feature(
    scenario: Scenario,
    finding: Finding,
    *,
    seed: int,
    target: str,
    replay: str,
    verdict: Verdict,
) -> str:
    rules = [RULES_BY_ID[r] for r in scenario.rules]
    tags = sorted({r.profile.value for r in rules})
    tags += [f"faq-{n}" for n in sorted({n for r in rules for n in r.faq})]
    tags += [r.tag for r in rules]
    last = finding.trace[-1]
    verdict_line = (
        "verified in memory: the target fails it and the reference passes it"
        if verdict.reference_passes and verdict.target_fails
        else f"NOT reproduced by these sentences ({_one_line(verdict.detail) or 'the target passes'})"
    )
    header = [
        f"# Found by portal-harness fuzz: seed {seed}, target {target}",
        f"# The minimal failing sequence after shrinking; replay: {replay}",
        f'# Who failed: the {finding.side}; after "{last.text}":',
        *[f"#   {_one_line(part)}" for part in finding.summary().split("; ")],
        f"# {verdict_line}",
    ]
    body = [
        " ".join(f"@{tag}" for tag in tags),
        f"Feature: Fuzz finding (seed {seed}): {last.text}",
        "  Found by model-based differential fuzzing against the reference portal.",
        "",
        f'  Scenario: The portal behaves as the reference after "{last.text}"',
        *[f"    {line}" for line in scenario.lines],
    ]
    return "\n".join(header + body) + "\n"


def _one_line(text: str, limit: int = 300) -> str:
    flat = re.sub(r"\s+", " ", text).strip()
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."


def write_feature(directory: Path, name: str, text: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{name}.feature"
    path.write_text(text, encoding="utf-8")
    binding = directory / "test_fuzz_findings.py"
    if not binding.exists():
        binding.write_text(BINDING, encoding="utf-8")
    return path


#: Lets plain pytest replay every finding in the folder: ``pytest -p harness.plugin DIR``.
BINDING = '''"""Binds the fuzz findings in this folder: pytest -p harness.plugin <this folder>."""

from pathlib import Path

from pytest_bdd import scenarios

scenarios(str(Path(__file__).parent))
'''


def describe(lines: Sequence[str]) -> str:
    return "\n".join(lines)
