"""The differential state machine: each rule plays one step sentence on two worlds built
from the same data seed (the target's and the reference's), then compares what both
show and checks the FAQ invariants on each. Preconditions read the model only."""

from __future__ import annotations

import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Any

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, precondition, rule

from fixtures.factories import DataFactory
from harness.drivers.errors import TargetError
from harness.fuzz import _sentences as s
from harness.fuzz._invariants import Violation, Watch, check_invariants
from harness.fuzz._model import StudentModel
from harness.fuzz._observe import Difference, Observation, differences, observe, settle_mail
from harness.fuzz._sentences import PlayedStep, Sentence
from harness.fuzz._targets import REFERENCE, FuzzTarget
from harness.world import ADDRESS_PROBLEMS, ScenarioFailure, World
from simulators.common.clock import add_months
from simulators.common.contract import PortalError
from simulators.common.domain import LIMITS, OptType
from simulators.sevis.errors import SevisError

EMPLOYER_NAMES = ("Acme Robotics", "Cedar Labs", "Birch Analytics")
STEM_EMPLOYER_NAMES = ("Helix Bio", "Quanta Grid")
JOB_TITLES = ("Data Engineer", "Research Scientist")
TODAY_EMPLOYER = "Today Starts Inc."


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


@dataclass
class FuzzContext:
    """Shared by every example of a run: the target, the data seed and the coverage."""

    target: FuzzTarget
    data_seed: int
    reference: FuzzTarget = REFERENCE
    coverage: Coverage = field(default_factory=Coverage)
    on_step: Callable[[FuzzContext], None] | None = None
    _factories: dict[str, _RewindableData] = field(default_factory=dict)

    def data(self, side: str, namespace: str) -> DataFactory:
        """The example's data, the same on both sides; a factory is rewound, not rebuilt
        (building Faker costs a millisecond)."""
        factory = self._factories.get(side)
        if factory is None or factory.namespace != namespace:
            factory = self._factories[side] = _RewindableData(self.data_seed, namespace)
        else:
            factory.rewind()
        return factory


class _RewindableData(DataFactory):
    def rewind(self) -> None:
        self.fake.seed_instance(self.seed ^ zlib.crc32(self.namespace.encode()))
        self._issued_ids.clear()
        self._issued_emails.clear()


