"""The behavioural sentences of the DSO FAQ ("Top 10 Questions from DSOs about the SEVP
Portal", Sept. 25, 2019), quoted, each with the catalog rules whose scenarios check it.
Sentences that state no portal behaviour (where sample emails are published, what SEVP
hopes or is coordinating) are left out; a test keeps every rule id here known."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from harness.gherkin import ScenarioSpec


@dataclass(frozen=True)
class FaqSentence:
    sentence_id: str  # "<item><letter>", e.g. "2a"
    item: int
    text: str
    rules: tuple[str, ...]

    @property
    def key(self) -> str:
        return f"FAQ {self.sentence_id}"


def _s(sentence_id: str, text: str, *rules: str) -> FaqSentence:
    return FaqSentence(sentence_id, int(sentence_id.rstrip("abcdefgh")), text, rules)


FAQ_SENTENCES: tuple[FaqSentence, ...] = (
    _s("1a", "This page outlines when students receive portal emails and contains both the "
       "email subject line and body content for stakeholder awareness.",
       "notice-catalogued", "notice-once-per-event"),
    _s("1b", "Stakeholders can access sample SEVP Portal emails sent to students on the SEVP "
       "Portal Email Notices to Students page in the SEVP Portal Help section on Study in "
       "the States.", "notice-student-only"),
    _s("2a", "Before students delete an employer, they must first confirm in the portal that "
       "they have never worked for the employer.", "delete-needs-confirmation"),
    _s("2b", "If students accidentally delete an employer through the portal, they should "
       "contact their DSO for assistance with retrieving the employment information.",
       "delete-recorded", "dso-restores-employer"),
    _s("2c", "Remember, students should not re-add an employer to the portal in this situation.",
       "readd-is-not-restore"),
    _s("3a", "Students can use the password reset button, located on the SEVP Portal homepage, "
       "to reset their password and regain access to their portal account.",
       "lock-after-failed-logins", "self-reset-unlocks"),
    _s("3b", "If this option does not work, students should contact their DSO for assistance "
       "with unlocking their account.", "dso-reset-unlocks", "unlock-fallback-order"),
    _s("3c", "If DSOs are unable to unlock student accounts, they should contact the SEVP "
       "Response Center (SRC) for assistance.", "src-unlocks", "unlock-fallback-order"),
    _s("4a", "Students and DSOs can email SRC at SEVP@ice.dhs.gov to report portal-related "
       "issues.", "src-report-opens-ticket"),
    _s("4b", "When reporting issues, SEVP encourages stakeholders to provide: Student name(s). "
       "Student Exchange Visitor Information System (SEVIS) ID(s). Screenshots of the issue, "
       "if applicable.", "src-report-needs-ids", "src-report-opens-ticket"),
    _s("5a", "SEVP is aware of situations where the reset portal button does not appear in "
       "SEVIS.", "reset-action-shown", "missing-reset-escalated"),
    _s("5b", "If DSOs experience this issue, they should send details of the situation and "
       "screenshots, if applicable, to SEVP@ice.dhs.gov to assist the program with "
       "addressing this issue.", "missing-reset-escalated"),
    _s("6a", "Yes, students are able to edit their employment information while STEM OPT is "
       "pending with U.S. Citizenship Immigration Services (USCIS).", "stem-pending-edit"),
    _s("7a", "SEVIS should automatically send data to the portal when the OPT request status "
       "changes to \u201cApproved.\u201d", "approval-sends-creation-email"),
    _s("7b", "It should not matter whether the approval comes directly from USCIS or an "
       "approved correction request from SRC.", "src-correction-sends-creation-email"),
    _s("7c", "To troubleshoot this situation, first double check the accuracy of the "
       "student\u2019s email address in SEVIS and ensure the account creation email is not in "
       "the student\u2019s spam or junk folders.", "wrong-email-resend", "creation-email-in-junk"),
    _s("7d", "If the student has not received the email and the Reset Portal Account link is "
       "available on the Student Information page in SEVIS, click the link to resend the "
       "portal account creation email.", "wrong-email-resend", "reset-action-offered"),
    _s("7e", "If the email is correct and the student fails to receive both account creation "
       "emails, check the SEVIS event history to make sure the data went to the portal.",
       "failed-transmission-escalated"),
    _s("7f", "If the data failed to transmit from SEVIS to the portal, email SEVP@ice.dhs.gov "
       "to open a ticket.", "failed-transmission-escalated"),
    _s("8a", "When a student transfers or changes education level, SEVIS ends the current OPT "
       "and creates a new program of study record under the same SEVIS ID for the student; "
       "this new record does not have the student\u2019s previous OPT associated with it.",
       "transfer-new-program", "level-change-new-program"),
    _s("8b", "For this reason, students may no longer view the data from the previous program "
       "of study.", "transfer-new-program", "level-change-new-program"),
    _s("8c", "The student is able to see the events that happened in the portal History page.",
       "transfer-new-program"),
    _s("8d", "If a DSO completes a record because a student stops participating in OPT before "
       "the authorized OPT end date, the student should still be able to view their "
       "information in the portal for six months after the OPT end date.",
       "early-completion-six-months"),
    _s("8e", "If a student is denied STEM OPT, the STEM OPT is deleted in both SEVIS and the "
       "portal.", "stem-denial-deletes"),
    _s("9a", "Stakeholders can report portal-related issues to SRC at SEVP@ice.dhs.gov.",
       "src-report-opens-ticket"),
    _s("9b", "When submitting an issue, stakeholders should include: Student name(s). SEVIS "
       "ID(s). Screenshots of the issue, if applicable.",
       "src-report-needs-ids", "src-report-opens-ticket"),
    _s("10a", "SEVP has identified the need to enhance current downloadable lists in SEVIS to "
       "assist DSOs with recognizing information students have changed in the portal.",
       "student-changes-visible-to-dso"),
    _s("10b", "Will SEVP provide a notification when students update their employer or "
       "contact information? ... SEVP will announce any releases containing this "
       "functionality.", "dso-notified-of-changes"),
)  # fmt: skip


@dataclass(frozen=True)
class FaqCoverage:
    sentence: FaqSentence
    scenarios: tuple[str, ...]  # "<feature>: <scenario>" of every scenario of its rules


def faq_coverage(scenarios: Iterable[ScenarioSpec]) -> list[FaqCoverage]:
    """Each FAQ sentence with the scenarios (by their rule tags) that check it."""
    specs = list(scenarios)
    return [
        FaqCoverage(
            sentence,
            tuple(
                sorted(
                    {f"{s.feature}: {s.name}" for s in specs if set(s.rules) & set(sentence.rules)}
                )
            ),
        )
        for sentence in FAQ_SENTENCES
    ]


def faq_rows(faq: list[FaqCoverage]) -> list[dict[str, Any]]:
    """The FAQ table as report data."""
    return [
        {
            "sentence": f.sentence.sentence_id,
            "text": f.sentence.text,
            "rules": list(f.sentence.rules),
            "scenarios": list(f.scenarios),
        }
        for f in faq
    ]
