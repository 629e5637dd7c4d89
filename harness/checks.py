"""Checks that explain themselves: each returns the problems it found, in words that say
what was expected, what was seen and where (an empty list means the check holds)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from html.parser import HTMLParser

from simulators.common.contract import HistoryEntry, HistoryKind
from simulators.common.domain import OptType
from simulators.common.notices import (
    ACCEPTED_FORMS,
    LINK_PATHS,
    AcceptedForms,
    BodyItem,
    Notice,
    NoticeCatalog,
    normalized,
)
from simulators.mail import StoredMessage


def _date_forms(day: date) -> tuple[str, ...]:
    """The ways an email may write a date: ISO, US numeric, and spelled-out month."""
    return (
        day.isoformat(),
        f"{day.month:02d}/{day.day:02d}/{day.year}",
        f"{day.month}/{day.day}/{day.year}",
        f"{day:%B} {day.day}, {day.year}",
    )


def readable_text(message: StoredMessage) -> str:
    """What the student reads: the text/plain part, or the HTML part's text when there is
    no plain one."""
    if message.text.strip() or message.content.html is None:
        return message.text
    parser = _TextOfHtml()
    parser.feed(message.content.html)
    parser.close()
    return " ".join(parser.parts)


class _TextOfHtml(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def names_student(text: str, given_name: str, surname: str, forms: AcceptedForms) -> bool:
    """Whether ``text`` names the student in any accepted order and case."""
    body, given, family = normalized(text), normalized(given_name), normalized(surname)
    orders = [given + family[1:], family + given[1:]]
    if not forms.surname_required:
        orders.append(given)
    return any(order in body for order in orders)


def names_opt_type(text: str, opt_type: OptType, forms: AcceptedForms) -> bool:
    body = normalized(text)
    return any(normalized(form) in body for form in forms.opt_types[opt_type.value])


def carries_reporting_reminder(text: str, forms: AcceptedForms) -> bool:
    """The obligation and all three kinds of change, in any wording."""
    body = normalized(text)

    def said(words: tuple[str, ...]) -> bool:
        return any(normalized(word) in body for word in words)

    return said(forms.reminder_obligation) and all(said(k) for k in forms.reminder_changes)


def notice_body_problems(
    notice: Notice,
    message: StoredMessage,
    *,
    given_name: str,
    surname: str,
    opt_types: Iterable[OptType] = (),
    closure_date: date | None = None,
    forms: AcceptedForms = ACCEPTED_FORMS,
) -> list[str]:
    """What ``message`` lacks of what the catalog says ``notice`` carries, read by meaning
    (the forms the catalog accepts), from the plain text or else the HTML."""
    text = readable_text(message)
    problems = []
    for item in notice.must_carry:
        if item is BodyItem.STUDENT_NAME and not names_student(text, given_name, surname, forms):
            problems.append(f"{item.value}: {given_name} {surname} is named in no accepted form")
        elif item is BodyItem.OPT_TYPE and not any(
            names_opt_type(text, t, forms) for t in opt_types
        ):
            accepted = [form for t in opt_types for form in forms.opt_types[t.value]]
            problems.append(f"{item.value}: none of {accepted} is in the body")
        elif item is BodyItem.REPORTING_REMINDER and not carries_reporting_reminder(text, forms):
            problems.append(
                f"{item.value}: the body does not ask to report (or update) address, phone "
                "and employer changes"
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


#: Words that say what an employer entry records, for a portal whose entries carry no
#: ``kind`` (contract 1.1): a liberal match, in any wording that uses one of them.
HISTORY_WORDS: dict[HistoryKind, tuple[str, ...]] = {
    HistoryKind.EMPLOYER_ADDED: ("add", "added", "new", "created", "entered", "reported"),
    HistoryKind.EMPLOYER_CHANGED: ("change", "changed", "edit", "edited", "updated", "modified"),
    HistoryKind.EMPLOYER_DELETED: ("delete", "deleted", "removed", "remove", "withdrawn"),
}


def records_employer(entry: HistoryEntry, kind: HistoryKind, employer_name: str) -> bool:
    """Whether a History entry records ``kind`` for the employer: by its structure (kind and
    employer_name, contract 1.2), else by a liberal reading of its words."""
    if entry.kind is not None:
        named = entry.employer_name or f"{entry.old_value} {entry.new_value} {entry.summary}"
        return entry.kind is kind and normalized(employer_name) in normalized(named)
    words = normalized(f"{entry.summary} {entry.field}")
    values = normalized(f"{entry.summary} {entry.old_value} {entry.new_value}")
    return normalized(employer_name) in values and any(
        f" {word} " in words for word in HISTORY_WORDS[kind]
    )
