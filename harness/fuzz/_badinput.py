"""Bad input, generated: malformed and hostile values sent to every write operation of the
portal driver, on the target and on the reference. A value the contract forbids must be
refused with a PortalError (a 4xx problem on the wire) and change nothing; whatever the
reference answers, the target must answer the same."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

from hypothesis import given
from hypothesis import seed as hypothesis_seed
from hypothesis import strategies as st

from fixtures.factories import DataFactory
from harness.fuzz._machine import run_step
from harness.fuzz._observe import Observation, observe
from harness.fuzz._outcome import OK, Outcome, OutcomeKind
from harness.fuzz._sentences import PlayedStep, Sentence
from harness.fuzz._settings import fuzz_settings
from harness.fuzz._targets import REFERENCE, FuzzTarget
from harness.world import World
from simulators.common.contract import ContactUpdate, EmployerEdit, EmployerInput
from simulators.common.records import UsAddress

#: Every write operation of the driver protocol (reads change nothing to protect).
WRITE_OPERATIONS = (
    "register",
    "login",
    "request_password_reset",
    "complete_password_reset",
    "attest",
    "logout",
    "update_contact",
    "add_employer",
    "edit_employer",
    "delete_employer",
)


def write_operations() -> tuple[str, ...]:
    return WRITE_OPERATIONS


@dataclass(frozen=True)
class Stage:
    """Who and what a bad input can aim at, in one world: the student (logged in, with an
    employer) and another student whose employer the first must not reach."""

    world: World
    session: str
    employer_id: str
    others_employer_id: str
    others_session: str


Call = Callable[[Stage], Any]


@dataclass(frozen=True)
class BadInputCase:
    """One hostile call: ``must_refuse`` when the contract forbids the value outright."""

    operation: str
    what: str
    call: Call = field(repr=False, compare=False)
    must_refuse: bool = True
    wrong_type: bool = False  # in memory only: a value outside the typed contract

    def __repr__(self) -> str:
        return f"BadInputCase({self.operation}: {self.what})"


@dataclass
class BadInputReport:
    cases: int = 0
    by_operation: Counter[str] = field(default_factory=Counter)
    refused: Counter[str] = field(default_factory=Counter)  # by error code
    problems: list[str] = field(default_factory=list)
    notes: set[str] = field(default_factory=set)  # in memory: wrong types the service trusts

    def summary(self) -> str:
        operations = ", ".join(f"{op} {n}" for op, n in sorted(self.by_operation.items()))
        codes = ", ".join(f"{code} {n}" for code, n in self.refused.most_common())
        lines = [f"bad input: {self.cases} cases ({operations})", f"  refused with: {codes}"]
        lines += [f"  problem: {p}" for p in self.problems]
        lines += [f"  note: {n}" for n in sorted(self.notes)]
        return "\n".join(lines)


# --- hostile values ------------------------------------------------------------------------------
_CONTROL = st.characters(codec="utf-8", categories=["Cc"])
HOSTILE_TEXT = st.one_of(
    st.text(min_size=101, max_size=400),  # longer than any field allows
    st.text(_CONTROL, min_size=1, max_size=5).map(lambda c: f"Acme{c}Corp"),
    st.sampled_from(["", " ", "\x00", "A" * 10_000]),
)  # fmt: skip
#: Hostile but not forbidden by any source: the target must answer as the reference does.
SUSPICIOUS_TEXT = st.sampled_from(
    ["\u202eevil", "Robert'); DROP TABLE students;--", "<script>alert(1)</script>", "Zoë Ltd."]
)
UNICODE_TEXT = st.text(
    st.characters(codec="utf-8", exclude_categories=["Cc", "Cs"]), min_size=1, max_size=60
)
WRONG_TYPES: st.SearchStrategy[Any] = st.sampled_from(
    [None, 0, -1, 10**30, 3.5, [], {}, b"bytes", True]
)
BOGUS_TOKEN = st.one_of(st.text(max_size=80), st.sampled_from(["", "null", "../../etc/passwd"]))


def _employer(stage: Stage, **changes: Any) -> EmployerInput:
    student = stage.world.student
    return replace(stage.world.employer_input(student, "Bad Input LLC"), **changes)


def _address(stage: Stage, **changes: Any) -> UsAddress:
    return replace(stage.world.data.address(), **changes)


def bad_input_cases() -> st.SearchStrategy[BadInputCase]:
    """Hostile calls to every write operation."""
    text, wrong = HOSTILE_TEXT, WRONG_TYPES
    days = st.integers(1, 400)

    def case(operation: str, what: str, call: Call, must_refuse: bool = True) -> BadInputCase:
        return BadInputCase(operation, what, call, must_refuse, wrong_type="of type" in what)

    def name_case(v: Any) -> BadInputCase:
        kind = f"of type {type(v).__name__}" if not isinstance(v, str) else f"{v!r:.60}"
        return case(
            "add_employer",
            f"employer name {kind}",
            lambda s: s.world.portal.add_employer(s.session, _employer(s, employer_name=v)),
        )

    return st.one_of(
        BOGUS_TOKEN.map(lambda t: case("register", f"token {t!r:.60}",
            lambda s: s.world.portal.register(t, s.world.student.sevis_id, "Opt-Portal-2026!x"))),
        text.map(lambda v: case("login", f"email {v!r:.60}",
            lambda s: s.world.portal.login(v, "Opt-Portal-2026!"))),
        wrong.map(lambda v: case("login", f"password of type {type(v).__name__}",
            lambda s: s.world.portal.login(s.world.student.email, v))),
        BOGUS_TOKEN.map(lambda t: case("complete_password_reset", f"token {t!r:.60}",
            lambda s: s.world.portal.complete_password_reset(t, "Reset-9-Portal-2026!"))),
        BOGUS_TOKEN.map(lambda t: case("attest", f"session {t!r:.60}",
            lambda s: s.world.portal.attest(t))),
        BOGUS_TOKEN.map(lambda t: case("logout", f"session {t!r:.60}",
            lambda s: s.world.portal.logout(t))),
        text.map(lambda v: case("update_contact", f"phone {v!r:.60}",
            lambda s: s.world.portal.update_contact(s.session, ContactUpdate(phone=v)))),
        text.map(lambda v: case("update_contact", f"street {v!r:.60}",
            lambda s: s.world.portal.update_contact(
                s.session, ContactUpdate(us_address=_address(s, street=v))))),
        wrong.filter(lambda v: v is not None).map(lambda v: case("update_contact", f"address of type {type(v).__name__}",
            lambda s: s.world.portal.update_contact(s.session, ContactUpdate(us_address=v)))),
        text.map(name_case),
        SUSPICIOUS_TEXT.map(lambda v: case("add_employer", f"employer name {v!r}",
            lambda s: s.world.portal.add_employer(s.session, _employer(s, employer_name=v)),
            must_refuse=False)),
        SUSPICIOUS_TEXT.map(lambda v: case("edit_employer", f"job title {v!r}",
            lambda s: s.world.portal.edit_employer(s.session, s.employer_id,
                                                   EmployerEdit(job_title=v)),
            must_refuse=False)),
        wrong.map(name_case),
        UNICODE_TEXT.map(lambda v: case("add_employer", f"job title {v!r:.60}",
            lambda s: s.world.portal.add_employer(s.session, _employer(s, job_title=v)),
            must_refuse=False)),
        days.map(lambda d: case("add_employer", f"start {d} days before the authorization",
            lambda s: s.world.portal.add_employer(s.session, _employer(
                s, start_date=_opt(s)[0] - timedelta(days=d))))),
        days.map(lambda d: case("add_employer", f"end {d} days after the authorization",
            lambda s: s.world.portal.add_employer(s.session, _employer(
                s, end_date=_opt(s)[1] + timedelta(days=d))))),
        days.map(lambda d: case("add_employer", f"end {d} days before its start",
            lambda s: s.world.portal.add_employer(s.session, _employer(
                s, end_date=_opt(s)[0] + timedelta(days=0) - timedelta(days=d))))),
        text.map(lambda v: case("edit_employer", f"job title {v!r:.60}",
            lambda s: s.world.portal.edit_employer(s.session, s.employer_id,
                                                   EmployerEdit(job_title=v)))),
        days.map(lambda d: case("edit_employer", f"end {d} days after the authorization",
            lambda s: s.world.portal.edit_employer(s.session, s.employer_id, EmployerEdit(
                end_date=_opt(s)[1] + timedelta(days=d))))),
        st.just(case("edit_employer", "someone else's employer",
            lambda s: s.world.portal.edit_employer(s.session, s.others_employer_id,
                                                   EmployerEdit(job_title="Owned")))),
        BOGUS_TOKEN.map(lambda t: case("edit_employer", f"employer id {t!r:.60}",
            lambda s: s.world.portal.edit_employer(s.session, t, EmployerEdit(job_title="X")))),
        st.just(case("delete_employer", "no never-worked confirmation",
            lambda s: s.world.portal.delete_employer(s.session, s.employer_id,
                                                     never_worked_confirmed=False))),
        st.just(case("delete_employer", "someone else's employer, confirmed",
            lambda s: s.world.portal.delete_employer(s.session, s.others_employer_id,
                                                     never_worked_confirmed=True))),
        BOGUS_TOKEN.map(lambda t: case("delete_employer", f"employer id {t!r:.60}",
            lambda s: s.world.portal.delete_employer(s.session, t, never_worked_confirmed=True))),
        BOGUS_TOKEN.map(lambda t: case("delete_employer", f"session {t!r:.60}",
            lambda s: s.world.portal.delete_employer(t, s.employer_id,
                                                     never_worked_confirmed=True))),
        st.just(case("request_password_reset", "an address nobody has",
            lambda s: s.world.portal.request_password_reset("nobody@nowhere.invalid"),
            must_refuse=False)),
    )  # fmt: skip


def _opt(stage: Stage) -> tuple[date, date]:
    student = stage.world.student
    assert student.opt_start is not None and student.opt_end is not None
    return student.opt_start, student.opt_end


# --- one case on both sides ----------------------------------------------------------------------
_SETUP = PlayedStep(Sentence("Given", "a stage for bad input", lambda world: _set_stage(world)), {})


def _set_stage(world: World) -> None:
    from harness.steps import student as steps

    steps.logged_in_student(world, "post-completion")
    steps.works_for(world, "Acme Robotics")
    steps.another_logged_in_student(world, "post-completion")
    other = world.other_student
    world.add_employer(other, world.employer_input(other, "Cedar Labs"))


def _stage(world: World) -> Stage:
    first, other = world.students[0], world.students[1]
    assert first.session and other.session
    return Stage(
        world,
        first.session,
        first.employers["Acme Robotics"].employer_id,
        other.employers["Cedar Labs"].employer_id,
        other.session,
    )


def _answer(world: World, case: BadInputCase) -> tuple[Outcome, str]:
    stage = _stage(world)
    return run_step(world, PlayedStep(Sentence("When", case.what, lambda w: case.call(stage)), {}))


def _seen(world: World) -> tuple[Observation, Any]:
    other = world.students[1]
    return observe(world, OK), (world.portal.employers(other.session or ""),)


@dataclass(frozen=True)
class Judgement:
    answers: dict[str, Outcome]  # side -> what the case came to there
    problems: list[str]
    notes: list[str] = field(default_factory=list)


def judge(
    case: BadInputCase,
    target: FuzzTarget,
    data_seed: int,
    known_gaps: Callable[[BadInputCase], bool] | None = None,
) -> Judgement:
    """How the target and the reference answered ``case``, and what is wrong with it."""
    problems: list[str] = []
    notes: list[str] = []
    answers: dict[str, Outcome] = {}
    for side, builder in (("reference", REFERENCE), ("target", target)):
        world = builder.build_world(DataFactory(seed=data_seed, namespace="bad-input"))
        _SETUP.play(world)
        before = _seen(world)
        outcome, detail = _answer(world, case)
        after = _seen(world)
        answers[side] = outcome
        if case.wrong_type and not builder.live and outcome.kind is OutcomeKind.CRASHED:
            # In process the typed contract is the caller's to keep; on the wire the
            # adapter must refuse such a value with a 422, and there it is a problem.
            notes.append(
                f"{side}: {case.operation} with a value {case.what.split(' of ')[-1]} "
                f"raises {outcome.what} in memory"
            )
        elif outcome.kind in (OutcomeKind.CRASHED, OutcomeKind.TARGET_ERROR):
            problems.append(f"the {side} did not answer {case!r} with a refusal: {detail}")
        elif case.must_refuse and outcome.ok and not (known_gaps and known_gaps(case)):
            problems.append(f"the {side} accepted {case!r}")
        elif outcome.kind is OutcomeKind.RAISED and before != after:
            problems.append(f"the {side} refused {case!r} ({outcome}) but its state changed")
    if answers["target"] != answers["reference"]:
        problems.append(
            f"{case!r}: the target answered {answers['target']}, "
            f"the reference {answers['reference']}"
        )
    return Judgement(answers, problems, notes)


def check_bad_input(
    target: FuzzTarget = REFERENCE,
    *,
    examples: int = 60,
    seed: int = 0,
    known_gaps: Callable[[BadInputCase], bool] | None = None,
) -> BadInputReport:
    """Send ``examples`` hostile calls; the report lists the problems of the first failing
    case, shrunk to its simplest form. ``known_gaps`` names cases the reference is known to
    accept although it should not: for those only the target's answer is compared."""
    report = BadInputReport()

    @hypothesis_seed(seed)
    @fuzz_settings(live=target.live, max_examples=examples)
    @given(bad_input_cases())
    def run(case: BadInputCase) -> None:
        judgement = judge(case, target, seed, known_gaps)
        report.cases += 1
        report.by_operation[case.operation] += 1
        report.notes.update(judgement.notes)
        reference = judgement.answers["reference"]
        if reference.kind is OutcomeKind.RAISED:
            report.refused[reference.what] += 1
        if judgement.problems:
            raise BadInputProblem(judgement.problems)

    try:
        run()
    except BadInputProblem as problem:
        report.problems += problem.problems
    return report


class BadInputProblem(AssertionError):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems
