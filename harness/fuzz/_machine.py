"""The differential state machine: each rule plays one step sentence on two worlds built
from the same data seed (the target's and the reference's), then compares what both
show and checks the FAQ invariants on each. Preconditions read the model only."""

from __future__ import annotations

import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, rule

from fixtures.factories import DataFactory
from harness.coverage import ModelStateVisits
from harness.drivers.errors import TargetError
from harness.fuzz import _sentences as s
from harness.fuzz._invariants import Violation, Watch, check_invariants
from harness.fuzz._model import StudentModel
from harness.fuzz._moves import (
    MOST_VARIANTS,
    MOVES,
    STARTS,
    STEM_EMPLOYER_NAMES,
    TODAY_EMPLOYER,
    Now,
    choose,
)
from harness.fuzz._observe import Difference, Observation, Observer, differences, settle_mail
from harness.fuzz._outcome import (
    NOT_CARRIED_OUT,
    OK,
    Outcome,
    OutcomeKind,
    raised,
    refused,
)
from harness.fuzz._sentences import PlayedStep, Sentence
from harness.fuzz._targets import REFERENCE, FuzzTarget
from harness.world import ScenarioFailure, World
from simulators.common.contract import ErrorCode, PortalError
from simulators.common.domain import LIMITS, OptType
from simulators.sevis.errors import SevisError


@dataclass(frozen=True)
class Finding:
    """Why an example failed, with the minimal sequence that got there."""

    trace: tuple[PlayedStep, ...]
    side: str  # "target": it differs from the reference; "reference": the reference broke a rule
    differences: tuple[Difference, ...]
    violations: tuple[Violation, ...]
    target_observation: Observation
    reference_observation: Observation
    crash: str = ""

    def summary(self) -> str:
        lines = [str(d) for d in self.differences] + [str(v) for v in self.violations]
        if self.crash:
            lines.append(self.crash)
        return "; ".join(lines)


class Divergence(AssertionError):
    """Raised from a step when the target and the reference disagree, or a world breaks an
    FAQ rule; hypothesis shrinks the example and raises it again from the minimal one."""

    def __init__(self, finding: Finding) -> None:
        super().__init__(
            f"after {finding.trace[-1]!r} ({finding.side}): {finding.summary()}\n"
            "steps:\n" + "\n".join(f"  {step!r}" for step in finding.trace)
        )
        self.finding = finding


@dataclass
class Coverage:
    """What a run exercised; sets of small tuples, so it stays bounded on long runs."""

    steps: int = 0
    examples: int = 0
    rules: Counter[str] = field(default_factory=Counter)
    states: set[tuple[str, ...]] = field(default_factory=set)
    transitions: set[tuple[tuple[str, ...], str, tuple[str, ...]]] = field(default_factory=set)
    # harness.coverage's, on the reference
    model_state_visits: ModelStateVisits = field(default_factory=ModelStateVisits)

    @property
    def model_states(self) -> set[str]:
        return self.model_state_visits.keys


@dataclass
class FuzzContext:
    """Shared by every example of a run: the target, the data seed and the coverage."""

    target: FuzzTarget
    data_seed: int
    reference: FuzzTarget = REFERENCE
    coverage: Coverage = field(default_factory=Coverage)
    on_step: Callable[[FuzzContext], None] | None = None
    diverged: bool = False  # an example of this round failed: hypothesis is shrinking it
    _factories: dict[str, _RewindableData] = field(default_factory=dict)

    def data(self, side: str, namespace: str) -> DataFactory:
        """The example's data, the same on both sides; a factory is rewound, not rebuilt
        (building Faker costs a millisecond), into the example's namespace if it has one."""
        factory = self._factories.get(side)
        if factory is None:
            factory = self._factories[side] = _RewindableData(self.data_seed, namespace)
        else:
            factory.rewind(namespace)
        return factory


class _RewindableData(DataFactory):
    def rewind(self, namespace: str) -> None:
        """The state of a new factory for ``namespace``: the same draws, one Faker."""
        self.namespace = namespace
        self.fake.seed_instance(self.seed ^ zlib.crc32(namespace.encode()))
        self._issued_ids.clear()
        self._issued_emails.clear()


def run_step(world: World, step: PlayedStep) -> tuple[Outcome, str]:
    """Play one step; (outcome, detail). The outcome names no ids, so two portals compare."""
    world.last_refusal = None
    try:
        step.play(world)
    except PortalError as refusal:
        return raised(refusal.code.value), refusal.detail
    except ScenarioFailure as failure:
        return NOT_CARRIED_OUT, str(failure)
    except SevisError as refusal:
        return raised(f"SEVIS {type(refusal).__name__}"), str(refusal)
    except TargetError as broken:
        return Outcome(OutcomeKind.TARGET_ERROR, broken.fault.value), str(broken)
    except AssertionError as failure:
        return NOT_CARRIED_OUT, str(failure)
    except Exception as crash:  # a portal or the harness broke: a finding, not an answer
        crashed = Outcome(OutcomeKind.CRASHED, type(crash).__name__)
        return crashed, f"{type(crash).__name__}: {crash}"
    if world.last_refusal is not None:
        return refused(world.last_refusal.code.value), world.last_refusal.detail
    return OK, ""


_LOCKED = raised(ErrorCode.ACCOUNT_LOCKED.value)  # what the reference says to a locked login


class DifferentialMachine(RuleBasedStateMachine):
    """One example: two fresh worlds, one model, the steps hypothesis draws."""

    def __init__(self, context: FuzzContext) -> None:
        super().__init__()
        self.context = context
        coverage = context.coverage
        coverage.examples += 1
        namespace = f"fuzz-{coverage.examples}" if context.target.fresh_data_per_example else "fuzz"
        self.target = context.target.build_world(context.data("target", namespace))
        self.reference = context.reference.build_world(context.data("reference", namespace))
        self.model = StudentModel()
        self.trace: list[PlayedStep] = []
        self.watches = {"target": Watch(), "reference": Watch()}
        self.observers = {"target": Observer(self.target), "reference": Observer(self.reference)}
        self.last: dict[str, Observation] = {}
        self.model_state = self.model.state()

    def __repr__(self) -> str:
        return f"DifferentialMachine({self.context.target.name}; {self.model!r})"

    # -- playing a sentence on both worlds -----------------------------------------------------
    def play(self, step: PlayedStep) -> None:
        sentence = step.sentence
        before_state = self.model_state
        reference_outcome, reference_detail = run_step(self.reference, step)
        target_outcome, target_detail = run_step(self.target, step)
        step = replace(step, reference_outcome=reference_outcome)
        self.trace.append(step)
        self.learn(step, reference_outcome)
        coverage = self.context.coverage
        coverage.steps += 1
        coverage.rules[sentence.template] += 1
        after_state = self.model_state = self.model.state()
        coverage.states.add(after_state)
        coverage.transitions.add((before_state, sentence.template, after_state))
        coverage.model_state_visits.visit(self.reference)
        reference_seen = self.observers["reference"].observe(reference_outcome)
        if self.context.target.mail_settle:
            settle_mail(self.target, len(reference_seen.emails), self.context.target.mail_settle)
        target_seen = self.observers["target"].observe(target_outcome)
        found = differences(target_seen, reference_seen)
        target_broken = check_invariants(
            self.target, step, self.last.get("target"), target_seen, self.watches["target"]
        )
        reference_broken = check_invariants(
            self.reference, step, self.last.get("reference"), reference_seen,
            self.watches["reference"],
        )  # fmt: skip
        self.last = {"target": target_seen, "reference": reference_seen}
        if self.context.on_step is not None:
            self.context.on_step(self.context)
        crash = ""
        if reference_outcome.kind is OutcomeKind.CRASHED:
            crash = f"the reference crashed on {step!r}: {reference_detail}"
        elif target_outcome.kind is OutcomeKind.CRASHED and not found:
            crash = f"the target crashed on {step!r}: {target_detail}"
        if reference_broken or crash.startswith("the reference"):
            self._fail("reference", (), tuple(reference_broken), target_seen, reference_seen, crash)
        if found or target_broken or crash:
            if target_detail and any(d.what == "outcome" for d in found):
                crash = crash or f"the target answered: {target_detail}"
            self._fail("target", tuple(found), tuple(target_broken), target_seen, reference_seen,
                       crash)  # fmt: skip

    def _fail(
        self,
        side: str,
        found: tuple[Difference, ...],
        broken: tuple[Violation, ...],
        target_seen: Observation,
        reference_seen: Observation,
        crash: str,
    ) -> None:
        self.context.diverged = True
        raise Divergence(
            Finding(tuple(self.trace), side, found, broken, target_seen, reference_seen, crash)
        )

    # -- what the machine learns from the reference's answer -------------------------------------
    def learn(self, step: PlayedStep, outcome: Outcome) -> None:
        m, sentence, arguments = self.model, step.sentence, step.arguments
        ok = outcome.ok
        if sentence in _TRANSMITTING and ok:
            m.transmitted = True
            m.armed_faults = max(0, m.armed_faults - 1)
        if not ok:
            if sentence is s.LOGS_IN and outcome == _LOCKED:
                m.locked = True
            if sentence is s.WRONG_PASSWORD:
                m.locked = m.locked or int(arguments["times"]) >= LIMITS.failed_logins_before_lock
            return
        learner = _LEARNERS.get(sentence)
        if learner is not None:
            learner(self, arguments)

    # -- the rules: how an example starts, then one move per step ---------------------------
    @initialize(start=st.sampled_from(STARTS))
    def start(self, start: PlayedStep) -> None:
        self.play(start)

    @rule(move=st.integers(0, len(MOVES) - 1), variant=st.integers(0, MOST_VARIANTS - 1))
    def step(self, move: int, variant: int) -> None:
        self.play(choose(move, variant, self.now()))

    def now(self) -> Now:
        """What this step's guards read (the reference's calendar, not the target's)."""
        return Now(self.model, self.reference)


