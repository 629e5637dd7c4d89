"""The domain model's states a scenario drives through: the portal account, the OPT request
and the program of study record. SEVIS is read in every mode; the account is read from the
reference portal's own model, so account states are measured in memory only."""

from __future__ import annotations

from collections.abc import Container, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from simulators.common.domain import OptStatus, ProgramStatus

if TYPE_CHECKING:  # the world (and Faker with it) loads when a scenario needs one
    from harness.world import World

ACCOUNT = "account"
OPT_REQUEST = "OPT request"
PROGRAM = "program record"
#: Where a subject comes from or goes to when it has no state before or after a step.
NEW, GONE = "(new)", "(gone)"


class AccountState:
    """The account states the help pages and the FAQ speak of; an account can be in
    several at once (registered with a reset pending, locked with a session left)."""

    AWAITING_REGISTRATION = "awaiting registration"
    REGISTRATION_LOCKED = "registration locked"
    REGISTERED = "registered"
    ATTESTED_SESSION = "attested session"
    LOCKED_BY_FAILURES = "locked by failures"
    LOCKED_BY_INACTIVITY = "locked by inactivity"
    RESET_PENDING = "reset pending"
    CLOSED = "closed"


ACCOUNT_STATES: tuple[str, ...] = (
    AccountState.AWAITING_REGISTRATION,
    AccountState.REGISTRATION_LOCKED,
    AccountState.REGISTERED,
    AccountState.ATTESTED_SESSION,
    AccountState.LOCKED_BY_FAILURES,
    AccountState.LOCKED_BY_INACTIVITY,
    AccountState.RESET_PENDING,
    AccountState.CLOSED,
)
#: Every state of every machine, in the order the tables show them.
MODEL_STATES: dict[str, tuple[str, ...]] = {
    ACCOUNT: ACCOUNT_STATES,
    OPT_REQUEST: tuple(s.value for s in OptStatus),
    PROGRAM: tuple(s.value for s in ProgramStatus),
}


@dataclass(frozen=True, order=True)
class StateFact:
    machine: str
    subject: str  # a SEVIS ID, an OPT request id, a program id
    state: str


def observe(world: World) -> frozenset[StateFact]:
    """Every state every subject of ``world`` is in now."""
    return frozenset(StateFact(*held) for held in _held(world, MODEL_STATES))


def model_states(world: World) -> set[str]:
    """``machine: state`` for every state some subject of ``world`` is in now (the keys of
    the coverage tables), for a caller that only counts visits, such as the fuzzer."""
    return {f"{machine}: {state}" for machine, _, state in _held(world, MODEL_STATES)}


class ModelStateVisits:
    """The ``machine: state`` keys some subject of a world was in after some step: the
    union of ``model_states`` over every read, for a caller that reads after every step.

    Each read works out only the states not visited yet, so a long run reads less as it
    covers more (read from scratch, the states were a tenth of a fuzz step)."""

    def __init__(self) -> None:
        self.keys: set[str] = set()
        self._unvisited = {machine: set(states) for machine, states in MODEL_STATES.items()}

    def visit(self, world: World) -> None:
        for machine, _, state in list(_held(world, self._unvisited)):
            if state in self._unvisited[machine]:
                self._unvisited[machine].discard(state)
                self.keys.add(f"{machine}: {state}")


def _held(world: World, wanted: Mapping[str, Container[str]]) -> Iterator[tuple[str, str, str]]:
    """``(machine, subject, state)`` for each state among ``wanted`` (by machine) that a
    subject of ``world`` is in now; a state not wanted is not worked out."""
    programs, requests = wanted[PROGRAM], wanted[OPT_REQUEST]
    if programs or requests:
        for student in world.students:
            if programs:
                for program_id, status in world.sevis.program_statuses(student.sevis_id):
                    if status.value in programs:
                        yield PROGRAM, program_id, status.value
            if requests:
                for request_id, opt in world.sevis.opt_request_statuses(student.sevis_id):
                    if opt.value in requests:
                        yield OPT_REQUEST, request_id, opt.value
    if wanted[ACCOUNT]:
        yield from _account_facts(world, wanted[ACCOUNT])


