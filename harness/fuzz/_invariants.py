"""FAQ rules that hold after every step, checked on one world from what it shows.

Each violation names the catalog rules it breaks and the step sentences ("Then ...") that
show it in a written scenario.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from harness.fuzz import _sentences as s
from harness.fuzz._observe import Observation, StudentView
from harness.fuzz._sentences import PlayedStep
from harness.world import World
from simulators.common.clock import add_months
from simulators.common.domain import LIMITS
from simulators.common.notices import NoticeId
from simulators.common.seams import TransmissionKind
from simulators.mail import normalize_address
from simulators.sevis import TransmissionOutcome, TransmissionRecord

#: SEVIS actions after which employers may leave the student's view without a delete.
_REMOVING = {s.TRANSFER, s.LEVEL_CHANGE, s.STEM_DENIED}
_CREATION_TRIGGERS = {TransmissionKind.OPT_APPROVED, TransmissionKind.RESET_PORTAL_ACCOUNT}


@dataclass(frozen=True)
class Violation:
    """An FAQ rule a world broke after a step."""

    rules: tuple[str, ...]
    message: str
    checks: tuple[PlayedStep, ...] = ()

    def __str__(self) -> str:
        return f"{self.message} (rules: {', '.join(self.rules)})"


@dataclass
class Watch:
    """What one world's invariants remember across the steps of one example."""

    removals_allowed: bool = False
    typo_ever: bool = False
    new_program_from: int | None = None  # index of the first transmission after a transfer
    new_program_rule: str = ""
    employers_seen: tuple[str, ...] = field(default_factory=tuple)
    # the first student's transmissions as last counted, and what they counted to
    transmissions: list[TransmissionRecord] = field(default_factory=list)
    creation_triggers: int = 0
    approval_delivered: bool = False


def check_invariants(
    world: World, step: PlayedStep, before: Observation | None, after: Observation, watch: Watch
) -> list[Violation]:
    if not world.students:
        return []
    done = after.outcome.ok
    if step.sentence is s.EMAIL_TYPO and done:
        watch.typo_ever = True
    if step.sentence in _REMOVING and done:
        watch.removals_allowed = True
    if step.sentence in (s.TRANSFER, s.LEVEL_CHANGE) and done and watch.new_program_from is None:
        watch.new_program_from = _transmissions_before_step(world)
        watch.new_program_rule = step.sentence.rules[0]
    found: list[Violation] = []
    found += _no_employer_vanishes(step, after, watch)
    found += _one_creation_email_per_approval(world, after, watch)
    found += _no_old_program_after_transfer(world, after, watch)
    found += _nothing_visible_after_access_window(world, after, watch)
    return found


def _no_employer_vanishes(step: PlayedStep, after: Observation, watch: Watch) -> list[Violation]:
    if not isinstance(after.view, StudentView):
        return []
    seen, watch.employers_seen = watch.employers_seen, after.view.employer_names
    if watch.removals_allowed:
        return []
    vanished = sorted(set(seen) - set(after.view.employer_names))
    if step.sentence is s.DELETES_CONFIRMING and after.outcome.ok:
        vanished = [name for name in vanished if name != step.arguments.get("name")]
    if not vanished:
        return []
    return [
        Violation(
            ("delete-needs-confirmation",),
            f"employer(s) {vanished} left the student's view without a confirmed delete or a "
            "SEVIS action that removes them",
            tuple(PlayedStep(s.SEES_EMPLOYER, {"name": name}) for name in vanished),
        )
    ]


def _one_creation_email_per_approval(
    world: World, after: Observation, watch: Watch
) -> list[Violation]:
    student = world.student
    mailbox = normalize_address(student.email)
    subject = world.notices[NoticeId.ACCOUNT_CREATION].subject
    emails = sum(1 for to, _, about in after.emails if to == mailbox and about == subject)
    sent = world.sevis.transmissions(student.sevis_id)
    if sent != watch.transmissions:  # records are frozen: equal lists, same outcomes
        watch.transmissions = sent
        delivered = [t for t in sent if t.outcome is TransmissionOutcome.DELIVERED]
        watch.creation_triggers = len(
            {t.transmission_id for t in delivered if t.transmission.kind in _CREATION_TRIGGERS}
        )
        watch.approval_delivered = any(
            t.transmission.kind is TransmissionKind.OPT_APPROVED for t in delivered
        )
    triggers = watch.creation_triggers
    rules = ("approval-sends-creation-email", "notice-once-per-event")
    one = (PlayedStep(s.EXACTLY_ONE_EMAIL, {"notice": "account creation"}),)
    if emails > triggers:
        return [
            Violation(
                rules,
                f"{emails} account creation emails for {triggers} approval(s) and resets "
                "that reached the portal",
                one if triggers == 1 else (),
            )
        ]
    if watch.approval_delivered and emails == 0 and not watch.typo_ever:
        return [Violation(rules, "an approval reached the portal and no account creation email "
                          "reached the student", one)]  # fmt: skip
    return []


def _transmissions_before_step(world: World) -> int:
    # The transfer has already transmitted when the invariants run: count it in.
    sent = world.sevis.transmissions(world.student.sevis_id)
    return max(0, len(sent) - 1)


def _no_old_program_after_transfer(
    world: World, after: Observation, watch: Watch
) -> list[Violation]:
    if watch.new_program_from is None or not isinstance(after.view, StudentView):
        return []
    since = world.sevis.transmissions(world.student.sevis_id)[watch.new_program_from :]
    if not any(t.outcome is TransmissionOutcome.DELIVERED for t in since):
        return []  # the new program record has not reached the portal yet
    view = after.view
    if not view.authorizations and not view.employers:
        return []
    return [
        Violation(
            (watch.new_program_rule,),
            f"after the new program record reached the portal the student still sees the old "
            f"program's OPT {view.authorization_labels} and employers {view.employer_names}",
            (PlayedStep(s.SEES_NO_AUTHORIZATION), PlayedStep(s.SEES_NO_EMPLOYERS)),
        )
    ]


def _nothing_visible_after_access_window(
    world: World, after: Observation, watch: Watch
) -> list[Violation]:
    student = world.student
    if student.opt_end is None or watch.new_program_from is not None:
        return []
    closes = add_months(student.opt_end, LIMITS.access_after_opt_end_months)
    if world.clock.today() <= closes or not isinstance(after.view, StudentView):
        return []
    rules = ("closure-notices",) + (
        ("early-completion-six-months",) if student.completed_on else ()
    )
    return [
        Violation(
            rules,
            f"the student still sees their pages on {world.clock.today()}, after access "
            f"closed on {closes}",
            (PlayedStep(s.CANNOT_LOG_IN, {"code": "access-closed"}),),
        )
    ]