# --- what each accepted step teaches the model -------------------------------------------------------
def _learn_start(sentence: Sentence) -> Callable[[DifferentialMachine, Any], None]:
    def learn(machine: DifferentialMachine, arguments: Any) -> None:
        m = machine.model
        stem = arguments.get("opt") == "STEM"
        m.requested |= {OptType.POST_COMPLETION} | ({OptType.STEM} if stem else set())
        if sentence is s.PENDING:
            return
        m.approved |= set(m.requested)
        m.transmitted = True
        m.registered = sentence in (s.REGISTERED, s.LOGGED_IN)
        m.logged_in = sentence is s.LOGGED_IN

    return learn


def _set(**values: Any) -> Callable[[DifferentialMachine, Any], None]:
    def learn(machine: DifferentialMachine, arguments: Any) -> None:
        for name, value in values.items():
            setattr(machine.model, name, value)

    return learn


def _approve(machine: DifferentialMachine, arguments: Any) -> None:
    machine.model.approved |= set(machine.model.requested)


def _stem_requested(machine: DifferentialMachine, arguments: Any) -> None:
    machine.model.requested.add(OptType.STEM)


def _stem_denied(machine: DifferentialMachine, arguments: Any) -> None:
    m = machine.model
    m.denied.add(OptType.STEM)
    m.employers -= set(STEM_EMPLOYER_NAMES)


def _new_program(machine: DifferentialMachine, arguments: Any) -> None:
    m = machine.model
    m.program_changed = True
    m.employers.clear()
    m.deleted.clear()


def _restored(machine: DifferentialMachine, arguments: Any) -> None:
    machine.model.deleted.discard(arguments["name"])
    machine.model.employers.add(arguments["name"])