def _account_facts(world: World, wanted: Container[str]) -> Iterator[tuple[str, str, str]]:
    """The reference's accounts, read by their attributes: the harness never imports the
    reference portal (steps reach a portal only through the driver)."""
    portal: Any = getattr(world.portal, "inner", world.portal)
    backend = getattr(portal, "backend", None)
    if backend is None or not hasattr(portal, "settings"):
        return  # a portal on the wire: its model is not ours to read
    now: datetime = world.clock.now()
    # who holds an attested session or a live reset link, gathered once for every account
    attested: set[str] = set()
    if AccountState.ATTESTED_SESSION in wanted:
        attested = {s.sevis_id for s in backend.sessions.values() if s.attested}
    resetting: set[str] = set()
    if AccountState.RESET_PENDING in wanted:
        resetting = {
            link.sevis_id
            for link in backend.links.values()
            if link.purpose.value != "registration"
            and link.state.value == "live"
            and now < link.expires_at
        }
    for account in backend.accounts.values():
        states = _account_states(account, portal.settings, now.date(), attested, resetting, wanted)
        for state in states:
            yield ACCOUNT, account.sevis_id, state


def _account_states(
    account: Any,
    settings: Any,
    today: date,
    attested: set[str],
    resetting: set[str],
    wanted: Container[str],
) -> list[str]:
    """The account's states among ``wanted``; ``attested`` and ``resetting`` hold the SEVIS
    IDs with an attested session and with a live reset link (read only when wanted)."""
    states = []
    registered, lock = account.registered, account.lock
    # a closed account is not "registered", so the closing date is also read for that state
    needs_closed = AccountState.CLOSED in wanted or (
        AccountState.REGISTERED in wanted and registered and lock is None
    )
    closed = needs_closed and account.access_closed(settings, today)
    if closed and AccountState.CLOSED in wanted:
        states.append(AccountState.CLOSED)
    if not registered:
        locked = account.registration_locked
        states.append(
            AccountState.REGISTRATION_LOCKED if locked else AccountState.AWAITING_REGISTRATION
        )
    elif lock is None and not closed and AccountState.REGISTERED in wanted:
        states.append(AccountState.REGISTERED)
    if lock is not None:
        failures = lock.name == "FAILED_LOGINS"
        states.append(
            AccountState.LOCKED_BY_FAILURES if failures else AccountState.LOCKED_BY_INACTIVITY
        )
    if account.sevis_id in attested:
        states.append(AccountState.ATTESTED_SESSION)
    if registered and account.sevis_id in resetting:
        states.append(AccountState.RESET_PENDING)
    return [state for state in states if state in wanted]


@dataclass(frozen=True)
class Move:
    """What one step did to one subject: the set of states before and after."""

    machine: str
    before: tuple[str, ...]
    after: tuple[str, ...]

    @property
    def entered(self) -> tuple[str, ...]:
        return tuple(s for s in self.after if s not in self.before)

    @property
    def left(self) -> tuple[str, ...]:
        return tuple(s for s in self.before if s not in self.after)

    @property
    def transition(self) -> str:
        """``before -> after``; several states at once are joined with ``+``."""
        return f"{' + '.join(self.before) or NEW} -> {' + '.join(self.after) or GONE}"


def moves(before: frozenset[StateFact], after: frozenset[StateFact]) -> list[Move]:
    """What changed between two observations, subject by subject."""
    subjects = {(f.machine, f.subject) for f in before | after}
    found = []
    for machine, subject in sorted(subjects):
        was = _states_of(before, machine, subject)
        now = _states_of(after, machine, subject)
        if was != now:
            found.append(Move(machine, was, now))
    return found


def _states_of(facts: frozenset[StateFact], machine: str, subject: str) -> tuple[str, ...]:
    """The subject's states in the model's order."""
    held = {f.state for f in facts if (f.machine, f.subject) == (machine, subject)}
    return tuple(s for s in MODEL_STATES[machine] if s in held)
