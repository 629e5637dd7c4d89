"""What the fuzzer can observe of a world after a step, and how two observations differ.

Ids a portal makes up (employer ids, sessions, tokens, transmission ids) are left out:
two portals never agree on them, and a scenario cannot name them either. History is
compared as counts per category, since every portal words its entries its own way.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from harness.fuzz._outcome import Outcome
from harness.world import World
from simulators.common.contract import EmployerView, ErrorCode, PortalError
from simulators.mail import StoredMessage
from simulators.sevis import SevisEvent

EmployerFacts = tuple[object, ...]  # an employer without its id
Email = tuple[str, str, str]  # (mailbox, folder, subject)
SESSION_INVALID = ErrorCode.SESSION_INVALID.value


@dataclass(frozen=True, slots=True)
class StudentView:
    """The first student's pages, as the student sees them."""

    profile: tuple[object, ...]
    authorizations: tuple[tuple[str, str, object, object], ...]  # (label, status, start, end)
    employers: tuple[EmployerFacts, ...]
    history: tuple[tuple[str, int], ...]  # (category, how many entries)
    unemployment: tuple[int, int]  # (days used, days allowed)

    @property
    def employer_names(self) -> tuple[str, ...]:
        return tuple(str(e[0]) for e in self.employers)

    @property
    def authorization_labels(self) -> tuple[str, ...]:
        return tuple(label for label, status, _, _ in self.authorizations if status == "Approved")


@dataclass(frozen=True, slots=True)
class Observation:
    """Everything compared after a step. ``view`` is the student's pages, or the error code
    the portal answered with, or "" when the student holds no session."""

    outcome: Outcome  # what the step itself came to
    view: StudentView | str
    emails: tuple[Email, ...]  # in arrival order
    events: tuple[tuple[str, str], ...]  # the first student's SEVIS events: (name, status)
    #: The clock moved since the student last used the session (``World.session_may_have_expired``):
    #: a portal may rightly have ended it, and the next step logs in again first.
    session_may_have_expired: bool = False

    def __repr__(self) -> str:
        view = self.view if isinstance(self.view, str) else f"employers {self.view.employer_names}"
        return (
            f"Observation({self.outcome}; view: {view or 'no session'}; {len(self.emails)} emails)"
        )


@dataclass(frozen=True)
class Difference:
    """One thing the target shows differently from the reference."""

    what: str  # outcome, view, authorizations, employers, history, unemployment, profile, emails, events
    target: object
    reference: object

    def __str__(self) -> str:
        return f"{self.what}: target {self.target!r}, reference {self.reference!r}"


def observe_view(world: World) -> StudentView | str:
    if not world.students or world.student.session is None:
        return ""
    portal, session = world.portal, world.student.session
    try:
        profile = portal.profile(session)
        authorizations = portal.authorizations(session)
        employers = portal.employers(session)
        history = portal.history(session)
        counter = portal.unemployment(session)
    except PortalError as refusal:
        return refusal.code.value
    categories = Counter(entry.category.value for entry in history)
    return StudentView(
        profile=(
            profile.sevis_id,
            profile.email,
            profile.given_name,
            profile.surname,
            profile.birth_date,
            profile.us_address,
            profile.phone,
            profile.mailing_address,
        ),
        authorizations=tuple(
            (a.opt_type.label, a.status.value, a.start_date, a.end_date) for a in authorizations
        ),
        employers=tuple(  # sorted: portals order same-day, same-name employers by own ids
            sorted((_employer_facts(e) for e in employers), key=repr)
        ),
        history=tuple(sorted(categories.items())),
        unemployment=(counter.days_used, counter.days_allowed),
    )


def _employer_facts(e: EmployerView) -> EmployerFacts:
    return (
        e.employer_name,
        e.address,
        e.start_date,
        e.end_date,
        e.job_title,
        e.time_type,
        e.ein,
        e.supervisor_first_name,
        e.supervisor_last_name,
        e.supervisor_email,
        e.supervisor_phone,
        e.opt_type,
    )