def _employer_added(machine: DifferentialMachine, arguments: Any) -> None:
    machine.model.employers.add(arguments.get("name", TODAY_EMPLOYER))


def _employer_deleted(machine: DifferentialMachine, arguments: Any) -> None:
    machine.model.employers.discard(arguments["name"])
    machine.model.deleted.add(arguments["name"])


def _report(machine: DifferentialMachine, arguments: Any) -> None:
    outcome = machine.reference.last_report_outcome
    machine.model.ticket_open = outcome is not None and outcome.ticket is not None


def _wrong_password(machine: DifferentialMachine, arguments: Any) -> None:
    if int(arguments["times"]) >= LIMITS.failed_logins_before_lock:
        machine.model.locked = True


def _days(machine: DifferentialMachine, arguments: Any) -> None:
    machine.model.days_moved += int(arguments["days"])
    if int(arguments["days"]) >= LIMITS.inactivity_lock_days and machine.model.registered:
        machine.model.locked = True
        machine.model.logged_in = False


def _dso_reset(machine: DifferentialMachine, arguments: Any) -> None:
    if machine.model.registered:
        machine.model.locked = False
        machine.model.logged_in = False


def _src_reset(machine: DifferentialMachine, arguments: Any) -> None:
    _dso_reset(machine, arguments)
    machine.model.ticket_open = False


def _armed(machine: DifferentialMachine, arguments: Any) -> None:
    machine.model.armed_faults += 1


_LEARNERS: dict[Sentence, Callable[[DifferentialMachine, Any], None]] = {
    **{given: _learn_start(given) for given in (s.PENDING, s.APPROVED, s.REGISTERED, s.LOGGED_IN)},
    s.USCIS_APPROVES: _approve,
    s.SRC_CORRECTS: _approve,
    s.PENDING_PAST_START: _set(past_start=True),
    s.STEM_PENDING: _stem_requested,
    s.STEM_DENIED: _stem_denied,
    s.TRANSMISSION_FAILS: _armed,
    s.TRANSMISSION_TWICE: _armed,
    s.DSO_RESETS: _dso_reset,
    s.SRC_RESETS: _src_reset,
    s.SRC_RETRANSMITS: _set(ticket_open=False),
    s.EMAIL_TYPO: _set(email_typo=True),
    s.EMAIL_CORRECTED: _set(email_typo=False),
    s.DSO_RESTORES: _restored,
    s.DSO_STEM_EMPLOYER: _employer_added,
    s.TRANSFER: _new_program,
    s.LEVEL_CHANGE: _new_program,
    s.COMPLETED_EARLY: _set(completed=True),
    s.REPORT_FAILED_TRANSMISSION: _report,
    s.REGISTERS: _set(registered=True),
    s.LOGS_IN: _set(logged_in=True),
    s.WRONG_PASSWORD: _wrong_password,
    s.RESET_BUTTON: _set(reset_requested=True),
    s.FOLLOWS_RESET_LINK: _set(reset_requested=False, locked=False, logged_in=False),
    s.ADDS_EMPLOYER: _employer_added,
    s.REPORTS_EMPLOYER_TODAY: _employer_added,
    s.DELETES_CONFIRMING: _employer_deleted,
    s.ANOTHER_STUDENT: _set(other_student=True),
    s.DAYS_PASS: _days,
}

_TRANSMITTING = {
    s.USCIS_APPROVES, s.SRC_CORRECTS, s.STEM_DENIED, s.DSO_RESETS, s.SRC_RESETS,
    s.SRC_RETRANSMITS, s.TRANSFER, s.LEVEL_CHANGE, s.COMPLETED_EARLY, s.APPROVED, s.REGISTERED,
    s.LOGGED_IN, s.ANOTHER_STUDENT,
}  # fmt: skip

#: Every sentence a rule of the machine plays (the summary counts how many a run did).
RULE_SENTENCES: tuple[Sentence, ...] = tuple(
    dict.fromkeys([start.sentence for start in STARTS] + [move.sentence for move in MOVES])
)
