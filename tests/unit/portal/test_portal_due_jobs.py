"""Due jobs (inactivity locks, closure notices) look only at the accounts with something due
by now (``PortalBackend.due``), and do exactly what a look at every account on every clock
move does."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from simulators.common.contract import PortalError
from simulators.common.seams import TransmissionKind
from simulators.portal.models import Account, DueSchedule, LockReason


class LooksAtEveryAccount(DueSchedule):
    """The portal before the schedule: every clock move runs every account's due jobs."""

    def needs_look(self, sevis_id: str, today: date) -> bool:
        return True


def test_a_clock_move_looks_only_at_accounts_with_something_due(world, kit) -> None:
    students = [world.registered() for _ in range(3)]
    looked: list[str] = []
    real = world.portal._run_due_jobs_for

    def spy(account: Account, now) -> None:  # type: ignore[no-untyped-def]
        looked.append(account.sevis_id)
        real(account, now)

    world.portal._run_due_jobs_for = spy
    world.advance(hours=1)  # the first move looks at every new account and plans it
    assert looked == [s.sevis_id for s in students]
    looked.clear()
    world.advance(days=10)
    world.advance(days=10)
    assert looked == [], "nothing falls due before the inactivity lock"
    world.session(students[1])  # day 20: its lock moves to day 110 (the plan stays early)
    world.advance(days=80)  # day 100: two lock; the third is looked at and planned anew
    assert looked == [s.sevis_id for s in students]
    looked.clear()
    world.advance(days=9)
    assert looked == []
    world.advance(days=1)  # day 110
    assert looked == [students[1].sevis_id]
    assert all(a.lock is LockReason.INACTIVITY for a in world.portal.backend.accounts.values())


def _approve(world, kit, record, end_shift: int = 0) -> None:  # type: ignore[no-untyped-def]
    end = kit.OPT_END + timedelta(days=end_shift)
    changed = replace(record, authorizations=(replace(record.authorizations[0], end_date=end),))
    world.transmit(TransmissionKind.OPT_APPROVED, changed)


def _register(world, kit, record) -> None:  # type: ignore[no-untyped-def]
    world.portal.register(world.creation_token(record), record.sevis_id, kit.PASSWORD)


def _lock_by_failures_and_reset(world, kit, record) -> None:  # type: ignore[no-untyped-def]
    for _ in range(world.portal.settings.limits.failed_logins_before_lock):
        with pytest.raises(PortalError):
            world.portal.login(record.email, "Wrong-Password-1!")
    world.portal.request_password_reset(record.email)
    world.advance(hours=1)  # a move plans the locked account: no inactivity lock is due


def _complete_reset(world, kit, record) -> None:  # type: ignore[no-untyped-def]
    token = kit.token_in(world.mailer.to(record.email, kit.NoticeId.PASSWORD_RESET)[-1])
    world.portal.complete_password_reset(token, "Another-Password-7!")


# Each script moves the clock (the account is planned), then an operation brings a due day
# forward, then moves the clock past it: a plan kept from before would miss the job.
SCRIPTS = {
    "registration": lambda w, k, r: (_approve(w, k, r), w.advance(hours=1), _register(w, k, r)),
    "an unlock by a reset link": lambda w, k, r: (
        _approve(w, k, r),
        _register(w, k, r),
        _lock_by_failures_and_reset(w, k, r),
        _complete_reset(w, k, r),
    ),
    "an approval that ends the OPT earlier": lambda w, k, r: (
        _approve(w, k, r),
        w.advance(hours=1),
        _approve(w, k, r, end_shift=-250),
    ),
}


@pytest.mark.parametrize("script", SCRIPTS)
def test_the_schedule_does_what_a_look_at_every_account_does(make_world, kit, script) -> None:
    """The same operations on a portal that looks at every account on every move: the same
    emails, History pages, locks and notices, on every day."""
    planned, every = make_world(), make_world()
    every.portal.backend.due = LooksAtEveryAccount()
    record = kit.student_record()
    for world in (planned, every):
        SCRIPTS[script](world, kit, record)
    for _ in range(12):
        for world in (planned, every):
            world.advance(days=30)
        assert _seen(planned) == _seen(every), planned.clock.now()
    assert _seen(every) != _seen(make_world()), "the script made something fall due"


def _seen(world) -> list[object]:  # type: ignore[no-untyped-def]
    mail = [(m["To"], m["Subject"]) for m in world.mailer.sent]
    accounts = [
        (a.sevis_id, a.lock, sorted(a.notices_sent), [(h.at, h.summary) for h in a.history])
        for a in world.portal.backend.accounts.values()
    ]
    return [mail, accounts]