def _email_facts(world: World, messages: Iterable[StoredMessage]) -> tuple[Email, ...]:
    # Other students only stand by (as the one who must not reach the first one's data):
    # their mail would only say again what the first student's says.
    others = {s.email.lower() for s in world.students[1:]}
    return tuple(
        (m.mailbox, m.folder.value, m.subject) for m in messages if m.mailbox not in others
    )


def _emails(world: World) -> tuple[Email, ...]:
    return _email_facts(world, world.mail.messages())


def settle_mail(world: World, expected: int, seconds: float) -> None:
    """Wait, up to ``seconds``, until ``world`` holds ``expected`` emails (what the reference
    sent so far): a portal on the wire sends over SMTP, and mail may land after its answer.
    No wait when it already does; a difference that stays is compared after the wait."""
    world.mail.wait_until(lambda: len(_emails(world)) >= expected, seconds)


def observe(world: World, outcome: Outcome) -> Observation:
    return Observer(world).observe(outcome)


class Observer:
    """Observes one world step after step. Mail and SEVIS events only grow (stored records
    are frozen, appended in order), so each observation converts only what is new since the
    last; a store that shrank or changed its order is read again from the start."""

    def __init__(self, world: World) -> None:
        self.world = world
        self._messages: tuple[StoredMessage, ...] = ()
        self._emails: tuple[Email, ...] = ()
        self._students = 0
        self._events: list[SevisEvent] = []
        self._event_facts: tuple[tuple[str, str], ...] = ()

    def observe(self, outcome: Outcome) -> Observation:
        world = self.world
        expired = bool(world.students) and world.session_may_have_expired(world.student)
        return Observation(outcome, observe_view(world), self.emails(), self.events(), expired)

    def emails(self) -> tuple[Email, ...]:
        messages = self.world.mail.messages()
        seen = len(self._messages)
        if len(self.world.students) != self._students or messages[:seen] != self._messages:
            seen, self._emails, self._students = 0, (), len(self.world.students)
        if len(messages) > seen:
            self._emails += _email_facts(self.world, messages[seen:])
        self._messages = messages
        return self._emails

    def events(self) -> tuple[tuple[str, str], ...]:
        world = self.world
        if not world.students:
            return ()
        events = world.sevis.event_history(world.student.sevis_id)
        seen = len(self._events)
        if events[:seen] != self._events:
            seen, self._event_facts = 0, ()
        if len(events) > seen:
            self._event_facts += tuple((e.name.value, e.status) for e in events[seen:])
        self._events = events
        return self._event_facts


def differences(target: Observation, reference: Observation) -> list[Difference]:
    """What the target shows differently; empty when the two agree."""
    if target == reference:
        return []
    found: list[Difference] = []
    if target.outcome != reference.outcome:
        found.append(Difference("outcome", target.outcome, reference.outcome))
    if not _only_an_expired_session(target, reference):
        found += _view_differences(target.view, reference.view)
    if target.emails != reference.emails:
        found.append(Difference("emails", _email_counts(target), _email_counts(reference)))
    if target.events != reference.events:
        found.append(Difference("events", target.events[-3:], reference.events[-3:]))
    return found


def _only_an_expired_session(target: Observation, reference: Observation) -> bool:
    """One side's session ended while the clock moved: no session limit is a rule."""
    may_have_expired = target.session_may_have_expired or reference.session_may_have_expired
    return may_have_expired and SESSION_INVALID in (target.view, reference.view)


def _view_differences(target: StudentView | str, reference: StudentView | str) -> list[Difference]:
    if target == reference:
        return []
    if isinstance(target, str) or isinstance(reference, str):
        return [Difference("view", target or "no session", reference or "no session")]
    found = []
    for part in ("profile", "authorizations", "employers", "history", "unemployment"):
        mine, theirs = getattr(target, part), getattr(reference, part)
        if mine != theirs:
            if part == "employers":
                mine, theirs = target.employer_names, reference.employer_names
            found.append(Difference(part, mine, theirs))
    return found


def _email_counts(observation: Observation) -> dict[tuple[str, str], int]:
    return dict(Counter((mailbox, subject) for mailbox, _, subject in observation.emails))
