"""FAQ 1 after every scenario: every email the portal sent is a catalogued notice from its
catalogued sender, went to one student only, and came once per triggering event. A scenario
about something else (a transfer, a reset) still fails when its mail breaks the catalog.

The plugin registers this module; its hook runs after the last step of every scenario that
passed its steps, in memory and over the wire alike.
"""

from __future__ import annotations

from typing import Any

import pytest

from harness.checks import catalog_problems, readable_text, recipient_problems
from harness.world import ScenarioFailure, World
from simulators.common.notices import NoticeId
from simulators.common.seams import TransmissionKind
from simulators.sevis import TransmissionOutcome

#: The SEVIS transmissions that may each bring one account creation email (FAQ 7).
_CREATION_TRIGGERS = frozenset(
    {TransmissionKind.OPT_APPROVED, TransmissionKind.RESET_PORTAL_ACCOUNT}
)


#: Notices that fall due once per OPT end date: the same one twice is one event sent twice.
_ONCE_PER_DUE_DATE = (NoticeId.OPT_ENDED, NoticeId.ACCESS_CLOSING, NoticeId.ACCESS_CLOSED)


def mail_problems(world: World) -> list[str]:
    """Every way the scenario's mail breaks FAQ 1, in words."""
    messages = world.mail.messages()
    addresses = {a.lower() for s in world.students for a in (s.email, s.new.email)}
    problems = catalog_problems(world.notices, messages)
    problems += recipient_problems(messages, addresses)
    problems += _creation_emails_per_trigger(world)
    problems += _exact_copies(world)
    return problems


def _creation_emails_per_trigger(world: World) -> list[str]:
    subject = world.notices[NoticeId.ACCOUNT_CREATION].subject
    problems = []
    for student in world.students:
        sent = len(
            {m.message_id for a in {student.email, student.new.email}
             for m in world.mail.messages(recipient=a, subject=subject)}
        )  # fmt: skip
        triggers = sum(
            1
            for t in world.sevis.transmissions(student.sevis_id)
            if t.outcome is TransmissionOutcome.DELIVERED
            and t.transmission.kind in _CREATION_TRIGGERS
        )
        if sent > triggers:
            problems.append(
                f"{sent} account creation emails reached {student.email} for {triggers} "
                "approval(s) and reset(s) that reached the portal"
            )
    return problems


def _exact_copies(world: World) -> list[str]:
    """One email filed twice in a mailbox (the same Message-ID: a retry after a slow
    server), or a closure notice twice: each falls due once per OPT end date."""
    once = {world.notices[n].subject for n in _ONCE_PER_DUE_DATE}
    seen: set[tuple[str, ...]] = set()
    problems = []
    for message in world.mail.messages():
        keys: list[tuple[str, ...]] = [("id", message.mailbox, message.message_id)]
        if message.subject in once:
            keys.append(("text", message.mailbox, message.subject, readable_text(message)))
        if any(key in seen for key in keys):
            problems.append(f"{message.subject!r} reached {message.mailbox} twice")
        seen.update(keys)
    return problems


@pytest.hookimpl(trylast=True)
def pytest_bdd_after_scenario(request: pytest.FixtureRequest, feature: Any, scenario: Any) -> None:
    world = request.getfixturevalue("world")
    problems = mail_problems(world)
    if problems:
        raise ScenarioFailure("the scenario's mail breaks FAQ 1: " + "; ".join(problems))