def run_step(world: World, step: PlayedStep) -> tuple[str, str]:
    """Play one step; (outcome, detail). The outcome names no ids, so two portals compare."""
    world.last_refusal = None
    try:
        step.play(world)
    except PortalError as refusal:
        return f"raised: {refusal.code.value}", refusal.detail
    except ScenarioFailure as failure:
        return "raised: the step could not be carried out", str(failure)
    except SevisError as refused:
        return f"raised: SEVIS {type(refused).__name__}", str(refused)
    except TargetError as broken:
        return f"target error: {broken.fault.value}", str(broken)
    except AssertionError as failure:
        return "raised: the step could not be carried out", str(failure)
    except Exception as crash:  # a portal or the harness broke: a finding, not an answer
        return f"crashed: {type(crash).__name__}", f"{type(crash).__name__}: {crash}"
    if world.last_refusal is not None:
        return f"refused: {world.last_refusal.code.value}", world.last_refusal.detail
    return "ok", ""


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
        self.last: dict[str, Observation] = {}

    def __repr__(self) -> str:
        return f"DifferentialMachine({self.context.target.name}; {self.model!r})"

    # -- playing a sentence on both worlds -----------------------------------------------------
    def play(self, sentence: Sentence, **arguments: Any) -> None:
        step = PlayedStep(sentence, arguments)
        before_state = self.model.state()
        reference_outcome, reference_detail = run_step(self.reference, step)
        target_outcome, target_detail = run_step(self.target, step)
        step = replace(step, reference_outcome=reference_outcome)
        self.trace.append(step)
        self.learn(step, reference_outcome)
        coverage = self.context.coverage
        coverage.steps += 1
        coverage.rules[sentence.template] += 1
        after_state = self.model.state()
        coverage.states.add(after_state)
        coverage.transitions.add((before_state, sentence.template, after_state))
        reference_seen = observe(self.reference, reference_outcome)
        if self.context.target.mail_settle:
            settle_mail(self.target, len(reference_seen.emails), self.context.target.mail_settle)
        target_seen = observe(self.target, target_outcome)
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
        if reference_outcome.startswith("crashed"):
            crash = f"the reference crashed on {step!r}: {reference_detail}"
        elif target_outcome.startswith("crashed") and not found:
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
        raise Divergence(
            Finding(tuple(self.trace), side, found, broken, target_seen, reference_seen, crash)
        )

    # -- what the machine learns from the reference's answer -------------------------------------
    def learn(self, step: PlayedStep, outcome: str) -> None:
        m, sentence, arguments = self.model, step.sentence, step.arguments
        ok = outcome == "ok"
        if sentence in _TRANSMITTING and ok:
            m.transmitted = True
            m.armed_faults = max(0, m.armed_faults - 1)
        if not ok:
            if sentence is s.LOGS_IN and outcome == "raised: account-locked":
                m.locked = True
            if sentence is s.WRONG_PASSWORD:
                m.locked = m.locked or int(arguments["times"]) >= LIMITS.failed_logins_before_lock
            return
        learner = _LEARNERS.get(sentence)
        if learner is not None:
            learner(self, arguments)

    def _today_and_opt_end(self) -> tuple[Any, Any]:
        student = self.reference.student
        return self.reference.clock.today(), student.opt_end

    # -- how an example starts ---------------------------------------------------------------------
    @initialize(start=st.sampled_from(
        [PlayedStep(s.PENDING, {"opt": "post-completion"})]
        + [PlayedStep(given, {"opt": "post-completion"}) for given in (s.APPROVED, s.REGISTERED)]
        + [PlayedStep(s.LOGGED_IN, {"opt": opt}) for opt in ("post-completion", "STEM")]
    ))  # fmt: skip
    def start(self, start: PlayedStep) -> None:
        self.play(start.sentence, **start.arguments)

    # -- SEVIS and USCIS ------------------------------------------------------------------------------
    @precondition(lambda self: self.model.first_request_pending)
    @rule()
    def uscis_approves(self) -> None:
        self.play(s.USCIS_APPROVES)

    def _before_opt_start(self) -> bool:
        """The first request's start date (SEVIS, our own simulator) is still ahead."""
        student = self.reference.student
        if not student.requests:
            return False
        request = self.reference.sevis.opt_request(next(iter(student.requests.values())))
        return self.reference.clock.today() < request.start_date + timedelta(days=7)

    @precondition(
        lambda self: (
            self.model.first_request_pending
            and not self.model.past_start
            and self._before_opt_start()
        )
    )
    @rule()
    def approval_stuck_pending_past_start(self) -> None:
        self.play(s.PENDING_PAST_START)

    @precondition(lambda self: self.model.first_request_pending)
    @rule()
    def src_corrects_to_approved(self) -> None:
        self.play(s.SRC_CORRECTS, status="Approved")

    @precondition(
        lambda self: (
            self.model.post_completion_approved
            and OptType.STEM not in self.model.requested
            and not self.model.completed
        )
    )
    @rule()
    def stem_extension_pending(self) -> None:
        self.play(s.STEM_PENDING)

    @precondition(lambda self: self.model.stem_pending and not self.model.program_changed)
    @rule()
    def uscis_denies_stem(self) -> None:
        self.play(s.STEM_DENIED)

    @precondition(lambda self: self.model.armed_faults < 2)
    @rule()
    def next_transmission_fails(self) -> None:
        self.play(s.TRANSMISSION_FAILS)

    @precondition(lambda self: self.model.armed_faults < 2)
    @rule()
    def next_transmission_delivered_twice(self) -> None:
        self.play(s.TRANSMISSION_TWICE)

    @rule()
    def daily_sync(self) -> None:
        self.play(s.DAILY_SYNC)

    # -- the DSO ----------------------------------------------------------------------------------------
    @precondition(lambda self: bool(self.model.approved) and not self.model.program_changed)
    @rule()
    def dso_resets_portal_account(self) -> None:
        self.play(s.DSO_RESETS)

    @precondition(lambda self: not self.model.email_typo)
    @rule()
    def email_typo_in_sevis(self) -> None:
        self.play(s.EMAIL_TYPO)

    @precondition(lambda self: self.model.email_typo)
    @rule()
    def dso_corrects_email(self) -> None:
        self.play(s.EMAIL_CORRECTED)

    @precondition(lambda self: bool(self.model.deleted - self.model.employers))
    @rule(data=st.data())
    def dso_restores_employer(self, data: st.DataObject) -> None:
        names = sorted(self.model.deleted - self.model.employers)
        self.play(s.DSO_RESTORES, name=data.draw(st.sampled_from(names), label="name"))

    def _free_stem_employers(self) -> list[str]:
        taken = self.model.employers | self.model.deleted
        return [name for name in STEM_EMPLOYER_NAMES if name not in taken]

    @precondition(
        lambda self: (
            (
                self.model.stem_pending
                or (OptType.STEM in self.model.approved and not self.model.program_changed)
            )
            and bool(self._free_stem_employers())
        )
    )
    @rule(data=st.data())
    def dso_enters_stem_employer(self, data: st.DataObject) -> None:
        names = self._free_stem_employers()
        self.play(s.DSO_STEM_EMPLOYER, name=data.draw(st.sampled_from(names), label="name"))

    @precondition(lambda self: not self.model.program_changed)
    @rule()
    def dso_records_transfer(self) -> None:
        self.play(s.TRANSFER)

    @precondition(lambda self: not self.model.program_changed)
    @rule()
    def dso_records_level_change(self) -> None:
        self.play(s.LEVEL_CHANGE)

    def _can_complete(self, days: int) -> bool:
        today, end = self._today_and_opt_end()
        return end is not None and today < end - timedelta(days=days)

    @precondition(
        lambda self: (
            self.model.post_completion_approved
            and not self.model.completed
            and self._can_complete(30)
        )
    )
    @rule(data=st.data())
    def dso_completes_early(self, data: st.DataObject) -> None:
        days = [days for days in (30, 90) if self._can_complete(days)]
        self.play(s.COMPLETED_EARLY, days=data.draw(st.sampled_from(days), label="days"))

    # -- the SRC ---------------------------------------------------------------------------------------
    @precondition(lambda self: self.model.transmitted and not self.model.ticket_open)
    @rule()
    def dso_reports_failed_transmission(self) -> None:
        self.play(s.REPORT_FAILED_TRANSMISSION)

    @precondition(lambda self: self.model.ticket_open)
    @rule()
    def src_retransmits(self) -> None:
        self.play(s.SRC_RETRANSMITS)

    @precondition(lambda self: self.model.ticket_open and bool(self.model.approved))
    @rule()
    def src_resets_portal_account(self) -> None:
        self.play(s.SRC_RESETS)

    # -- the student -----------------------------------------------------------------------------------
    @precondition(lambda self: not self.model.registered and bool(self.model.approved))
    @rule()
    def student_registers(self) -> None:
        self.play(s.REGISTERS, notice="account creation")

    @precondition(lambda self: self.model.registered and not self.model.locked)
    @rule()
    def student_logs_in(self) -> None:
        self.play(s.LOGS_IN)

    @precondition(lambda self: self.model.registered)
    @rule(times=st.sampled_from(("1", "3")))
    def student_mistypes_password(self, times: str) -> None:
        self.play(s.WRONG_PASSWORD, times=times)

    @precondition(lambda self: self.model.registered)
    @rule()
    def student_requests_password_reset(self) -> None:
        self.play(s.RESET_BUTTON)

    @precondition(lambda self: self.model.reset_requested)
    @rule()
    def student_follows_reset_link(self) -> None:
        self.play(s.FOLLOWS_RESET_LINK, notice="password reset")

    # Two employers of one name make "the employer X" ambiguous: the step library takes the
    # first the portal lists, and portals order same-day namesakes by their own random ids.
    def _free_employer_names(self) -> list[str]:
        return [name for name in EMPLOYER_NAMES if name not in self.model.employers]

    @precondition(lambda self: self.model.in_portal and bool(self._free_employer_names()))
    @rule(data=st.data())
    def student_adds_employer(self, data: st.DataObject) -> None:
        free = self._free_employer_names()
        self.play(s.ADDS_EMPLOYER, name=data.draw(st.sampled_from(free), label="name"))

    @precondition(lambda self: self.model.in_portal and TODAY_EMPLOYER not in self.model.employers)
    @rule()
    def student_reports_employer_starting_today(self) -> None:
        self.play(s.REPORTS_EMPLOYER_TODAY)

    @precondition(lambda self: self.model.in_portal and bool(self.model.employers))
    @rule(data=st.data())
    def student_deletes_employer_confirming(self, data: st.DataObject) -> None:
        self.play(s.DELETES_CONFIRMING, name=self._employer(data))

    @precondition(lambda self: self.model.in_portal and bool(self.model.employers))
    @rule(data=st.data())
    def student_deletes_employer_unconfirmed(self, data: st.DataObject) -> None:
        self.play(s.DELETES_UNCONFIRMED, name=self._employer(data))

    @precondition(lambda self: self.model.in_portal and bool(self.model.employers))
    @rule(data=st.data(), title=st.sampled_from(JOB_TITLES))
    def student_changes_job_title(self, data: st.DataObject, title: str) -> None:
        self.play(s.CHANGES_JOB_TITLE, name=self._employer(data), title=title)

    @precondition(lambda self: self.model.in_portal)
    @rule()
    def student_changes_phone(self) -> None:
        self.play(s.CHANGES_PHONE)

    @precondition(lambda self: self.model.in_portal)
    @rule(problem=st.sampled_from(sorted(ADDRESS_PROBLEMS)))
    def student_enters_bad_address(self, problem: str) -> None:
        self.play(s.CHANGES_ADDRESS_BADLY, problem=problem)

    @precondition(lambda self: not self.model.other_student)
    @rule()
    def another_student_logs_in(self) -> None:
        self.play(s.ANOTHER_STUDENT, opt="post-completion")

    @precondition(
        lambda self: (
            self.model.other_student and self.model.in_portal and bool(self.model.employers)
        )
    )
    @rule(data=st.data())
    def other_student_deletes_first_students_employer(self, data: st.DataObject) -> None:
        self.play(s.OTHER_DELETES, name=self._employer(data))

    def _employer(self, data: st.DataObject) -> str:
        return data.draw(st.sampled_from(sorted(self.model.employers)), label="name")

    # -- the clock ---------------------------------------------------------------------------------------
    @rule(days=st.sampled_from((1, 13, 30, 91)))
    def days_pass(self, days: int) -> None:
        self.play(s.DAYS_PASS, days=days)

    @rule(days=st.sampled_from((30, 200)))
    def days_pass_logging_in(self, days: int) -> None:
        self.play(s.DAYS_PASS_LOGGING_IN, days=days)

    def _before_opt_end(self) -> bool:
        today, end = self._today_and_opt_end()
        return end is not None and today <= end

    @precondition(lambda self: self.model.post_completion_approved and self._before_opt_end())
    @rule()
    def post_completion_end_passes(self) -> None:
        self.play(s.OPT_END_PASSED)

    def _before_six_months(self, side: str) -> bool:
        today, end = self._today_and_opt_end()
        if end is None:
            return False
        offset = -1 if side == "before" else 1
        target = add_months(end, LIMITS.access_after_opt_end_months) + timedelta(days=offset)
        return today < target

    @precondition(lambda self: bool(self.model.approved) and self._before_six_months("after"))
    @rule(data=st.data())
    def time_passes_to_six_months_after_opt_end(self, data: st.DataObject) -> None:
        sides = [side for side in ("before", "after") if self._before_six_months(side)]
        side = data.draw(st.sampled_from(sides), label="side")
        self.play(s.SIX_MONTHS, side=side, which="authorized OPT end")


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
RULE_SENTENCES: tuple[Sentence, ...] = (
    s.PENDING, s.APPROVED, s.REGISTERED, s.LOGGED_IN, s.USCIS_APPROVES, s.PENDING_PAST_START,
    s.SRC_CORRECTS, s.STEM_PENDING, s.STEM_DENIED, s.TRANSMISSION_FAILS, s.TRANSMISSION_TWICE,
    s.DAILY_SYNC, s.DSO_RESETS, s.EMAIL_TYPO, s.EMAIL_CORRECTED, s.DSO_RESTORES,
    s.DSO_STEM_EMPLOYER, s.TRANSFER, s.LEVEL_CHANGE, s.COMPLETED_EARLY,
    s.REPORT_FAILED_TRANSMISSION, s.SRC_RETRANSMITS, s.SRC_RESETS, s.REGISTERS, s.LOGS_IN,
    s.WRONG_PASSWORD, s.RESET_BUTTON, s.FOLLOWS_RESET_LINK, s.ADDS_EMPLOYER,
    s.REPORTS_EMPLOYER_TODAY, s.DELETES_CONFIRMING, s.DELETES_UNCONFIRMED, s.CHANGES_JOB_TITLE,
    s.CHANGES_PHONE, s.CHANGES_ADDRESS_BADLY, s.ANOTHER_STUDENT, s.OTHER_DELETES, s.DAYS_PASS,
    s.DAYS_PASS_LOGGING_IN, s.OPT_END_PASSED, s.SIX_MONTHS,
)  # fmt: skip
