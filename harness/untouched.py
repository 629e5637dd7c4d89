"""A refused write changes nothing: what a student's write could touch, observed before it,
and the differences after a refusal (the portal's pages, the SEVIS record and the mail).

``World.attempt_write`` observes before the write; ``World.expect_refusal`` then asks for the
differences, so every scenario that expects a refusal checks this without a step of its own.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, fields, is_dataclass
from typing import TYPE_CHECKING

from simulators.common.contract import PortalError
from simulators.common.records import changed_fields

if TYPE_CHECKING:
    from harness.world import StudentActor, World


@dataclass(frozen=True)
class Untouched:
    """What one student's refused write must leave exactly as it was."""

    profile: object
    employers: object
    authorizations: object
    history: object
    sevis_record: object
    sevis_programs: object
    sevis_events: object
    emails: int

    @classmethod
    def observe(cls, world: World, student: StudentActor) -> Untouched:
        """Read everything without changing anything: the portal's pages only through a
        session the student already has (a login would itself be a change)."""

        def page(read: str) -> object:
            if student.session is None:
                return "no session"
            try:
                return copy.deepcopy(getattr(world.portal, read)(student.session))
            except PortalError as refusal:
                return f"refused: {refusal.code.value}"

        sevis_id = student.sevis_id
        return cls(
            profile=page("profile"),
            employers=page("employers"),
            authorizations=page("authorizations"),
            history=page("history"),
            sevis_record=copy.deepcopy(world.sevis.snapshot(sevis_id)),
            sevis_programs=copy.deepcopy(world.sevis.programs(sevis_id)),
            sevis_events=copy.deepcopy(world.sevis.event_history(sevis_id)),
            emails=len(world.mail.messages()),
        )

    def changes(self, world: World, student: StudentActor) -> list[str]:
        """What differs now, in words; over the wire the mail patience is waited out first,
        since an email the refusal sent may arrive a moment (or a declared delay) late."""
        if world.mail_patience > 0:  # the mail wait, or a longer declared mail delay
            world.mail.wait_until(
                lambda: len(world.mail.messages()) > self.emails, world.mail_patience
            )
        now = Untouched.observe(world, student)
        changed = []
        for item in fields(self):
            before, after = getattr(self, item.name), getattr(now, item.name)
            if item.name == "emails" and after != before:
                new = world.mail.messages()[before:]
                changed.append(f"an email went out: {[m.subject for m in new]}")
            elif before != after:
                changed.append(f"{item.name.replace('_', ' ')}: {_difference(before, after)}")
        return changed


def _difference(before: object, after: object) -> str:
    if is_dataclass(before) and type(before) is type(after):
        return ", ".join(
            f"{name} {old!r} became {new!r}"
            for name, (old, new) in changed_fields(before, after).items()
        )
    if isinstance(before, list) and isinstance(after, list):
        gone = [x for x in before if x not in after]
        new = [x for x in after if x not in before]
        return f"lost {gone}, gained {new}"
    return f"{before!r} became {after!r}"
