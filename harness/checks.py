"""Checks that explain themselves: each returns the problems it found, in words that say
what was expected, what was seen and where (an empty list means the check holds)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from fixtures.notices import LINK_PATHS, BodyItem, Notice, NoticeCatalog
from simulators.common.domain import OptType
from simulators.mail import StoredMessage


def _date_forms(day: date) -> tuple[str, ...]:
    """The ways an email may write a date: ISO, US numeric, and spelled-out month."""
    return (
        day.isoformat(),
        f"{day.month:02d}/{day.day:02d}/{day.year}",
        f"{day.month}/{day.day}/{day.year}",
        f"{day:%B} {day.day}, {day.year}",
    )


def notice_body_problems(
    notice: Notice,
    message: StoredMessage,
    *,
    student_name: str,
    opt_types: Iterable[OptType] = (),
    closure_date: date | None = None,
) -> list[str]:
    """What ``message`` lacks of what the catalog says ``notice`` carries."""
    text = message.text
    lowered = text.lower()
    problems = []
    for item in notice.must_carry:
        if item is BodyItem.STUDENT_NAME and student_name.lower() not in lowered:
            problems.append(f"{item.value}: {student_name!r} is not in the body")
        elif item is BodyItem.OPT_TYPE and not any(t.label.lower() in lowered for t in opt_types):
            labels = [t.label for t in opt_types]
            problems.append(f"{item.value}: none of {labels} is in the body")
        elif item is BodyItem.REPORTING_REMINDER and not all(
            word in lowered for word in ("report", "address", "employer")
        ):
            problems.append(
                f"{item.value}: the body does not ask to report address and employer changes"
            )
        elif item in LINK_PATHS and not message.link_parameter("token", path=LINK_PATHS[item]):
            problems.append(
                f"{item.value}: no link to {LINK_PATHS[item]} with a token among {message.links}"
            )
        elif (
            item is BodyItem.CLOSURE_DATE
            and closure_date is not None
            and not any(form in text for form in _date_forms(closure_date))
        ):
            problems.append(f"{item.value}: {closure_date.isoformat()} is not in the body")
    return problems


def catalog_problems(catalog: NoticeCatalog, messages: Iterable[StoredMessage]) -> list[str]:
    """Every portal email whose subject is not catalogued, or whose sender is not the
    catalogued sender of its notice."""
    problems = []
    for message in messages:
        notice = catalog.by_subject(message.subject)
        if notice is None:
            problems.append(f"{message.subject!r} to {message.mailbox} is not a catalogued notice")
        elif message.sender.lower() != notice.sender.lower():
            problems.append(
                f"{message.subject!r} came from {message.sender!r}, expected {notice.sender!r}"
            )
    return problems


def recipient_problems(messages: Iterable[StoredMessage], students: set[str]) -> list[str]:
    """Every portal email that went to anyone but exactly one student, or was copied."""
    problems = []
    for message in messages:
        recipients = {a.lower() for a in (*message.to, *message.cc, *message.envelope_recipients)}
        if len(recipients) != 1 or not recipients <= students:
            problems.append(
                f"{message.subject!r} went to {sorted(recipients)}; expected one student"
            )
    return problems


def secrets_in(texts: Iterable[tuple[str, str]], secrets: Iterable[str]) -> list[str]:
    """Where any of ``secrets`` appears among ``(where, text)`` pairs."""
    wanted = [s for s in secrets if s]
    return [f"{where} contains a secret" for where, text in texts for s in wanted if s in text]
